//! A configured secret: readable where it is used, `[redacted]` everywhere
//! it could be printed.

use std::fmt;

/// A string that never appears in `Debug` output or logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a configured value.
    pub fn new(value: &str) -> Secret {
        Secret(value.to_owned())
    }

    /// 32 random bytes as 64 hex digits, for a key nobody configured.
    pub fn random() -> Secret {
        let mut bytes = [0u8; 32];
        // Without an OS random source there is nothing safe to sign with.
        #[allow(clippy::expect_used)]
        getrandom::fill(&mut bytes).expect("the operating system provides randomness");
        Secret(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// The value itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn debug_output_hides_the_value() {
        let secret = Secret::new("hunter2-hunter2");
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(secret.expose(), "hunter2-hunter2");
    }

    #[test]
    fn random_secrets_differ_and_are_long() {
        let (a, b) = (Secret::random(), Secret::random());
        assert_ne!(a, b);
        assert_eq!(a.expose().len(), 64);
    }
}
