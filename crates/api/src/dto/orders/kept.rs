//! Order views kept as the JSON they were written to, by what decides
//! them: the order's id and version (which rises with every change to the
//! order, on every store), who sees it, which read of the staff's names
//! it shows, and the currency. A read of an order seen before skips
//! building its view and writing its JSON (a fifth of the server's work
//! for a `GET`).
//!
//! Each worker thread keeps its own (no lock on the way), at most
//! [`KEPT`] views, and starts again when full.

use std::cell::RefCell;
use std::collections::HashMap;

use actix_web::web::Bytes;
use oms_domain::ids::OrderId;
use oms_domain::order::Order;
use oms_domain::visibility::Audience;

use super::{Names, OrderView};
use crate::currency::Currency;

/// Views kept per worker thread: an order's JSON is about a kilobyte.
pub const KEPT: usize = 1024;

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    order: OrderId,
    version: u64,
    audience: Audience,
    names: u64,
    currency: Currency,
}

thread_local! {
    static VIEWS: RefCell<HashMap<Key, Bytes>> = RefCell::new(HashMap::new());
}

/// `order` as `audience` sees it (staff's names from `names`), as JSON.
///
/// # Errors
/// When the view cannot be written as JSON.
pub fn view_json(
    order: &Order,
    audience: Audience,
    currency: Currency,
    names: &Names,
) -> Result<Bytes, serde_json::Error> {
    let key = Key {
        order: order.id(),
        version: order.version(),
        audience,
        names: names.read(),
        currency,
    };
    if let Some(kept) = VIEWS.with(|views| views.borrow().get(&key).cloned()) {
        return Ok(kept);
    }
    let json = Bytes::from(serde_json::to_vec(&OrderView::named(
        order, audience, currency, names,
    ))?);
    VIEWS.with(|views| {
        let mut views = views.borrow_mut();
        if views.len() >= KEPT {
            views.clear();
        }
        views.insert(key, json.clone());
    });
    Ok(json)
}

#[cfg(test)]
mod tests {
    use oms_domain::email::Email;
    use oms_domain::money::Money;
    use oms_domain::name::Name;
    use oms_domain::order::line::OrderLine;
    use oms_domain::order::number::OrderNumber;
    use oms_domain::order::status::OrderStatus;
    use oms_domain::order::{CustomerSnapshot, NewOrder};
    use oms_domain::quantity::Quantity;
    use oms_domain::timestamp::Timestamp;
    use oms_domain::user::{Actor, Role};

    use super::*;

    fn id<T: std::str::FromStr>(n: u128) -> T
    where
        T::Err: std::fmt::Debug,
    {
        uuid::Uuid::from_u128(n).to_string().parse().unwrap()
    }

    fn order() -> Order {
        let staff = Actor {
            user: id(7),
            role: Role::Staff,
        };
        let line = OrderLine::new(
            id(1),
            Name::parse("Mug").unwrap(),
            Money::from_minor(250).unwrap(),
            Quantity::new(2).unwrap(),
        )
        .unwrap();
        Order::place(NewOrder {
            id: id(99),
            number: OrderNumber::new(1042).unwrap(),
            customer: CustomerSnapshot {
                id: id(5),
                name: Name::parse("Ann Lee").unwrap(),
                email: Email::parse("ann@example.com").unwrap(),
            },
            shipping_address: None,
            lines: vec![line],
            payment_collected: false,
            placed_by: staff,
            at: Timestamp::from_unix_millis(1_000).unwrap(),
        })
        .unwrap()
    }

    fn kept(order: &Order, audience: Audience) -> serde_json::Value {
        let bytes = view_json(order, audience, Currency::default(), &Names::default()).unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    fn written(order: &Order, audience: Audience) -> serde_json::Value {
        let view = OrderView::named(order, audience, Currency::default(), &Names::default());
        serde_json::to_value(view).unwrap()
    }

    #[test]
    fn a_kept_view_is_the_view_of_the_same_order_version_and_audience() {
        let mut order = order();
        for audience in [Audience::Public, Audience::Owner, Audience::Staff] {
            assert_eq!(kept(&order, audience), written(&order, audience));
            // Asked again: the kept one, still the same.
            assert_eq!(kept(&order, audience), written(&order, audience));
        }
        assert_ne!(
            kept(&order, Audience::Public),
            kept(&order, Audience::Staff),
            "each audience its own view"
        );
        let by = Actor {
            user: id(7),
            role: Role::Staff,
        };
        let at = Timestamp::from_unix_millis(2_000).unwrap();
        order.change_status(OrderStatus::Confirmed, by, at).unwrap();
        let after = kept(&order, Audience::Staff);
        assert_eq!(after["status"], "confirmed", "the change is seen: {after}");
        assert_eq!(after, written(&order, Audience::Staff));
    }

    #[test]
    fn views_with_names_read_apart_are_kept_apart() {
        let order = order();
        let staff = |name: &str| {
            Names::new(oms_app::users::StaffNames::new([(
                id(7),
                Name::parse(name).unwrap(),
            )]))
        };
        let json = |names: &Names| -> serde_json::Value {
            let bytes = view_json(&order, Audience::Staff, Currency::default(), names).unwrap();
            serde_json::from_slice(&bytes).unwrap()
        };
        let before = json(&staff("Ann Staff"));
        let renamed = json(&staff("Ann Renamed"));
        assert_eq!(before["timeline"][0]["by"]["name"], "Ann Staff", "{before}");
        assert_eq!(
            renamed["timeline"][0]["by"]["name"], "Ann Renamed",
            "{renamed}"
        );
    }
}
