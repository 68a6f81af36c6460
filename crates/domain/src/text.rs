//! The rule every text a person types shares (names, e-mail addresses):
//! what was sent, spaces included, is at most so many characters, as the
//! API document's `maxLength` measures it, and something is left once the
//! surrounding spaces are dropped.

/// Which part of the rule `raw` broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TextError {
    /// Nothing but whitespace.
    Empty,
    /// Longer than the maximum.
    TooLong {
        /// The maximum.
        max: usize,
    },
}

/// `raw` without its surrounding spaces, when it keeps to the rule.
pub(crate) fn trimmed(raw: &str, max: usize) -> Result<&str, TextError> {
    if raw.chars().count() > max {
        return Err(TextError::TooLong { max });
    }
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(TextError::Empty);
    }
    Ok(trimmed)
}

/// Each error type that reports the rule in its own words.
macro_rules! reported_as {
    ($($error:path),+) => {$(
        impl From<TextError> for $error {
            fn from(e: TextError) -> Self {
                match e {
                    TextError::Empty => Self::Empty,
                    TextError::TooLong { max } => Self::TooLong { max },
                }
            }
        }
    )+};
}

reported_as!(
    crate::address::AddressError,
    crate::email::EmailError,
    crate::name::NameError,
    crate::note::NoteError,
    crate::order::activity::NoteTextError,
    crate::order::shipment::TrackingError
);
