//! Names of people and products as people type them.

use std::fmt;

use crate::text;

/// A display name: trimmed, not empty, at most [`Name::MAX_LEN`] characters,
/// no control characters (they break CSV exports and terminal logs).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name(String);

/// Why a text is not a [`Name`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// Nothing but whitespace was given.
    #[error("is required")]
    Empty,
    /// Longer than [`Name::MAX_LEN`] characters.
    #[error("must be at most {max} characters")]
    TooLong {
        /// The limit that was exceeded.
        max: usize,
    },
    /// Contains a control character such as a newline or NUL.
    #[error("must not contain control characters")]
    ControlCharacter,
}

impl Name {
    /// Long enough for any real name, short enough for a table cell.
    pub const MAX_LEN: usize = 200;

    /// Trims and validates `raw`.
    ///
    /// # Errors
    /// [`NameError`] says which rule `raw` broke.
    pub fn parse(raw: &str) -> Result<Name, NameError> {
        let trimmed = text::trimmed(raw, Self::MAX_LEN)?;
        // Anywhere in what was sent, ends included: a trailing newline is
        // a pasting mistake the client should hear about.
        if raw.chars().any(char::is_control) {
            return Err(NameError::ControlCharacter);
        }
        Ok(Name(trimmed.to_owned()))
    }

    /// The name as typed, less surrounding whitespace.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first word ("Ann" of "Ann Lee"): what a stranger holding an
    /// order's link is told of whom it is for.
    pub fn first_name(&self) -> &str {
        self.0.split_whitespace().next().unwrap_or(&self.0)
    }

    /// The key lists are sorted and searched by: case folded, so "apple"
    /// sorts beside "Apple".
    pub fn sort_key(&self) -> String {
        self.0.to_lowercase()
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn a_parsed_name_parses_to_itself(raw in "\\PC{0,220}") {
            if let Ok(name) = Name::parse(&raw) {
                prop_assert_eq!(Name::parse(name.as_str()), Ok(name.clone()));
                prop_assert!(name.as_str().chars().count() <= Name::MAX_LEN);
                prop_assert_eq!(name.as_str(), raw.trim());
            }
        }
    }

    #[test]
    fn a_name_is_trimmed() {
        assert_eq!(Name::parse("  Blue Mug ").unwrap().as_str(), "Blue Mug");
    }

    #[test]
    fn an_empty_name_is_refused() {
        assert_eq!(Name::parse(""), Err(NameError::Empty));
        assert_eq!(Name::parse(" \n "), Err(NameError::Empty));
    }

    #[test]
    fn a_name_longer_than_the_limit_is_refused() {
        assert!(Name::parse(&"é".repeat(200)).is_ok());
        assert_eq!(
            Name::parse(&"é".repeat(201)),
            Err(NameError::TooLong { max: 200 })
        );
    }

    #[test]
    fn the_limit_counts_surrounding_spaces() {
        let padded = format!(" {} ", "a".repeat(199));
        assert_eq!(Name::parse(&padded), Err(NameError::TooLong { max: 200 }));
        assert_eq!(Name::parse(&padded[1..]).unwrap().as_str().len(), 199);
    }

    #[test]
    fn a_control_character_at_either_end_is_refused() {
        assert_eq!(Name::parse("Mug\n"), Err(NameError::ControlCharacter));
        assert_eq!(Name::parse("\tMug"), Err(NameError::ControlCharacter));
    }

    #[test]
    fn control_characters_inside_a_name_are_refused() {
        assert_eq!(Name::parse("Mug\nRed"), Err(NameError::ControlCharacter));
        assert_eq!(Name::parse("Mug\0"), Err(NameError::ControlCharacter));
    }

    #[test]
    fn the_sort_key_ignores_case() {
        let a = Name::parse("apple").unwrap();
        let b = Name::parse("Apple").unwrap();
        assert_eq!(a.sort_key(), b.sort_key());
    }
}
