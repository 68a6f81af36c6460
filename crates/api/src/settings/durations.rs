//! Durations in settings, written as a whole number and a unit: `45s`,
//! `30m`, `2h`, `5d`.

use std::time::Duration;

use super::parser::Parser;

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

impl Parser<'_> {
    pub(super) fn duration_setting(&mut self, name: &str, default: Duration) -> Duration {
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

    /// A duration that is off unless set (`off` or empty also say so).
    pub(super) fn optional_duration(&mut self, name: &str) -> Option<Duration> {
        let raw = self.get(name)?;
        if raw.trim().is_empty() || raw.trim() == "off" {
            return None;
        }
        match duration(raw).filter(|d| !d.is_zero()) {
            Some(d) => Some(d),
            None => {
                self.fail(format!(
                    "{name} is not a duration such as 45s, 30m, 2h or 5d (or off): {raw:?}"
                ));
                None
            }
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
    }
}
