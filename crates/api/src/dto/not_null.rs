//! For `#[serde(default, deserialize_with = "not_null::field")]`: a field
//! that may be left out but not sent as `null`, as the OpenAPI document
//! says (its schema is the value's, not nullable). Whole numbers have
//! their own ([`crate::dto::whole::optional`]).

use serde::{Deserialize, Deserializer};

/// The value, present.
///
/// # Errors
/// The deserializer's, for `null` or a value of another type.
pub fn field<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Change {
        #[serde(default, deserialize_with = "super::field")]
        role: Option<String>,
    }

    #[test]
    fn left_out_is_none_and_null_is_refused() {
        let parse = |json: &str| serde_json::from_str::<Change>(json).map_err(|e| e.to_string());
        assert_eq!(parse("{}"), Ok(Change { role: None }));
        assert_eq!(
            parse(r#"{"role": "staff"}"#),
            Ok(Change {
                role: Some("staff".into())
            })
        );
        assert!(parse(r#"{"role": null}"#).is_err());
    }
}
