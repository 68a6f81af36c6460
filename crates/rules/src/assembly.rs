//! Turning a draft into the order a store writes: pricing each line at the
//! catalogue's current price under the product's current name, reserving
//! stock for every line, and finding or making its customer. Written once
//! here; every store calls it inside its own atomic step, with the products
//! and the customer it read there.

use oms_domain::customer::Customer;
use oms_domain::ids::ProductId;
use oms_domain::name::Name;
use oms_domain::order::line::OrderLine;
use oms_domain::order::number::OrderNumber;
use oms_domain::order::{CustomerSnapshot, NewOrder, Order, OrderError};
use oms_domain::product::Product;
use oms_domain::stock::{ReserveError, Stock, reserve_all};
use oms_domain::user::Role;
use oms_ports::draft::{CustomerDraft, OrderDraft};
use oms_ports::error::PlaceError;

/// What placing a draft writes besides its customer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assembly {
    /// The order, priced and snapshotted.
    pub order: Order,
    /// The stock level each ordered product drops to.
    pub stock: Vec<(ProductId, Stock)>,
}

/// The customer an order for `draft` is for: `found` (the one already
/// recorded with the address, who keeps its id and name), else a new one
/// made from the draft. The flag says whether it is new. (The order's own
/// snapshot may still carry the draft's name: see [`assemble`].)
pub fn resolve_customer(draft: &CustomerDraft, found: Option<Customer>) -> (Customer, bool) {
    match found {
        Some(customer) => (customer, false),
        None => (
            Customer {
                id: draft.id,
                name: draft.name.clone(),
                email: draft.email.clone(),
                created_at: draft.at,
            },
            true,
        ),
    }
}

/// The order `draft` makes for `customer`, numbered `number`, given the catalogue as the
/// store reads it now (`product` answers `None` for an id it does not
/// hold).
///
/// # Errors
/// [`PlaceError::ProductArchived`] for the first line naming a product no
/// longer sold; [`PlaceError::UnknownProduct`] or [`PlaceError::OutOfStock`]
/// for the first line that cannot be reserved; [`PlaceError::Order`] when
/// the total is past what an order may hold.
pub fn assemble<'p>(
    draft: &OrderDraft,
    number: OrderNumber,
    product: impl Fn(ProductId) -> Option<&'p Product>,
    customer: &Customer,
) -> Result<Assembly, PlaceError> {
    if let Some(archived) = draft
        .lines
        .iter()
        .find_map(|&(id, _)| product(id).filter(|p| p.archived))
    {
        return Err(PlaceError::ProductArchived {
            product: archived.id,
            name: archived.name.clone(),
        });
    }
    let stock = reserve_all(&draft.lines, |id| product(id).map(|p| p.stock))
        .map_err(|e| refusal(e, |id| product(id).map(|p| p.name.clone())))?;
    let lines = draft
        .lines
        .iter()
        .map(|&(id, qty)| {
            let found = product(id).ok_or(PlaceError::UnknownProduct(id))?;
            OrderLine::new(id, found.name.clone(), found.price, qty)
                .map_err(|_| PlaceError::Order(OrderError::TotalOverflow))
        })
        .collect::<Result<Vec<_>, PlaceError>>()?;
    // A customer ordering for itself is named as its account says: a name
    // staff recorded under the same address is theirs, not its to read.
    let name = if draft.placed_by.role == Role::Customer {
        draft.customer.name.clone()
    } else {
        customer.name.clone()
    };
    let order = Order::place(NewOrder {
        id: draft.id,
        number,
        customer: CustomerSnapshot {
            id: customer.id,
            name,
            email: customer.email.clone(),
        },
        shipping_address: draft.shipping_address.clone(),
        lines,
        payment_collected: draft.payment_collected,
        placed_by: draft.placed_by,
        at: draft.at,
    })?;
    Ok(Assembly { order, stock })
}

