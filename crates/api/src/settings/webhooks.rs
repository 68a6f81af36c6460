//! `OMS_WEBHOOK_*`: where webhooks may call, how long an endpoint has to
//! answer, when a failed delivery is tried again, and how long an
//! endpoint may fail before it is disabled. Durations are written as a
//! whole number and a unit: `45s`, `5m`, `2h`, `5d`.

use std::time::Duration;

use oms_domain::webhook::delivery::RetrySchedule;

use super::WebhookSettings;
use super::parser::Parser;

/// The Standard Webhooks specification's schedule.
pub const DEFAULT_SCHEDULE: &str = "0s,5s,5m,30m,2h,5h,10h,14h,20h,24h";

/// `text` as a duration: a whole number and one of `s`, `m`, `h`, `d`.
pub fn duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let unit = text.chars().last()?;
    let scale = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3_600,
        'd' => 86_400,
        _ => return None,
    };
    let count: u64 = text[..text.len() - 1].parse().ok()?;
    count.checked_mul(scale).map(Duration::from_secs)
}

fn schedule(text: &str) -> Option<RetrySchedule> {
    let pauses = text
        .split(',')
        .map(duration)
        .collect::<Option<Vec<Duration>>>()?;
    RetrySchedule::new(pauses).ok()
}

impl Parser<'_> {
    fn duration_setting(&mut self, name: &str, default: Duration) -> Duration {
        match self.get(name) {
            None => default,
            Some(raw) => match duration(raw).filter(|d| !d.is_zero()) {
                Some(d) => d,
                None => {
                    self.fail(format!(
                        "{name} is not a duration such as 45s, 30m, 2h or 5d: {raw:?}"
                    ));
                    default
                }
            },
        }
    }

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
    fn durations_are_a_number_and_a_unit() {
        assert_eq!(duration("45s"), Some(Duration::from_secs(45)));
        assert_eq!(duration("5m"), Some(Duration::from_secs(300)));
        assert_eq!(duration("2h"), Some(Duration::from_secs(7_200)));
        assert_eq!(duration("5d"), Some(Duration::from_secs(432_000)));
        for bad in ["", "5", "m", "5w", "-5s", "1.5h"] {
            assert_eq!(duration(bad), None, "{bad}");
        }
        let default = schedule(DEFAULT_SCHEDULE).unwrap();
        assert_eq!(default.pauses().len(), 10);
        assert_eq!(default.pauses()[2], Duration::from_secs(300));
        assert_eq!(schedule("0s,,5s"), None);
    }
}
