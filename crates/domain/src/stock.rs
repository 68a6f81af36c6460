//! Stock levels and the arithmetic of reserving and releasing units.
//!
//! The rules: an order reserves all of its lines or none, a level never goes
//! below zero, and a cancelled order gives back exactly what it took. The
//! stores perform these steps atomically; this module decides whether they
//! may happen and what the new levels are.

use crate::ids::ProductId;
use crate::quantity::Quantity;

/// How many units of a product are on the shelf and not yet promised.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stock(u64);

/// Why a stock level cannot be set or adjusted as asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StockError {
    /// A level typed by a person is outside `0..=Stock::MAX`.
    #[error("must be between 0 and {max} (got {given})", max = Stock::MAX)]
    OutOfRange {
        /// The level or resulting level that was refused.
        given: i64,
    },
}

/// Not enough stock for one line; nothing was reserved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{requested} requested, {available} available", requested = .requested.get(), available = .available.units())]
pub struct Shortfall {
    /// What the line asked for.
    pub requested: Quantity,
    /// What was left.
    pub available: Stock,
}

impl Stock {
    /// The largest level a person may set; keeps typos like an extra six
    /// zeros from turning into phantom inventory.
    pub const MAX: u64 = 1_000_000_000;

    /// A level as a person typed it, checked against `0..=MAX`.
    ///
    /// # Errors
    /// [`StockError::OutOfRange`] below zero or above [`Stock::MAX`].
    pub fn new(units: i64) -> Result<Stock, StockError> {
        u64::try_from(units)
            .ok()
            .filter(|&u| u <= Self::MAX)
            .map(Stock)
            .ok_or(StockError::OutOfRange { given: units })
    }

    /// A level read back from storage. Releases may lift a level past
    /// [`Stock::MAX`], so stored levels are not held to it.
    pub fn from_units(units: u64) -> Stock {
        Stock(units)
    }

    /// At or below this level a product is running low and should be restocked.
    pub const LOW: u64 = 5;

    /// The number of units.
    pub fn units(self) -> u64 {
        self.0
    }

    /// Whether the level is at or below [`Stock::LOW`], sold out included.
    pub fn is_low(self) -> bool {
        self.0 <= Self::LOW
    }

    /// The level after taking `qty`.
    ///
    /// # Errors
    /// [`Shortfall`] when fewer than `qty` units are left.
    pub fn reserve(self, qty: Quantity) -> Result<Stock, Shortfall> {
        self.0
            .checked_sub(u64::from(qty.get()))
            .map(Stock)
            .ok_or(Shortfall {
                requested: qty,
                available: self,
            })
    }

    /// The level after giving back `qty` from a cancelled order.
    pub fn release(self, qty: Quantity) -> Stock {
        // Every released unit was reserved from this level first, so the sum is
        // bounded by levels that once fitted; saturating keeps a cancel infallible.
        Stock(self.0.saturating_add(u64::from(qty.get())))
    }

    /// The level after a person adds (or removes, when negative) `delta` units.
    ///
    /// # Errors
    /// [`StockError::OutOfRange`] when the result would be negative, or when
    /// an addition would lift it above [`Stock::MAX`]. A removal is allowed
    /// from a level that releases have already lifted past the maximum.
    pub fn adjust(self, delta: i64) -> Result<Stock, StockError> {
        let next = i128::from(self.0) + i128::from(delta);
        let too_high = delta > 0 && next > i128::from(Self::MAX);
        match u64::try_from(next) {
            Ok(units) if !too_high => Ok(Stock(units)),
            _ => Err(StockError::OutOfRange {
                given: i64::try_from(next).unwrap_or(if next < 0 { i64::MIN } else { i64::MAX }),
            }),
        }
    }
}

/// Why an order cannot reserve its lines; nothing was reserved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReserveError {
    /// A line names a product that does not exist.
    #[error("product {0} does not exist")]
    UnknownProduct(ProductId),
    /// A line asks for more than is left.
    #[error("not enough stock of product {product}: {shortfall}")]
    OutOfStock {
        /// The product that is short.
        product: ProductId,
        /// What was asked and what is left.
        shortfall: Shortfall,
    },
}

