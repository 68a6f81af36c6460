//! Changing an order's lines after it was placed: staff while nothing has
//! left, a customer its own order while the shop has not confirmed it.
//! The store takes or gives back the difference in stock in the same step.

use std::collections::HashMap;

use oms_domain::ids::ProductId;
use oms_domain::invalid::Validation;
use oms_domain::order::Order;
use oms_domain::order::line::MergedLine;
use oms_domain::product::Product;
use oms_domain::user::{Actor, Forbidden, Permission};
use oms_ports::clock::Clock;
use oms_ports::store::{OrderStore, ProductStore};

use super::OrderService;
use super::place::{ItemInput, PlaceOrderError, parse_items};
use crate::orders::status::ChangeStatusError;

impl<S: OrderStore + ProductStore, C: Clock, I> OrderService<S, C, I> {
    /// Makes `items` the order's lines. Lines kept keep their unit price,
    /// new products take today's; the same lines again write nothing.
    ///
    /// # Errors
    /// [`ChangeStatusError::Forbidden`] for another customer's order,
    /// [`ChangeStatusError::Rejected`] (`NotEditable`) in a status the
    /// caller may not edit in, [`ChangeStatusError::Line`] for a line
    /// refused as placing refuses it, [`ChangeStatusError::Invalid`] for
    /// bad items; otherwise as every change to an order.
    #[tracing::instrument(skip_all, fields(order_id = %order_id, user = %by.user))]
    pub async fn edit_items(
        &self,
        by: Actor,
        order_id: &str,
        items: &[ItemInput],
        expected_version: Option<u64>,
    ) -> Result<Order, ChangeStatusError> {
        if !by.may(Permission::ChangeOrderStatus) {
            by.require(Permission::CancelOwnPendingOrder)?;
        }
        let mut v = Validation::new();
        let lines = parse_items(&mut v, items);
        let lines = v.finish_with("items", lines)?;
        let wanted: Vec<_> = lines.iter().map(|l| (l.product_id, l.quantity)).collect();
        // Read afresh on every attempt: a new line takes the price the
        // store holds when the change is written.
        let catalogue = || async {
            let mut found = HashMap::with_capacity(wanted.len());
            for &(id, _) in &wanted {
                if let Some(product) = self.store.get_product(id).await? {
                    found.insert(id, product);
                }
            }
            Ok::<_, ChangeStatusError>(found)
        };
        let decide = |order: &Order, now, catalogue: &HashMap<ProductId, Product>| {
            let others = !by.may(Permission::ChangeOrderStatus);
            if others && order.placed_by().user != by.user {
                return Err(Forbidden(Permission::ChangeOrderStatus).into());
            }
            for &(id, _) in &wanted {
                if order.units_of(id) > 0 {
                    continue;
                }
                let refusal = match catalogue.get(&id) {
                    None => PlaceOrderError::UnknownProduct {
                        field: field_of(&lines, id, "productId"),
                        product: id,
                    },
                    Some(p) if p.archived => PlaceOrderError::ProductArchived {
                        field: field_of(&lines, id, "productId"),
                        product: id,
                        name: p.name.clone(),
                    },
                    Some(_) => continue,
                };
                return Err(ChangeStatusError::Line(Box::new(refusal)));
            }
            let mut next = order.clone();
            let price = |id| {
                catalogue
                    .get(&id)
                    .map(|p: &Product| (p.name.clone(), p.price))
            };
            next.edit_lines(&wanted, price, by, now)?;
            Ok(next)
        };
        let edited = self
            .revise_order_with(order_id, expected_version, None, catalogue, decide)
            .await;
        edited.map_err(|e| match e {
            ChangeStatusError::Line(refusal) => match *refusal {
                PlaceOrderError::OutOfStock {
                    product,
                    name,
                    requested,
                    available,
                    ..
                } => ChangeStatusError::Line(Box::new(PlaceOrderError::OutOfStock {
                    field: field_of(&lines, product, "quantity"),
                    product,
                    name,
                    requested,
                    available,
                })),
                other => ChangeStatusError::Line(Box::new(other)),
            },
            other => other,
        })
    }
}

/// The request's field for `product`'s line.
fn field_of(lines: &[MergedLine], product: ProductId, part: &str) -> String {
    let index = lines
        .iter()
        .find(|l| l.product_id == product)
        .map_or(0, |l| l.first_index);
    format!("items[{index}].{part}")
}
