//! Instants in UTC with millisecond precision.
//!
//! Millisecond precision is what MongoDB's date type stores, so every store
//! hands back exactly the instant it was given and cursors built from one
//! store's timestamps compare equal in another.

use std::fmt;

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// An instant between 1970 and the end of year 9999, in whole milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

/// Why a value is not a [`Timestamp`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TimestampError {
    /// Before 1970 or after 9999.
    #[error("must be between 1970-01-01 and 9999-12-31")]
    OutOfRange,
    /// Not an RFC 3339 date-time such as `2026-11-25T08:00:00Z`.
    #[error("must be an RFC 3339 date-time such as 2026-11-25T08:00:00Z")]
    NotRfc3339,
}

impl Timestamp {
    /// 1970-01-01T00:00:00Z.
    pub const UNIX_EPOCH: Timestamp = Timestamp(0);

    /// 9999-12-31T23:59:59.999Z, the last instant RFC 3339 can write.
    const MAX_MILLIS: i64 = 253_402_300_799_999;

    /// Milliseconds since 1970-01-01T00:00:00Z.
    ///
    /// # Errors
    /// [`TimestampError::OutOfRange`] outside 1970..=9999.
    pub fn from_unix_millis(millis: i64) -> Result<Timestamp, TimestampError> {
        if (0..=Self::MAX_MILLIS).contains(&millis) {
            Ok(Timestamp(millis))
        } else {
            Err(TimestampError::OutOfRange)
        }
    }

    /// Truncates `at` to whole milliseconds.
    ///
    /// # Errors
    /// [`TimestampError::OutOfRange`] outside 1970..=9999.
    pub fn from_datetime(at: OffsetDateTime) -> Result<Timestamp, TimestampError> {
        let millis = at.unix_timestamp_nanos() / 1_000_000;
        i64::try_from(millis)
            .map_err(|_| TimestampError::OutOfRange)
            .and_then(Timestamp::from_unix_millis)
    }

    /// Reads an RFC 3339 date-time with any offset.
    ///
    /// # Errors
    /// [`TimestampError`] when `text` is not RFC 3339 or out of range.
    pub fn parse_rfc3339(text: &str) -> Result<Timestamp, TimestampError> {
        let at =
            OffsetDateTime::parse(text.trim(), &Rfc3339).map_err(|_| TimestampError::NotRfc3339)?;
        Timestamp::from_datetime(at)
    }

    /// Reads an RFC 3339 date-time as a bound of a range of instants,
    /// brought into 1970..=9999: no timestamp lies outside, so "after 0235"
    /// selects what "after 1970" does.
    ///
    /// # Errors
    /// [`TimestampError::NotRfc3339`] when `text` is not RFC 3339.
    pub fn parse_bound(text: &str) -> Result<Timestamp, TimestampError> {
        let at = OffsetDateTime::parse(text, &Rfc3339).map_err(|_| TimestampError::NotRfc3339)?;
        let millis = (at.unix_timestamp_nanos() / 1_000_000).clamp(0, i128::from(Self::MAX_MILLIS));
        Timestamp::from_unix_millis(i64::try_from(millis).unwrap_or(Self::MAX_MILLIS))
    }

    /// Milliseconds since 1970-01-01T00:00:00Z.
    pub fn unix_millis(self) -> i64 {
        self.0
    }

    /// `span` later, or the last instant there is.
    pub fn plus(self, span: std::time::Duration) -> Timestamp {
        let millis = i64::try_from(span.as_millis()).unwrap_or(i64::MAX);
        Timestamp(self.0.saturating_add(millis).min(Self::MAX_MILLIS))
    }

    /// How long after `earlier` this is (zero when it is not after).
    pub fn since(self, earlier: Timestamp) -> std::time::Duration {
        std::time::Duration::from_millis(u64::try_from(self.0 - earlier.0).unwrap_or(0))
    }

    /// The same instant as a `time` value in UTC.
    pub fn to_datetime(self) -> OffsetDateTime {
        // The constructor's range check keeps this inside what `time` accepts.
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.0) * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
            .to_offset(UtcOffset::UTC)
    }
}

