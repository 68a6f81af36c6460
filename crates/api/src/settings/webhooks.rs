//! `OMS_WEBHOOK_*`: where webhooks may call, how long an endpoint has to
//! answer, when a failed delivery is tried again, and how long an
//! endpoint may fail before it is disabled. Durations are written as
//! [`durations`](super::durations) reads them.

use std::time::Duration;

use oms_domain::webhook::delivery::RetrySchedule;

use super::WebhookSettings;
use super::durations::duration;
use super::parser::Parser;

/// The Standard Webhooks specification's schedule.
pub const DEFAULT_SCHEDULE: &str = "0s,5s,5m,30m,2h,5h,10h,14h,20h,24h";

fn schedule(text: &str) -> Option<RetrySchedule> {
    let pauses = text
        .split(',')
        .map(duration)
        .collect::<Option<Vec<Duration>>>()?;
    RetrySchedule::new(pauses).ok()
}

impl Parser<'_> {
    /// The webhook settings; finished deliveries are kept as long as events
    /// (`keep_done`, the event retention).
    pub(super) fn webhooks(&mut self, keep_done: Duration) -> WebhookSettings {
        let default_schedule = schedule(DEFAULT_SCHEDULE).unwrap_or_else(|| {
            RetrySchedule::new(vec![Duration::ZERO]).unwrap_or_else(|_| unreachable!())
        });
        let schedule = match self.get("OMS_WEBHOOK_RETRY_SCHEDULE") {
            None => default_schedule,
            Some(raw) => schedule(raw).unwrap_or_else(|| {
                self.fail(format!(
                    "OMS_WEBHOOK_RETRY_SCHEDULE is not a list of 1 to {} durations such as 0s,5s,5m: {raw:?}",
                    RetrySchedule::MAX_ATTEMPTS
                ));
                default_schedule
            }),
        };
        WebhookSettings {
            allow_private: self.flag("OMS_WEBHOOK_ALLOW_PRIVATE", false),
            timeout: Duration::from_secs(u64::from(
                self.positive("OMS_WEBHOOK_TIMEOUT_SECONDS", 15),
            )),
            schedule,
            disable_after: self
                .duration_setting("OMS_WEBHOOK_DISABLE_AFTER", Duration::from_secs(5 * 86_400)),
            keep_done,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_schedule_is_the_specifications() {
        let default = schedule(DEFAULT_SCHEDULE).unwrap();
        assert_eq!(default.pauses().len(), 10);
        assert_eq!(default.pauses()[2], Duration::from_secs(300));
        assert_eq!(schedule("0s,,5s"), None);
    }
}
