//! Whole numbers as JSON Schema counts them: `5` and `5.0` are both the
//! integer 5 (a number with no fractional part), so the API document's
//! `"type": "integer"` accepts exactly what the server does.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserializer;
use serde::de::{Error, Unexpected, Visitor};

/// An integer type a whole JSON number can become.
pub trait Whole: Sized + TryFrom<i64> + TryFrom<u64> {
    /// The type's name in error messages.
    const NAME: &'static str;
}

impl Whole for i64 {
    const NAME: &'static str = "a whole number";
}

impl Whole for u64 {
    const NAME: &'static str = "a whole number, 0 or more";
}

struct WholeVisitor<T>(PhantomData<T>);

impl<T: Whole> Visitor<'_> for WholeVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::NAME)
    }

    fn visit_i64<E: Error>(self, v: i64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
    }

    fn visit_u64<E: Error>(self, v: u64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
    }

    fn visit_f64<E: Error>(self, v: f64) -> Result<T, E> {
        let refuse = || E::invalid_value(Unexpected::Float(v), &self);
        // Past 2^53 a float no longer holds every whole number: 2^53 + 1
        // written with a point would silently become 2^53.
        if v.fract() != 0.0 || !v.is_finite() || v.abs() > 9_007_199_254_740_992.0 {
            return Err(refuse());
        }
        // Whole and finite: in range of i128 for every f64 below 2^127.
        #[allow(clippy::cast_possible_truncation)]
        let n = v as i128;
        if (n as f64) != v {
            return Err(refuse());
        }
        if let Ok(n) = i64::try_from(n) {
            return self.visit_i64(n);
        }
        u64::try_from(n)
            .map_err(|_| refuse())
            .and_then(|n| self.visit_u64(n))
    }
}

/// For `#[serde(deserialize_with = "whole::number")]`.
pub fn number<'de, D: Deserializer<'de>, T: Whole>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_any(WholeVisitor(PhantomData))
}

/// For `#[serde(default, deserialize_with = "whole::optional")]`: may be
/// left out, not sent as `null`.
pub fn optional<'de, D: Deserializer<'de>, T: Whole>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    number(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Line {
        #[serde(deserialize_with = "super::number")]
        quantity: i64,
        #[serde(default, deserialize_with = "super::optional")]
        version: Option<u64>,
    }

    fn parse(json: &str) -> Result<Line, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn a_whole_float_is_the_integer() {
        assert_eq!(
            parse(r#"{"quantity": 3.0, "version": 1e3}"#),
            Ok(Line {
                quantity: 3,
                version: Some(1000)
            })
        );
        assert_eq!(
            parse(r#"{"quantity": -2, "version": 18446744073709551615}"#),
            Ok(Line {
                quantity: -2,
                version: Some(u64::MAX)
            })
        );
    }

    #[test]
    fn fractions_nulls_and_out_of_range_numbers_are_refused() {
        for json in [
            r#"{"quantity": 2.5}"#,
            r#"{"quantity": "2"}"#,
            r#"{"quantity": null}"#,
            r#"{"quantity": 9223372036854775808}"#,
            r#"{"quantity": 1e300}"#,
            r#"{"quantity": 1, "version": -1}"#,
            r#"{"quantity": 1, "version": null}"#,
            r#"{"quantity": 1, "version": 18446744073709551616}"#,
        ] {
            assert!(parse(json).is_err(), "{json}");
        }
    }
}
