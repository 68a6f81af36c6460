//! The items of a request (an order's lines, a shipment's, a return's,
//! a refund's): each product id and quantity checked on its own, a
//! failure named `items[i].productId` or `items[i].quantity`.

use oms_domain::ids::ProductId;
use oms_domain::invalid::{Reason, Validation};
use oms_domain::quantity::Quantity;

/// The items that parse, in order; `items` empty fails `items`.
pub(super) fn parse<T>(
    v: &mut Validation,
    items: &[T],
    part: impl Fn(&T) -> (&str, i64),
) -> Vec<(ProductId, Quantity)> {
    if items.is_empty() {
        v.fail("items", Reason::Empty);
    }
    items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| {
            let (product, quantity) = part(item);
            let product = v.check(format!("items[{i}].productId"), product.parse());
            let quantity = v.check(format!("items[{i}].quantity"), Quantity::new(quantity));
            Some((product?, quantity?))
        })
        .collect()
}
