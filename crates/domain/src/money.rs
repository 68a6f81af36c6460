//! Amounts of money in integer minor units (cents) of the shop's one
//! currency. There is no float anywhere near money, and no `Add` impl:
//! overflow must be handled where it can happen, not wrap silently.

use crate::quantity::Quantity;

/// A non-negative price or total in minor units.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(i64);

/// Why an amount cannot be a [`Money`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Prices and totals are never below zero.
    #[error("must not be negative (got {0})")]
    Negative(i64),
    /// The result does not fit in 64 bits of minor units.
    #[error("is too large")]
    Overflow,
    /// Above a business limit such as [`crate::product::Product::MAX_PRICE`].
    #[error("must be at most {max}")]
    AboveLimit {
        /// The largest amount allowed, in minor units.
        max: i64,
    },
}

impl Money {
    /// Nothing.
    pub const ZERO: Money = Money(0);

    /// The largest amount a JSON number carries exactly to JavaScript
    /// (2^53 - 1): prices and order totals stay at or below it, so the
    /// pages and other JavaScript clients never lose a cent (see
    /// docs/decisions/0005).
    pub const MAX_EXACT: i64 = (1 << 53) - 1;

    /// Wraps an amount of minor units.
    ///
    /// # Errors
    /// [`MoneyError::Negative`] below zero.
    pub fn from_minor(minor: i64) -> Result<Money, MoneyError> {
        if minor < 0 {
            return Err(MoneyError::Negative(minor));
        }
        Ok(Money(minor))
    }

    /// The amount in minor units.
    pub fn minor(self) -> i64 {
        self.0
    }

    /// `self` times `qty`, as the total of one order line.
    ///
    /// # Errors
    /// [`MoneyError::Overflow`] when the product does not fit.
    pub fn line_total(self, qty: Quantity) -> Result<Money, MoneyError> {
        self.0
            .checked_mul(i64::from(qty.get()))
            .map(Money)
            .ok_or(MoneyError::Overflow)
    }

    /// `self + other`.
    ///
    /// # Errors
    /// [`MoneyError::Overflow`] when the sum does not fit.
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.0
            .checked_add(other.0)
            .map(Money)
            .ok_or(MoneyError::Overflow)
    }

    /// `self - other`.
    ///
    /// # Errors
    /// [`MoneyError::Negative`] when `other` is the larger.
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        // Both are non-negative, so the difference cannot overflow.
        Money::from_minor(self.0 - other.0)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn qty(n: i64) -> Quantity {
        Quantity::new(n).unwrap()
    }

    #[test]
    fn a_negative_amount_is_refused() {
        assert_eq!(Money::from_minor(-1), Err(MoneyError::Negative(-1)));
        assert_eq!(Money::from_minor(0), Ok(Money::ZERO));
    }

    #[test]
    fn a_sum_past_i64_max_is_an_overflow_not_a_wrap() {
        let big = Money::from_minor(i64::MAX).unwrap();
        let one = Money::from_minor(1).unwrap();
        assert_eq!(big.checked_add(one), Err(MoneyError::Overflow));
        assert_eq!(big.checked_add(Money::ZERO), Ok(big));
    }

    #[test]
    fn a_difference_below_zero_is_refused() {
        let (two, five) = (Money::from_minor(2).unwrap(), Money::from_minor(5).unwrap());
        assert_eq!(five.checked_sub(two), Money::from_minor(3));
        assert_eq!(two.checked_sub(five), Err(MoneyError::Negative(-3)));
        let big = Money::from_minor(i64::MAX).unwrap();
        assert_eq!(
            Money::ZERO.checked_sub(big),
            Err(MoneyError::Negative(-i64::MAX))
        );
    }

    #[test]
    fn a_line_total_past_i64_max_is_an_overflow() {
        let price = Money::from_minor(i64::MAX / 2 + 1).unwrap();
        assert_eq!(price.line_total(qty(2)), Err(MoneyError::Overflow));
        assert_eq!(price.line_total(qty(1)), Ok(price));
    }

    #[test]
    fn a_line_total_multiplies_minor_units_exactly() {
        let price = Money::from_minor(1_999).unwrap();
        assert_eq!(price.line_total(qty(3)).unwrap().minor(), 5_997);
    }

    proptest! {
        #[test]
        fn line_total_is_monotonic_in_quantity(price in 0i64..=crate::product::Product::MAX_PRICE, a in 1i64..=10_000, b in 1i64..=10_000) {
            let price = Money::from_minor(price).unwrap();
            let (lo, hi) = (a.min(b), a.max(b));
            prop_assert!(price.line_total(qty(lo)).unwrap() <= price.line_total(qty(hi)).unwrap());
        }

        #[test]
        fn checked_add_agrees_with_i128_arithmetic(a in 0i64..=i64::MAX, b in 0i64..=i64::MAX) {
            let sum = Money::from_minor(a).unwrap().checked_add(Money::from_minor(b).unwrap());
            let exact = i128::from(a) + i128::from(b);
            match sum {
                Ok(m) => prop_assert_eq!(i128::from(m.minor()), exact),
                Err(e) => {
                    prop_assert_eq!(e, MoneyError::Overflow);
                    prop_assert!(exact > i128::from(i64::MAX));
                }
            }
        }
    }
}
