//! How many units of a product one order line asks for.

use std::num::NonZeroU32;

/// A line quantity between 1 and [`Quantity::MAX`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quantity(NonZeroU32);

/// Why a number is not a [`Quantity`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("must be between 1 and {max} (got {given})", max = Quantity::MAX)]
pub struct QuantityError {
    /// The number that was refused.
    pub given: i64,
}

impl Quantity {
    /// The most one line may ask for; a bigger order is a wholesale deal,
    /// not a typo we want to reserve stock for.
    pub const MAX: u32 = 10_000;

    /// Checks that `n` is in `1..=MAX`.
    ///
    /// # Errors
    /// [`QuantityError`] for zero, negative or too large numbers.
    pub fn new(n: i64) -> Result<Quantity, QuantityError> {
        u32::try_from(n)
            .ok()
            .filter(|&n| n <= Self::MAX)
            .and_then(NonZeroU32::new)
            .map(Quantity)
            .ok_or(QuantityError { given: n })
    }

    /// The number of units.
    pub fn get(self) -> u32 {
        self.0.get()
    }

    /// Two lines for the same product, merged into one.
    ///
    /// # Errors
    /// [`QuantityError`] when the sum passes [`Quantity::MAX`].
    pub fn merge(self, other: Quantity) -> Result<Quantity, QuantityError> {
        Quantity::new(i64::from(self.get()) + i64::from(other.get()))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn a_quantity_exists_exactly_for_one_to_the_maximum(n in any::<i64>()) {
            prop_assert_eq!(Quantity::new(n).is_ok(), (1..=10_000).contains(&n));
        }

        #[test]
        fn merging_adds_or_refuses_past_the_maximum(a in 1i64..=10_000, b in 1i64..=10_000) {
            let merged = Quantity::new(a).unwrap().merge(Quantity::new(b).unwrap());
            match merged {
                Ok(q) => prop_assert_eq!(i64::from(q.get()), a + b),
                Err(e) => prop_assert!(e.given == a + b && a + b > 10_000),
            }
        }
    }

    #[test]
    fn one_and_the_maximum_are_accepted() {
        assert_eq!(Quantity::new(1).unwrap().get(), 1);
        assert_eq!(Quantity::new(10_000).unwrap().get(), 10_000);
    }

    #[test]
    fn zero_negative_and_past_the_maximum_are_refused() {
        for n in [0, -1, i64::MIN, 10_001, i64::from(u32::MAX) + 1, i64::MAX] {
            assert_eq!(Quantity::new(n), Err(QuantityError { given: n }), "{n}");
        }
    }

    #[test]
    fn merging_adds_and_stays_within_bounds() {
        let six = Quantity::new(6_000).unwrap();
        let four = Quantity::new(4_000).unwrap();
        assert_eq!(six.merge(four).unwrap().get(), 10_000);
        assert_eq!(
            six.merge(six),
            Err(QuantityError { given: 12_000 }),
            "a merged line obeys the same limit as a typed one"
        );
    }

    #[test]
    fn the_error_names_the_bounds() {
        let err = Quantity::new(0).unwrap_err();
        assert_eq!(err.to_string(), "must be between 1 and 10000 (got 0)");
    }
}
