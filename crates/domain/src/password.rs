//! Passwords as typed and as stored. Neither ever prints: their `Debug`
//! says `[redacted]`, so a stray `?user` in a log line leaks nothing.

use std::fmt;

/// A password as the user typed it: a new one meets the length rule
/// ([`Password::new`], and the use cases also refuse the most common
/// passwords); one typed to sign in is only bounded ([`Password::typed`]),
/// so accounts made under older rules still sign in.
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
    /// On a list of the passwords attackers try first (the list is the
    /// use cases' to hold: it is data, not a rule of the domain).
    #[error("is one of the most common passwords; choose another")]
    Common,
}

impl Password {
    /// The shortest new password: long enough that guessing it through a
    /// throttled sign-in is hopeless without it being on a common list.
    pub const MIN_LEN: usize = 12;
    /// Room for any passphrase, while keeping one hash cheap to refuse.
    pub const MAX_LEN: usize = 128;

    /// A new password's length: [`Password::MIN_LEN`] to
    /// [`Password::MAX_LEN`] characters. Spaces are kept, they are part of
    /// a passphrase.
    ///
    /// # Errors
    /// [`PasswordError`] naming the rule it breaks.
    pub fn new(raw: &str) -> Result<Password, PasswordError> {
        let typed = Password::typed(raw)?;
        if raw.chars().count() < Self::MIN_LEN {
            return Err(PasswordError::TooShort { min: Self::MIN_LEN });
        }
        Ok(typed)
    }

    /// A password typed to sign in: anything up to [`Password::MAX_LEN`]
    /// characters but nothing, whatever the rules were when it was chosen.
    ///
    /// # Errors
    /// [`PasswordError`] when empty or too long.
    pub fn typed(raw: &str) -> Result<Password, PasswordError> {
        if raw.is_empty() {
            return Err(PasswordError::TooShort { min: Self::MIN_LEN });
        }
        if raw.chars().count() > Self::MAX_LEN {
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
    fn a_new_password_needs_twelve_to_128_characters() {
        assert_eq!(
            Password::new("eleven-char"),
            Err(PasswordError::TooShort { min: 12 })
        );
        assert!(Password::new("twelve-chars").is_ok());
        assert!(Password::new(&"é".repeat(128)).is_ok());
        assert_eq!(
            Password::new(&"x".repeat(129)),
            Err(PasswordError::TooLong { max: 128 })
        );
    }

    #[test]
    fn a_password_typed_to_sign_in_is_only_bounded() {
        assert!(Password::typed("short").is_ok());
        assert!(Password::typed("123456").is_ok());
        assert_eq!(
            Password::typed(""),
            Err(PasswordError::TooShort { min: 12 })
        );
        assert_eq!(
            Password::typed(&"x".repeat(129)),
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
