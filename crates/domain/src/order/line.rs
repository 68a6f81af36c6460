//! Order lines: what the buyer asked for, and what it cost at order time.

use std::collections::HashMap;

use crate::ids::ProductId;
use crate::money::{Money, MoneyError};
use crate::name::Name;
use crate::quantity::{Quantity, QuantityError};

/// One product on an order, with its name and price as they were when the
/// order was placed (later catalogue edits do not rewrite past orders).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderLine {
    product_id: ProductId,
    name: Name,
    unit_price: Money,
    quantity: Quantity,
    line_total: Money,
}

impl OrderLine {
    /// Prices `quantity` units of a product.
    ///
    /// # Errors
    /// [`MoneyError::Overflow`] when the line total does not fit.
    pub fn new(
        product_id: ProductId,
        name: Name,
        unit_price: Money,
        quantity: Quantity,
    ) -> Result<OrderLine, MoneyError> {
        let line_total = unit_price.line_total(quantity)?;
        Ok(OrderLine {
            product_id,
            name,
            unit_price,
            quantity,
            line_total,
        })
    }

    /// The product.
    pub fn product_id(&self) -> ProductId {
        self.product_id
    }

    /// The product's name at order time.
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// The unit price at order time.
    pub fn unit_price(&self) -> Money {
        self.unit_price
    }

    /// Units ordered.
    pub fn quantity(&self) -> Quantity {
        self.quantity
    }

    /// `unit_price * quantity`.
    pub fn line_total(&self) -> Money {
        self.line_total
    }
}

/// A requested line after merging: one per product.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MergedLine {
    /// The product.
    pub product_id: ProductId,
    /// The sum of every request for it.
    pub quantity: Quantity,
    /// Where the product first appeared in the request, so errors can point
    /// at the line the client wrote.
    pub first_index: usize,
}

/// A merged line would ask for more than [`Quantity::MAX`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {index}: {error}")]
pub struct MergeError {
    /// The request line whose addition went over the limit.
    pub index: usize,
    /// The limit that was broken.
    pub error: QuantityError,
}

/// Merges lines for the same product, keeping first-appearance order.
///
/// # Errors
/// [`MergeError`] when a merged quantity passes [`Quantity::MAX`].
pub fn merge_lines(
    requested: impl IntoIterator<Item = (ProductId, Quantity)>,
) -> Result<Vec<MergedLine>, MergeError> {
    let mut merged: Vec<MergedLine> = Vec::new();
    let mut position: HashMap<ProductId, usize> = HashMap::new();
    for (index, (product_id, quantity)) in requested.into_iter().enumerate() {
        match position.get(&product_id) {
            Some(&at) => {
                let line = &mut merged[at];
                line.quantity = line
                    .quantity
                    .merge(quantity)
                    .map_err(|error| MergeError { index, error })?;
            }
            None => {
                position.insert(product_id, merged.len());
                merged.push(MergedLine {
                    product_id,
                    quantity,
                    first_index: index,
                });
            }
        }
    }
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    fn product(n: u128) -> ProductId {
        ProductId::from_uuid(Uuid::from_u128(n))
    }

    fn qty(n: i64) -> Quantity {
        Quantity::new(n).unwrap()
    }

    #[test]
    fn lines_for_the_same_product_are_merged_in_first_seen_order() {
        let merged = merge_lines([
            (product(2), qty(1)),
            (product(1), qty(3)),
            (product(2), qty(4)),
        ])
        .unwrap();
        assert_eq!(
            merged,
            vec![
                MergedLine {
                    product_id: product(2),
                    quantity: qty(5),
                    first_index: 0
                },
                MergedLine {
                    product_id: product(1),
                    quantity: qty(3),
                    first_index: 1
                },
            ]
        );
    }

    #[test]
    fn a_merged_line_past_the_quantity_limit_names_the_line_that_broke_it() {
        let err = merge_lines([
            (product(1), qty(9_000)),
            (product(2), qty(1)),
            (product(1), qty(1_001)),
        ])
        .unwrap_err();
        assert_eq!(err.index, 2);
        assert_eq!(err.error, QuantityError { given: 10_001 });
    }

    #[test]
    fn a_line_total_is_price_times_quantity() {
        let name = Name::parse("Mug").unwrap();
        let line =
            OrderLine::new(product(1), name, Money::from_minor(250).unwrap(), qty(4)).unwrap();
        assert_eq!(line.line_total().minor(), 1_000);
    }

    #[test]
    fn a_line_total_that_overflows_is_refused() {
        let name = Name::parse("Yacht").unwrap();
        let price = Money::from_minor(i64::MAX / 3).unwrap();
        assert_eq!(
            OrderLine::new(product(1), name, price, qty(4)),
            Err(MoneyError::Overflow)
        );
    }
}
