//! The short number people use to talk about an order ("order 1042"):
//! unique in its store and given in increasing order. It is not a secret and
//! not a key for public links: those use the unguessable [`OrderId`].
//!
//! [`OrderId`]: crate::ids::OrderId

use std::fmt;
use std::str::FromStr;

/// An order's number, from [`OrderNumber::FIRST`] up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OrderNumber(u64);

/// Why a text or value is not an order number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("is not an order number (a whole number from 1001)")]
pub struct NumberError;

impl OrderNumber {
    /// A new store's first order: four digits from the start, so the first
    /// orders do not look like a shop's first.
    pub const FIRST: OrderNumber = OrderNumber(1001);
    /// The largest number, kept within what every store holds exactly
    /// (signed 64-bit integers, JSON's doubles).
    pub const MAX: u64 = (1 << 53) - 1;

    /// `n` when it is from [`OrderNumber::FIRST`] to [`OrderNumber::MAX`].
    ///
    /// # Errors
    /// [`NumberError`] outside that range.
    pub fn new(n: u64) -> Result<OrderNumber, NumberError> {
        if (Self::FIRST.0..=Self::MAX).contains(&n) {
            Ok(OrderNumber(n))
        } else {
            Err(NumberError)
        }
    }

    /// The number after the last one given, or the first in a store with none.
    ///
    /// # Errors
    /// [`NumberError`] when `last` is [`OrderNumber::MAX`].
    pub fn after(last: Option<OrderNumber>) -> Result<OrderNumber, NumberError> {
        match last {
            None => Ok(Self::FIRST),
            Some(n) => OrderNumber::new(n.0 + 1),
        }
    }

    /// The number as an integer.
    pub fn get(self) -> u64 {
        self.0
    }

    /// Reads a number as people write it: digits, with or without a
    /// leading `#` ("#1042"). `Ok(None)` for digits no order can have
    /// (below [`OrderNumber::FIRST`] or past [`OrderNumber::MAX`]).
    ///
    /// # Errors
    /// [`NumberError`] for text that is not digits at all.
    pub fn read(text: &str) -> Result<Option<OrderNumber>, NumberError> {
        let digits = text.trim().trim_start_matches('#');
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NumberError);
        }
        Ok(digits.parse().ok().and_then(|n| OrderNumber::new(n).ok()))
    }
}

impl fmt::Display for OrderNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for OrderNumber {
    type Err = NumberError;

    /// As [`OrderNumber::read`], with digits no order can have an error too.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrderNumber::read(s)?.ok_or(NumberError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_start_at_1001_and_follow_one_another() {
        assert_eq!(OrderNumber::after(None), Ok(OrderNumber::FIRST));
        let next = OrderNumber::after(Some(OrderNumber::FIRST)).unwrap();
        assert_eq!(next.get(), 1002);
        assert_eq!(OrderNumber::new(1000), Err(NumberError));
        let last = OrderNumber::new(OrderNumber::MAX).unwrap();
        assert_eq!(OrderNumber::after(Some(last)), Err(NumberError));
    }

    #[test]
    fn people_may_write_a_number_with_a_hash() {
        assert_eq!(
            "1042".parse::<OrderNumber>().map(OrderNumber::get),
            Ok(1042)
        );
        assert_eq!(
            " #1042 ".parse::<OrderNumber>().map(OrderNumber::get),
            Ok(1042)
        );
        assert_eq!("+1042".parse::<OrderNumber>(), Err(NumberError));
        assert_eq!("10 42".parse::<OrderNumber>(), Err(NumberError));
        assert_eq!("".parse::<OrderNumber>(), Err(NumberError));
        assert_eq!(
            "99999999999999999999".parse::<OrderNumber>(),
            Err(NumberError)
        );
        assert_eq!(OrderNumber::new(1042).unwrap().to_string(), "1042");
        assert_eq!(OrderNumber::read("#7"), Ok(None), "digits, but no order's");
        assert_eq!(OrderNumber::read("99999999999999999999"), Ok(None));
        assert_eq!(OrderNumber::read("seven"), Err(NumberError));
    }
}
