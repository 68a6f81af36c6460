//! `Retry-After`: seconds, or an HTTP date.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// The pause `headers` ask for, if they ask for one.
pub(crate) fn of(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(text).ok()?;
    Some(at.duration_since(SystemTime::now()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    #[test]
    fn seconds_and_dates_are_read_and_nonsense_is_not() {
        let mut headers = HeaderMap::new();
        assert_eq!(of(&headers), None);
        headers.insert(RETRY_AFTER, HeaderValue::from_static("120"));
        assert_eq!(of(&headers), Some(Duration::from_secs(120)));
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(600));
        headers.insert(RETRY_AFTER, HeaderValue::from_str(&later).unwrap());
        let asked = of(&headers).unwrap();
        assert!(
            asked > Duration::from_secs(590) && asked <= Duration::from_secs(600),
            "{asked:?}"
        );
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(of(&headers), None);
    }
}
