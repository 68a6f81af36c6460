//! Idempotency keys: a client that retries a request after a timeout sends
//! the same key, and gets the order it already placed instead of a second one.

use std::fmt;

/// A client-chosen key, 1 to 255 visible ASCII characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdempotencyKey(String);

/// Why a text cannot be an [`IdempotencyKey`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("must be 1 to {max} visible ASCII characters", max = IdempotencyKey::MAX_LEN)]
pub struct IdempotencyKeyError;

impl IdempotencyKey {
    /// Long enough for a UUID or a client's own scheme.
    pub const MAX_LEN: usize = 255;

    /// Checks `raw` is 1..=255 visible ASCII characters.
    ///
    /// # Errors
    /// [`IdempotencyKeyError`] otherwise.
    pub fn parse(raw: &str) -> Result<IdempotencyKey, IdempotencyKeyError> {
        let ok = !raw.is_empty()
            && raw.len() <= Self::MAX_LEN
            && raw.bytes().all(|b| b.is_ascii_graphic());
        if ok {
            Ok(IdempotencyKey(raw.to_owned()))
        } else {
            Err(IdempotencyKeyError)
        }
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A digest of everything a place-order request asked for: the same key with
/// a different fingerprint is a client bug, not a retry.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RequestFingerprint(String);

impl RequestFingerprint {
    /// Wraps a digest made by the application layer or read from storage.
    pub fn new(digest: String) -> RequestFingerprint {
        RequestFingerprint(digest)
    }

    /// The digest.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn a_key_is_accepted_exactly_when_visible_ascii_of_bounded_length(raw in "\\PC{0,300}") {
            let expected = !raw.is_empty() && raw.len() <= 255 && raw.bytes().all(|b| b.is_ascii_graphic());
            prop_assert_eq!(IdempotencyKey::parse(&raw).is_ok(), expected);
        }
    }

    #[test]
    fn a_key_is_visible_ascii_of_bounded_length() {
        assert!(IdempotencyKey::parse("order-2026-11-25-0001").is_ok());
        assert!(IdempotencyKey::parse(&"k".repeat(255)).is_ok());
        for raw in ["", "has space", "tab\t", "ünï", &"k".repeat(256)] {
            assert_eq!(
                IdempotencyKey::parse(raw),
                Err(IdempotencyKeyError),
                "{raw:?}"
            );
        }
    }
}
