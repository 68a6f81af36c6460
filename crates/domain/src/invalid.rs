//! Input that breaks a rule, named by the field the client sent.
//!
//! Field paths are written as clients write them on the wire
//! (`items[2].quantity`, `customer.email`), so an API can hand them back
//! unchanged and a form can put each message under its input.

use std::fmt;

use crate::address::AddressError;
use crate::email::EmailError;
use crate::idempotency::IdempotencyKeyError;
use crate::ids::IdError;
use crate::money::MoneyError;
use crate::name::NameError;
use crate::note::NoteError;
use crate::order::OrderError;
use crate::order::number::NumberError;
use crate::order::status::StatusError;
use crate::password::PasswordError;
use crate::quantity::QuantityError;
use crate::stock::StockError;
use crate::timestamp::TimestampError;
use crate::user::RoleError;

/// One broken rule on one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// Where, e.g. `items[0].productId`.
    pub field: String,
    /// What is wrong with it.
    pub reason: Reason,
}

/// What is wrong with a field; each variant reads as the end of a sentence
/// that starts with the field's name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[allow(missing_docs)]
pub enum Reason {
    #[error(transparent)]
    Email(#[from] EmailError),
    #[error(transparent)]
    Name(#[from] NameError),
    #[error(transparent)]
    Address(#[from] AddressError),
    #[error(transparent)]
    Money(#[from] MoneyError),
    #[error(transparent)]
    Quantity(#[from] QuantityError),
    #[error(transparent)]
    Stock(#[from] StockError),
    #[error(transparent)]
    Id(#[from] IdError),
    #[error(transparent)]
    Password(#[from] PasswordError),
    #[error(transparent)]
    Timestamp(#[from] TimestampError),
    #[error(transparent)]
    Status(#[from] StatusError),
    #[error(transparent)]
    Role(#[from] RoleError),
    #[error(transparent)]
    IdempotencyKey(#[from] IdempotencyKeyError),
    #[error(transparent)]
    Order(#[from] OrderError),
    #[error(transparent)]
    OrderNumber(#[from] NumberError),
    #[error(transparent)]
    Note(#[from] NoteError),
    #[error(transparent)]
    Url(#[from] crate::webhook::address::UrlError),
    #[error(transparent)]
    Tracking(#[from] crate::order::shipment::TrackingError),
    #[error(transparent)]
    ShipItem(#[from] crate::order::shipment::ShipItemError),
    #[error(transparent)]
    NoteText(#[from] crate::order::activity::NoteTextError),
    #[error(transparent)]
    Events(#[from] crate::webhook::EventSelectionError),
    /// A field that must be present is missing.
    #[error("is required")]
    Required,
    /// A list that must not be empty is.
    #[error("must list at least one item")]
    Empty,
    /// A list is longer than allowed.
    #[error("must list at most {max} entries")]
    TooMany { max: usize },
    /// A number is outside its allowed range.
    #[error("must be between {min} and {max}")]
    OutOfRange { min: i64, max: i64 },
    /// A pagination cursor that this server did not hand out.
    #[error("is not a cursor from a previous page")]
    Cursor,
    /// A rule that relates two fields, e.g. `to` must not precede `from`.
    #[error("{0}")]
    Rule(&'static str),
}

/// One or more broken rules; never empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid(Vec<FieldError>);

impl Invalid {
    /// A single broken rule.
    pub fn one(field: impl Into<String>, reason: impl Into<Reason>) -> Invalid {
        Invalid(vec![FieldError {
            field: field.into(),
            reason: reason.into(),
        }])
    }

    /// Every broken rule, in the order the fields were checked.
    pub fn errors(&self) -> &[FieldError] {
        &self.0
    }

    /// Whether `field` is among the broken ones.
    pub fn names(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, error) in self.0.iter().enumerate() {
            if n > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{} {}", error.field, error.reason)?;
        }
        Ok(())
    }
}

impl std::error::Error for Invalid {}

impl Validation {
    /// `value` when nothing was noted. Callers hand in `None` only together
    /// with a noted failure; a `None` without one is reported against
    /// `field` as missing rather than trusted.
    ///
    /// # Errors
    /// [`Invalid`] with everything that was noted.
    pub fn finish_with<T>(self, field: &str, value: Option<T>) -> Result<T, Invalid> {
        self.finish()?;
        value.ok_or_else(|| Invalid::one(field, Reason::Required))
    }
}

/// Collects every broken rule of a request, so a client fixes them all in
/// one round trip instead of one per submit.
#[derive(Debug, Default)]
pub struct Validation(Vec<FieldError>);

impl Validation {
    /// Starts with nothing wrong.
    pub fn new() -> Validation {
        Validation::default()
    }

    /// Keeps the value of `result`, or notes its error against `field`.
    pub fn check<T, E: Into<Reason>>(
        &mut self,
        field: impl Into<String>,
        result: Result<T, E>,
    ) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.fail(field, error);
                None
            }
        }
    }

    /// Notes a broken rule.
    pub fn fail(&mut self, field: impl Into<String>, reason: impl Into<Reason>) {
        self.0.push(FieldError {
            field: field.into(),
            reason: reason.into(),
        });
    }

    /// `Ok` when nothing was noted.
    ///
    /// # Errors
    /// [`Invalid`] with everything that was noted.
    pub fn finish(self) -> Result<(), Invalid> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Invalid(self.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::email::Email;
    use crate::name::Name;

    #[test]
    fn every_broken_rule_is_reported_with_its_field() {
        let mut v = Validation::new();
        let name = v.check("customer.name", Name::parse(" "));
        let email = v.check("customer.email", Email::parse("nope"));
        assert_eq!((name, email), (None, None));
        let err = v.finish().unwrap_err();
        assert_eq!(
            err.to_string(),
            "customer.name is required; customer.email is not a valid e-mail address"
        );
        assert!(err.names("customer.email"));
    }

    #[test]
    fn nothing_broken_is_ok() {
        let mut v = Validation::new();
        assert!(v.check("name", Name::parse("Ann")).is_some());
        assert_eq!(v.finish(), Ok(()));
    }
}
