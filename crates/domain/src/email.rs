//! E-mail addresses, normalised so that uniqueness ignores case and
//! surrounding spaces: `" Ann@Example.COM "` and `"ann@example.com"` are one
//! customer.

use std::fmt;

use email_address::{EmailAddress, Options};

use crate::text;

/// A syntactically valid e-mail address, trimmed and lower-cased.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email(String);

/// Why a text is not an [`Email`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Nothing but whitespace was given.
    #[error("is required")]
    Empty,
    /// Longer than [`Email::MAX_LEN`] characters.
    #[error("must be at most {max} characters")]
    TooLong {
        /// The limit that was exceeded.
        max: usize,
    },
    /// Not of the form `local@domain.tld`.
    #[error("is not a valid e-mail address")]
    Invalid,
}

impl Email {
    /// The longest address SMTP can carry (RFC 5321 path limit less the brackets).
    pub const MAX_LEN: usize = 254;

    /// Trims, lower-cases and validates `raw`.
    ///
    /// A shop mails its customers, so a domain must have at least two labels
    /// (`user@localhost` is refused) and neither display names (`Ann <a@b.c>`)
    /// nor IP literals are accepted.
    ///
    /// # Errors
    /// [`EmailError`] says which rule `raw` broke.
    pub fn parse(raw: &str) -> Result<Email, EmailError> {
        let trimmed = text::trimmed(raw, Self::MAX_LEN)?;
        let lowered = trimmed.to_lowercase();
        let options = Options::default()
            .with_required_tld()
            .without_display_text()
            .without_domain_literal();
        if lowered.chars().any(char::is_whitespace)
            || EmailAddress::parse_with_options(&lowered, options).is_err()
        {
            return Err(EmailError::Invalid);
        }
        Ok(Email(lowered))
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
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
        fn parsing_is_idempotent(raw in "\\PC{0,40}") {
            if let Ok(email) = Email::parse(&raw) {
                prop_assert_eq!(Email::parse(email.as_str()), Ok(email.clone()));
                prop_assert_eq!(email.as_str(), email.as_str().trim().to_lowercase());
            }
        }

        #[test]
        fn any_plain_address_survives_case_and_spaces(local in "[a-z0-9._-]{1,20}", domain in "[a-z0-9]{1,15}", tld in "[a-z]{2,6}") {
            prop_assume!(!local.starts_with('.') && !local.ends_with('.') && !local.contains(".."));
            let plain = format!("{local}@{domain}.{tld}");
            let shouted = format!("  {}  ", plain.to_uppercase());
            prop_assert_eq!(Email::parse(&shouted).map(|e| e.as_str().to_owned()), Ok(plain));
        }
    }

    #[test]
    fn an_address_is_trimmed_and_lower_cased() {
        let email = Email::parse("  Ann.Lee@Example.COM \t").unwrap();
        assert_eq!(email.as_str(), "ann.lee@example.com");
    }

    #[test]
    fn two_spellings_of_one_address_are_equal() {
        assert_eq!(
            Email::parse("BOB@shop.io").unwrap(),
            Email::parse("bob@SHOP.io").unwrap()
        );
    }

    #[test]
    fn an_empty_or_blank_address_is_required() {
        assert_eq!(Email::parse(""), Err(EmailError::Empty));
        assert_eq!(Email::parse("   "), Err(EmailError::Empty));
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for raw in [
            "plainaddress",
            "@example.com",
            "ann@",
            "ann@@example.com",
            "ann@localhost",
            "ann lee@example.com",
            "Ann <ann@example.com>",
            "ann@[127.0.0.1]",
            "ann@example..com",
        ] {
            assert_eq!(Email::parse(raw), Err(EmailError::Invalid), "{raw:?}");
        }
    }

    #[test]
    fn an_address_longer_than_smtp_allows_is_refused() {
        let raw = format!("{}@example.com", "a".repeat(250));
        assert_eq!(Email::parse(&raw), Err(EmailError::TooLong { max: 254 }));
    }
}
