//! Passwords as typed and as stored. Neither ever prints: their `Debug`
//! says `[redacted]`, so a stray `?user` in a log line leaks nothing.

use std::fmt;

/// A password as the user typed it, checked for length.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

/// Why a text cannot be a [`Password`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Shorter than [`Password::MIN_LEN`] characters.
    #[error("must be at least {min} characters")]
    TooShort {
        /// The minimum length.
        min: usize,
    },
    /// Longer than [`Password::MAX_LEN`] characters.
    #[error("must be at most {max} characters")]
    TooLong {
        /// The maximum length.
        max: usize,
    },
}

impl Password {
    /// NIST SP 800-63B's floor for user-chosen secrets.
    pub const MIN_LEN: usize = 8;
    /// Room for any passphrase, while keeping one hash cheap to refuse.
    pub const MAX_LEN: usize = 128;

    /// Checks the length of `raw`; spaces are kept, they are part of a passphrase.
    ///
    /// # Errors
    /// [`PasswordError`] when too short or too long.
    pub fn new(raw: &str) -> Result<Password, PasswordError> {
        let len = raw.chars().count();
        if len < Self::MIN_LEN {
            return Err(PasswordError::TooShort { min: Self::MIN_LEN });
        }
        if len > Self::MAX_LEN {
            return Err(PasswordError::TooLong { max: Self::MAX_LEN });
        }
        Ok(Password(raw.to_owned()))
    }

    /// The password, for the hashing function only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password([redacted])")
    }
}

/// A password hash in PHC string format (`$argon2id$v=19$...`).
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Wraps a PHC string produced by a hashing adapter or read from storage.
    pub fn from_phc(phc: String) -> PasswordHash {
        PasswordHash(phc)
    }

    /// The PHC string, for storage and verification.
    pub fn as_phc(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_needs_eight_to_128_characters() {
        assert_eq!(
            Password::new("seven77"),
            Err(PasswordError::TooShort { min: 8 })
        );
        assert!(Password::new("eight888").is_ok());
        assert!(Password::new(&"é".repeat(128)).is_ok());
        assert_eq!(
            Password::new(&"x".repeat(129)),
            Err(PasswordError::TooLong { max: 128 })
        );
    }

    #[test]
    fn neither_form_of_a_password_shows_in_debug_output() {
        let password = Password::new("hunter2hunter2").unwrap();
        let hash = PasswordHash::from_phc("$argon2id$v=19$secret".to_owned());
        let printed = format!("{password:?} {hash:?}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(!printed.contains("argon2id"), "{printed}");
    }
}