/// The refusal for a reservation that failed; `name` finds the short
/// product's name (a product that vanished is unknown).
fn refusal(error: ReserveError, name: impl Fn(ProductId) -> Option<Name>) -> PlaceError {
    match error {
        ReserveError::UnknownProduct(id) => PlaceError::UnknownProduct(id),
        ReserveError::OutOfStock { product, shortfall } => match name(product) {
            Some(name) => PlaceError::OutOfStock {
                product,
                name,
                requested: shortfall.requested,
                available: shortfall.available,
            },
            None => PlaceError::UnknownProduct(product),
        },
    }
}

#[cfg(test)]
mod tests {
    use oms_domain::customer::Customer;
    use oms_domain::name::Name;
    use oms_domain::stock::Stock;
    use oms_domain::timestamp::Timestamp;

    use oms_ports::error::PlaceError;

    use super::{assemble, resolve_customer};
    use crate::fixtures::{catalogue, draft, id, product};

    fn number() -> oms_domain::order::number::OrderNumber {
        oms_domain::order::number::OrderNumber::FIRST
    }

    #[test]
    fn lines_take_todays_names_and_prices_and_stock_drops() {
        let shelf = catalogue(vec![
            product(10, "Mug", 250, 5),
            product(11, "Plate", 100, 1),
        ]);
        let d = draft(&[(10, 2), (11, 1)]);
        let (customer, new) = resolve_customer(&d.customer, None);
        assert!(new);
        let assembled = assemble(&d, number(), |id| shelf.get(&id), &customer).unwrap();
        let lines = assembled.order.lines();
        assert_eq!(lines[0].name().as_str(), "Mug");
        assert_eq!(lines[0].line_total().minor(), 500);
        assert_eq!(assembled.order.total().minor(), 600);
        assert_eq!(
            assembled.stock,
            vec![
                (id(10), Stock::from_units(3)),
                (id(11), Stock::from_units(0))
            ]
        );
        assert_eq!(assembled.order.customer().id, d.customer.id);
    }

    #[test]
    fn a_missing_product_is_unknown_and_a_short_one_names_what_is_left() {
        let shelf = catalogue(vec![product(10, "Mug", 250, 1)]);
        let (customer, _) = resolve_customer(&draft(&[]).customer, None);
        let missing = assemble(
            &draft(&[(10, 1), (12, 1)]),
            number(),
            |id| shelf.get(&id),
            &customer,
        );
        assert!(
            matches!(missing, Err(PlaceError::UnknownProduct(p)) if p == id(12)),
            "{missing:?}"
        );
        let short = assemble(&draft(&[(10, 2)]), number(), |id| shelf.get(&id), &customer);
        match short {
            Err(PlaceError::OutOfStock {
                name, available, ..
            }) => {
                assert_eq!((name.as_str(), available.units()), ("Mug", 1));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_line_for_an_archived_product_is_refused_before_any_reservation() {
        let mut mug = product(10, "Mug", 250, 5);
        mug.archived = true;
        let shelf = catalogue(vec![product(11, "Kettle", 900, 5), mug]);
        let (customer, _) = resolve_customer(&draft(&[]).customer, None);
        let refused = assemble(
            &draft(&[(11, 1), (10, 9)]),
            number(),
            |id| shelf.get(&id),
            &customer,
        );
        match refused {
            Err(PlaceError::ProductArchived { product, name }) => {
                assert_eq!((product, name.as_str()), (id(10), "Mug"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_known_customer_keeps_its_id_and_name() {
        let d = draft(&[]);
        let known = Customer {
            id: id(9),
            name: Name::parse("Ann Original").unwrap(),
            email: d.customer.email.clone(),
            created_at: Timestamp::from_unix_millis(0).unwrap(),
        };
        let (customer, new) = resolve_customer(&d.customer, Some(known.clone()));
        assert_eq!((customer, new), (known, false));
    }
}