impl fmt::Display for Timestamp {
    /// RFC 3339 in UTC, e.g. `2026-11-25T08:00:00.123Z`, as `time`'s
    /// `Rfc3339` writes it (the fraction without trailing zeros, none when
    /// zero), written in place: every order view carries several, and
    /// `time`'s formatter builds a `String` for each.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.to_datetime();
        // The range check keeps the year within four digits.
        let year = u32::try_from(at.year()).map_err(|_| fmt::Error)?;
        let mut text = *b"0000-00-00T00:00:00.000Z";
        let mut put = |at: usize, digits: usize, value: u32| {
            let mut value = value;
            for slot in text[at..at + digits].iter_mut().rev() {
                *slot = b'0' + (value % 10) as u8;
                value /= 10;
            }
        };
        put(0, 4, year);
        put(5, 2, u32::from(u8::from(at.month())));
        put(8, 2, u32::from(at.day()));
        put(11, 2, u32::from(at.hour()));
        put(14, 2, u32::from(at.minute()));
        put(17, 2, u32::from(at.second()));
        let millis = at.millisecond();
        put(20, 3, u32::from(millis));
        let end = match millis {
            0 => 19,
            m if m % 100 == 0 => 21,
            m if m % 10 == 0 => 22,
            _ => 23,
        };
        f.write_str(std::str::from_utf8(&text[..end]).map_err(|_| fmt::Error)?)?;
        f.write_str("Z")
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn every_instant_round_trips_through_rfc3339(millis in 0i64..=253_402_300_799_999) {
            let at = Timestamp::from_unix_millis(millis).unwrap();
            prop_assert_eq!(Timestamp::parse_rfc3339(&at.to_string()), Ok(at));
            prop_assert_eq!(Timestamp::from_datetime(at.to_datetime()), Ok(at));
        }

        #[test]
        fn it_is_written_as_times_rfc3339_writes_it(millis in 0i64..=253_402_300_799_999) {
            let at = Timestamp::from_unix_millis(millis).unwrap();
            prop_assert_eq!(at.to_string(), at.to_datetime().format(&Rfc3339).unwrap());
        }
    }

    #[test]
    fn the_fraction_loses_its_trailing_zeros() {
        let text = |millis| Timestamp::from_unix_millis(millis).unwrap().to_string();
        assert_eq!(text(0), "1970-01-01T00:00:00Z");
        assert_eq!(text(1_500), "1970-01-01T00:00:01.5Z");
        assert_eq!(text(1_520), "1970-01-01T00:00:01.52Z");
        assert_eq!(text(1_523), "1970-01-01T00:00:01.523Z");
        assert_eq!(text(253_402_300_799_999), "9999-12-31T23:59:59.999Z");
    }

    #[test]
    fn a_bound_outside_the_range_is_brought_into_it() {
        let at = |t: &str| Timestamp::parse_bound(t).map(Timestamp::unix_millis);
        assert_eq!(at("0235-01-04T20:04:59Z"), Ok(0));
        assert_eq!(at("9999-12-31T23:59:59-11:00"), Ok(Timestamp::MAX_MILLIS));
        assert_eq!(at("1970-01-01T00:00:01.5Z"), Ok(1_500));
        assert_eq!(at("yesterday"), Err(TimestampError::NotRfc3339));
    }

    #[test]
    fn rfc3339_text_round_trips_at_millisecond_precision() {
        let at = Timestamp::parse_rfc3339("2026-11-25T08:00:00.123Z").unwrap();
        assert_eq!(at.unix_millis(), 1_795_593_600_123);
        assert_eq!(at.to_string(), "2026-11-25T08:00:00.123Z");
        assert_eq!(Timestamp::parse_rfc3339(&at.to_string()), Ok(at));
    }

    #[test]
    fn an_offset_is_converted_to_utc() {
        let at = Timestamp::parse_rfc3339("2026-11-25T10:00:00+02:00").unwrap();
        assert_eq!(at.to_string(), "2026-11-25T08:00:00Z");
    }

    #[test]
    fn sub_millisecond_digits_are_truncated() {
        let at = Timestamp::parse_rfc3339("2026-11-25T08:00:00.123999Z").unwrap();
        assert_eq!(at.unix_millis() % 1000, 123);
    }

    #[test]
    fn text_that_is_not_rfc3339_is_refused() {
        for raw in ["", "yesterday", "2026-11-25", "2026-13-01T00:00:00Z"] {
            assert_eq!(
                Timestamp::parse_rfc3339(raw),
                Err(TimestampError::NotRfc3339),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn instants_outside_1970_to_9999_are_refused() {
        assert_eq!(
            Timestamp::from_unix_millis(-1),
            Err(TimestampError::OutOfRange)
        );
        assert_eq!(
            Timestamp::parse_rfc3339("1969-12-31T23:59:59Z"),
            Err(TimestampError::OutOfRange)
        );
        assert!(Timestamp::from_unix_millis(253_402_300_799_999).is_ok());
        assert_eq!(
            Timestamp::from_unix_millis(253_402_300_800_000),
            Err(TimestampError::OutOfRange)
        );
    }
}
