//! Products in the catalogue and the changes an admin may make to them.

use crate::ids::ProductId;
use crate::money::{Money, MoneyError};
use crate::name::Name;
use crate::order::Order;
use crate::quantity::Quantity;
use crate::stock::{Stock, StockError};
use crate::timestamp::Timestamp;

/// Something the shop sells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Product {
    /// Identity.
    pub id: ProductId,
    /// Name shown to buyers; copied into each order line at order time.
    pub name: Name,
    /// Unit price; copied into each order line at order time.
    pub price: Money,
    /// Units not yet promised to any order.
    pub stock: Stock,
    /// No longer sold: not listed for ordering and refused in new orders,
    /// still named on the orders that have it.
    pub archived: bool,
    /// When the product was created.
    pub created_at: Timestamp,
    /// When the product was last changed.
    pub updated_at: Timestamp,
    /// Bumped on every change, reservations included.
    pub version: u64,
}

/// A change to a product, applied atomically by a store: what is given
/// changes.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ProductChange {
    /// The new name, if it changes (orders placed before keep the name
    /// they were placed under).
    pub name: Option<Name>,
    /// The new unit price, if it changes.
    pub price: Option<Money>,
    /// The new stock level, if it changes.
    pub stock: Option<StockChange>,
    /// Whether it is archived, if that changes.
    pub archived: Option<bool>,
}

/// How a stock level changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StockChange {
    /// The available level (units not promised to any order) becomes this.
    /// Orders placed between reading the level and setting it are not
    /// accounted for, so goods received are better booked with `Adjust`.
    Set(Stock),
    /// Received or written off: the level moves by this many units. Unlike
    /// `Set`, it composes with orders placed in between.
    Adjust(i64),
}

// The bounds above keep every order total exact in JavaScript.
const _: () = assert!(
    Product::MAX_PRICE as i128 * Quantity::MAX as i128 * Order::MAX_LINES as i128
        <= Money::MAX_EXACT as i128
);

impl Product {
    /// The highest unit price, in minor units (ten million in major units of
    /// a currency with cents). With at most [`Quantity::MAX`] units of each
    /// of at most [`Order::MAX_LINES`] products an order total is at most
    /// 10^15, inside [`Money::MAX_EXACT`]: exact in JavaScript.
    pub const MAX_PRICE: i64 = 1_000_000_000;

    /// Checks a unit price typed by a person.
    ///
    /// # Errors
    /// [`MoneyError`] when negative or above [`Product::MAX_PRICE`].
    pub fn price_from_minor(minor: i64) -> Result<Money, MoneyError> {
        let price = Money::from_minor(minor)?;
        if minor > Self::MAX_PRICE {
            return Err(MoneyError::AboveLimit {
                max: Self::MAX_PRICE,
            });
        }
        Ok(price)
    }

    /// Applies `change` as of `at`: all of it, or nothing when the new stock
    /// level would be out of range.
    ///
    /// # Errors
    /// [`StockError`] when an adjustment leaves the level out of range.
    pub fn apply(&mut self, change: ProductChange, at: Timestamp) -> Result<(), StockError> {
        let stock = match change.stock {
            None => self.stock,
            Some(StockChange::Set(level)) => level,
            Some(StockChange::Adjust(delta)) => self.stock.adjust(delta)?,
        };
        if let Some(name) = change.name {
            self.name = name;
        }
        self.price = change.price.unwrap_or(self.price);
        self.archived = change.archived.unwrap_or(self.archived);
        self.stock = stock;
        self.touch(at);
        Ok(())
    }

    /// Records a change made at `at`.
    pub fn touch(&mut self, at: Timestamp) {
        self.updated_at = at;
        self.version += 1;
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    fn mug() -> Product {
        let at = Timestamp::from_unix_millis(0).unwrap();
        Product {
            id: ProductId::from_uuid(Uuid::from_u128(1)),
            name: Name::parse("Mug").unwrap(),
            price: Money::from_minor(500).unwrap(),
            stock: Stock::new(4).unwrap(),
            archived: false,
            created_at: at,
            updated_at: at,
            version: 1,
        }
    }

    #[test]
    fn a_price_above_the_limit_is_refused() {
        assert!(Product::price_from_minor(Product::MAX_PRICE).is_ok());
        assert_eq!(
            Product::price_from_minor(Product::MAX_PRICE + 1),
            Err(MoneyError::AboveLimit {
                max: Product::MAX_PRICE
            })
        );
        assert_eq!(Product::price_from_minor(-5), Err(MoneyError::Negative(-5)));
    }

    #[test]
    fn a_change_sets_price_and_adjusts_stock_and_bumps_the_version() {
        let mut product = mug();
        let later = Timestamp::from_unix_millis(1_000).unwrap();
        let change = ProductChange {
            price: Some(Money::from_minor(650).unwrap()),
            stock: Some(StockChange::Adjust(6)),
            ..ProductChange::default()
        };
        product.apply(change, later).unwrap();
        assert_eq!(product.price.minor(), 650);
        assert_eq!(product.stock.units(), 10);
        assert_eq!((product.version, product.updated_at), (2, later));
    }

    #[test]
    fn a_change_renames_and_archives_and_keeps_the_rest() {
        let mut product = mug();
        let later = Timestamp::from_unix_millis(1_000).unwrap();
        let change = ProductChange {
            name: Some(Name::parse("Big Mug").unwrap()),
            archived: Some(true),
            ..ProductChange::default()
        };
        product.apply(change, later).unwrap();
        assert_eq!((product.name.as_str(), product.archived), ("Big Mug", true));
        assert_eq!((product.price.minor(), product.stock.units()), (500, 4));
    }

    #[test]
    fn a_change_that_would_empty_the_shelf_below_zero_changes_nothing() {
        let mut product = mug();
        let before = product.clone();
        let change = ProductChange {
            price: Some(Money::from_minor(1).unwrap()),
            stock: Some(StockChange::Adjust(-5)),
            ..ProductChange::default()
        };
        let later = Timestamp::from_unix_millis(1_000).unwrap();
        assert_eq!(
            product.apply(change, later),
            Err(StockError::OutOfRange { given: -1 })
        );
        assert_eq!(product, before);
    }
}
