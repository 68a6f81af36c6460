//! A short text a person writes about a change (why an order was
//! cancelled), kept with it.

use std::fmt;

use crate::text;

/// One line of text: trimmed, not empty, at most [`Note::MAX_LEN`]
/// characters, no control characters (they break CSV exports and logs).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Note(String);

/// Why a text is not a [`Note`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    /// Nothing but whitespace was given.
    #[error("must not be blank (leave it out instead)")]
    Empty,
    /// Longer than [`Note::MAX_LEN`] characters.
    #[error("must be at most {max} characters")]
    TooLong {
        /// The limit that was exceeded.
        max: usize,
    },
    /// Contains a control character such as a newline or NUL.
    #[error("must be one line, without control characters")]
    ControlCharacter,
}

impl Note {
    /// A sentence or two.
    pub const MAX_LEN: usize = 500;

    /// Trims and validates `raw`.
    ///
    /// # Errors
    /// [`NoteError`] says which rule `raw` broke.
    pub fn parse(raw: &str) -> Result<Note, NoteError> {
        let trimmed = text::trimmed(raw, Self::MAX_LEN)?;
        if raw.chars().any(char::is_control) {
            return Err(NoteError::ControlCharacter);
        }
        Ok(Note(trimmed.to_owned()))
    }

    /// The text, less surrounding whitespace.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_is_one_trimmed_line_of_bounded_length() {
        assert_eq!(
            Note::parse("  out of stock ").unwrap().as_str(),
            "out of stock"
        );
        assert_eq!(Note::parse("   "), Err(NoteError::Empty));
        assert_eq!(Note::parse("two\nlines"), Err(NoteError::ControlCharacter));
        assert!(Note::parse(&"x".repeat(Note::MAX_LEN)).is_ok());
        assert_eq!(
            Note::parse(&"x".repeat(Note::MAX_LEN + 1)),
            Err(NoteError::TooLong { max: Note::MAX_LEN })
        );
    }
}