/// The new level of every product an order takes from, or the first reason
/// it cannot take any.
///
/// `lines` must be merged (one line per product, see
/// [`crate::order::line::merge_lines`]); `level_of` reads the current level.
/// Nothing is changed: the caller writes the returned levels, all of them,
/// in the same atomic step in which it read them.
///
/// # Errors
/// [`ReserveError`] for the first line that is unknown or short.
pub fn reserve_all(
    lines: &[(ProductId, Quantity)],
    mut level_of: impl FnMut(ProductId) -> Option<Stock>,
) -> Result<Vec<(ProductId, Stock)>, ReserveError> {
    lines
        .iter()
        .map(|&(product, qty)| {
            let level = level_of(product).ok_or(ReserveError::UnknownProduct(product))?;
            let after = level
                .reserve(qty)
                .map_err(|shortfall| ReserveError::OutOfStock { product, shortfall })?;
            Ok((product, after))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    #[test]
    fn five_units_or_fewer_is_low() {
        assert!(Stock::from_units(0).is_low());
        assert!(Stock::from_units(Stock::LOW).is_low());
        assert!(!Stock::from_units(Stock::LOW + 1).is_low());
    }

    use proptest::prelude::*;
    use uuid::Uuid;

    use super::*;

    proptest! {
        #[test]
        fn reserving_then_releasing_restores_the_level(level in 0u64..=2 * Stock::MAX, units in 1i64..=10_000) {
            let level = Stock::from_units(level);
            let qty = Quantity::new(units).unwrap();
            match level.reserve(qty) {
                Ok(after) => {
                    prop_assert_eq!(after.units() + qty.get() as u64, level.units());
                    prop_assert_eq!(after.release(qty), level);
                }
                Err(shortfall) => prop_assert!(shortfall.available.units() < u64::from(qty.get())),
            }
        }

        #[test]
        fn an_adjustment_never_yields_a_negative_or_inflated_level(level in 0u64..=2 * Stock::MAX, delta in any::<i64>()) {
            let level = Stock::from_units(level);
            if let Ok(after) = level.adjust(delta) {
                prop_assert_eq!(i128::from(after.units()), i128::from(level.units()) + i128::from(delta));
                prop_assert!(delta <= 0 || after.units() <= Stock::MAX);
            }
        }
    }

    #[test]
    fn a_level_lifted_past_the_maximum_by_releases_can_still_be_written_off() {
        let high = Stock::from_units(Stock::MAX).release(Quantity::new(10).unwrap());
        assert_eq!(high.adjust(-5), Ok(Stock::from_units(Stock::MAX + 5)));
        assert!(high.adjust(1).is_err(), "but not raised further");
    }

    fn qty(n: i64) -> Quantity {
        Quantity::new(n).unwrap()
    }

    fn product(n: u128) -> ProductId {
        ProductId::from_uuid(Uuid::from_u128(n))
    }

    #[test]
    fn reserving_takes_units_and_never_goes_below_zero() {
        let five = Stock::new(5).unwrap();
        assert_eq!(five.reserve(qty(5)), Ok(Stock::from_units(0)));
        assert_eq!(
            five.reserve(qty(6)),
            Err(Shortfall {
                requested: qty(6),
                available: five
            })
        );
    }

    #[test]
    fn releasing_gives_back_exactly_what_was_reserved() {
        let level = Stock::new(10).unwrap();
        let after = level.reserve(qty(7)).unwrap().release(qty(7));
        assert_eq!(after, level);
    }

    #[test]
    fn a_typed_level_must_be_within_bounds() {
        assert!(Stock::new(0).is_ok());
        assert!(Stock::new(1_000_000_000).is_ok());
        assert_eq!(Stock::new(-1), Err(StockError::OutOfRange { given: -1 }));
        assert_eq!(
            Stock::new(1_000_000_001),
            Err(StockError::OutOfRange {
                given: 1_000_000_001
            })
        );
    }

    #[test]
    fn an_adjustment_may_not_empty_the_shelf_below_zero() {
        let three = Stock::new(3).unwrap();
        assert_eq!(three.adjust(-3), Ok(Stock::from_units(0)));
        assert_eq!(three.adjust(-4), Err(StockError::OutOfRange { given: -1 }));
        assert_eq!(three.adjust(7), Ok(Stock::from_units(10)));
        assert!(three.adjust(i64::MAX).is_err());
        assert!(three.adjust(i64::MIN).is_err());
    }

    #[test]
    fn reserve_all_is_all_or_nothing() {
        let levels = HashMap::from([
            (product(1), Stock::new(5).unwrap()),
            (product(2), Stock::new(1).unwrap()),
        ]);
        let ok = reserve_all(&[(product(1), qty(2)), (product(2), qty(1))], |p| {
            levels.get(&p).copied()
        });
        assert_eq!(
            ok,
            Ok(vec![
                (product(1), Stock::from_units(3)),
                (product(2), Stock::from_units(0))
            ])
        );

        let short = reserve_all(&[(product(1), qty(2)), (product(2), qty(2))], |p| {
            levels.get(&p).copied()
        });
        assert_eq!(
            short,
            Err(ReserveError::OutOfStock {
                product: product(2),
                shortfall: Shortfall {
                    requested: qty(2),
                    available: Stock::from_units(1)
                }
            })
        );

        let unknown = reserve_all(&[(product(9), qty(1))], |p| levels.get(&p).copied());
        assert_eq!(unknown, Err(ReserveError::UnknownProduct(product(9))));
    }
}
