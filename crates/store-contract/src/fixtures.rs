//! Small builders for the suite's records. Ids and times are derived from
//! a number, so a failing case prints values a person can follow.

use std::future::Future;

use oms_domain::customer::Customer;
use oms_domain::email::Email;
use oms_domain::ids::{CustomerId, OrderId, ProductId, UserId};
use oms_domain::money::Money;
use oms_domain::name::Name;
use oms_domain::password::PasswordHash;
use oms_domain::product::Product;
use oms_domain::quantity::Quantity;
use oms_domain::stock::Stock;
use oms_domain::timestamp::Timestamp;
use oms_domain::user::{Actor, Role, User};
use oms_ports::draft::{CustomerDraft, OrderDraft};
use oms_ports::error::LostRace;
use oms_ports::store::{OrderStore, ProductStore};
use uuid::Uuid;

/// 2026-01-01T00:00:00Z plus `ms` milliseconds.
pub fn at(ms: i64) -> Timestamp {
    Timestamp::from_unix_millis(1_767_225_600_000 + ms).unwrap()
}

/// A product id made from `n`.
pub fn product_id(n: u128) -> ProductId {
    ProductId::from_uuid(Uuid::from_u128(n))
}

/// An order id made from `n`.
pub fn order_id(n: u128) -> OrderId {
    OrderId::from_uuid(Uuid::from_u128(n))
}

/// A customer id made from `n`.
pub fn customer_id(n: u128) -> CustomerId {
    CustomerId::from_uuid(Uuid::from_u128(n))
}

/// A user id made from `n`.
pub fn user_id(n: u128) -> UserId {
    UserId::from_uuid(Uuid::from_u128(n))
}

/// User `n` acting in `role`.
pub fn actor(n: u128, role: Role) -> Actor {
    Actor {
        user: user_id(n),
        role,
    }
}

/// A valid name.
pub fn name(text: &str) -> Name {
    Name::parse(text).unwrap()
}

/// A valid e-mail address.
pub fn email(text: &str) -> Email {
    Email::parse(text).unwrap()
}

/// A valid quantity.
pub fn qty(n: i64) -> Quantity {
    Quantity::new(n).unwrap()
}

/// Product `n`, created at `at(0)`.
pub fn product(n: u128, product_name: &str, price: i64, stock: i64) -> Product {
    Product {
        id: product_id(n),
        name: name(product_name),
        price: Money::from_minor(price).unwrap(),
        stock: Stock::new(stock).unwrap(),
        archived: false,
        created_at: at(0),
        updated_at: at(0),
        version: 1,
    }
}

/// Inserts product `n` and returns its id.
pub async fn given_product<S: ProductStore>(
    store: &S,
    n: u128,
    product_name: &str,
    price: i64,
    stock: i64,
) -> ProductId {
    store
        .insert_product(&product(n, product_name, price, stock))
        .await
        .unwrap();
    product_id(n)
}

/// The stock level of `id` as the store has it now.
pub async fn stock_of<S: ProductStore>(store: &S, id: ProductId) -> u64 {
    store.get_product(id).await.unwrap().unwrap().stock.units()
}

/// Customer `n`.
pub fn customer(n: u128, customer_name: &str, address: &str) -> Customer {
    Customer {
        id: customer_id(n),
        name: name(customer_name),
        email: email(address),
        created_at: at(0),
    }
}

/// User `n` in `role`, with a placeholder hash (stores never look inside it).
pub fn user(n: u128, address: &str, role: Role) -> User {
    User {
        id: user_id(n),
        name: name(&format!("User {n}")),
        email: email(address),
        password_hash: PasswordHash::from_phc(format!(
            "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ${n}"
        )),
        role,
        // Not the first, so a store that drops it is caught.
        token_generation: 3,
        disabled: false,
        created_at: at(i64::try_from(n).unwrap_or(0)),
        updated_at: at(0),
    }
}

/// Order `n` for `address`, placed by staff user 1 at `at(n)`, asking for
/// `lines` (product, units).
/// Order `n`, pending, one free mug for Ann, built by the domain alone:
/// never placed in any store.
pub fn unplaced_order(n: u128) -> oms_domain::order::Order {
    use oms_domain::order::line::OrderLine;
    use oms_domain::order::{CustomerSnapshot, NewOrder, Order};
    Order::place(NewOrder {
        id: order_id(n),
        number: oms_domain::order::number::OrderNumber::FIRST,
        customer: CustomerSnapshot {
            id: customer(1, "Ann", "ann@example.com").id,
            name: name("Ann"),
            email: email("ann@example.com"),
        },
        shipping_address: None,
        lines: vec![OrderLine::new(product_id(1), name("Mug"), Money::ZERO, qty(1)).unwrap()],
        payment_collected: false,
        placed_by: actor(1, Role::Staff),
        at: at(1),
    })
    .unwrap()
}

pub fn draft(n: u128, address: &str, lines: &[(ProductId, i64)]) -> OrderDraft {
    let when = at(i64::try_from(n).unwrap());
    OrderDraft {
        id: order_id(n),
        customer: CustomerDraft {
            id: customer_id(1_000_000 + n),
            name: name(&format!("Customer of order {n}")),
            email: email(address),
            at: when,
        },
        shipping_address: None,
        lines: lines.iter().map(|&(p, units)| (p, qty(units))).collect(),
        payment_collected: false,
        placed_by: actor(1, Role::Staff),
        at: when,
        idempotency: None,
    }
}

/// A full shipping address, every optional part given.
pub fn shipping_address() -> oms_domain::address::ShippingAddress {
    use oms_domain::address::{AddressLine, Country, Phone, PostalCode, ShippingAddress};
    ShippingAddress {
        name: name("Ann Lee"),
        line1: AddressLine::parse("Invalidenstraße 1").unwrap(),
        line2: Some(AddressLine::parse("Hinterhaus, 3. OG").unwrap()),
        city: AddressLine::parse("Berlin").unwrap(),
        region: Some(AddressLine::parse("Berlin").unwrap()),
        postal_code: PostalCode::parse("10115").unwrap(),
        country: Country::parse("DE").unwrap(),
        phone: Some(Phone::parse("+49 30 1234567").unwrap()),
    }
}

/// Revises as `revision` says, which must succeed once any lost race is
/// sent again; the order as revised.
pub async fn revise_ok<S: OrderStore>(
    store: &S,
    revision: oms_ports::draft::OrderRevision,
) -> oms_domain::order::Order {
    revise_won(store, &revision).await.unwrap()
}

/// One change to an order, made in memory before it is stored.
pub type Change = Box<dyn FnOnce(&mut oms_domain::order::Order) + Send>;

/// Applies each change to `order` and stores it, one revision each (a
/// revision carries one change); the order as last stored.
pub async fn changed<S: OrderStore>(
    store: &S,
    order: &oms_domain::order::Order,
    changes: Vec<Change>,
) -> oms_domain::order::Order {
    let mut order = order.clone();
    for change in changes {
        let mut next = order.clone();
        change(&mut next);
        let revision = oms_ports::draft::OrderRevision {
            expected_version: order.version(),
            order: next,
        };
        order = revise_ok(store, revision).await;
    }
    order
}

/// An order of two units of `product` at 250, confirmed, paid and
/// shipped, with a return of one unit asked for at `at(200)` and 100
/// refunded, stored.
pub async fn returned_and_refunded<S: OrderStore>(
    store: &S,
    n: u128,
    product: ProductId,
) -> oms_domain::order::Order {
    use oms_domain::order::shipment::ShipmentRequest;
    use oms_domain::order::status::OrderStatus;
    let staff = actor(1, Role::Staff);
    let customer = actor(2, Role::Customer);
    let why = || oms_domain::note::Note::parse("chipped").unwrap();
    let order = placed(store, draft(n, "ann@example.com", &[(product, 2)])).await;
    let changes: Vec<Change> = vec![
        Box::new(move |o| {
            o.change_status(OrderStatus::Confirmed, staff, at(100))
                .unwrap();
        }),
        Box::new(move |o| assert!(o.set_payment_collected(true, staff, at(101)).unwrap())),
        Box::new(move |o| {
            o.ship(ShipmentRequest::default(), staff, at(102)).unwrap();
        }),
        Box::new(move |o| {
            o.request_return(vec![(product, qty(1))], why(), customer, at(200), None)
                .unwrap();
        }),
        Box::new(move |o| {
            let amount = Money::from_minor(100).unwrap();
            o.refund(amount, why(), None, None, staff, at(201)).unwrap();
        }),
    ];
    changed(store, &order, changes).await
}

/// Places `draft`, sending it again while it loses a race; what the store
/// finally answered.
///
/// # Errors
/// The store's refusal.
pub async fn place_won<S: OrderStore>(
    store: &S,
    draft: &OrderDraft,
) -> Result<oms_ports::draft::Placement, oms_ports::error::PlaceError> {
    until_won(|| store.place(draft.clone())).await
}

/// Revises as `revision` says, sending it again while it loses a race;
/// what the store finally answered.
///
/// # Errors
/// The store's refusal.
pub async fn revise_won<S: OrderStore>(
    store: &S,
    revision: &oms_ports::draft::OrderRevision,
) -> Result<oms_domain::order::Order, oms_ports::error::ReviseError> {
    until_won(|| store.revise(revision.clone())).await
}

/// Places `draft`, which must succeed once any lost race is sent again
/// (a test server may abort a transaction as a real one does in an
/// election), and returns its order.
pub async fn placed<S: OrderStore>(store: &S, draft: OrderDraft) -> oms_domain::order::Order {
    let placement = place_won(store, &draft).await.unwrap();
    assert!(!placement.replayed);
    placement.order
}

/// Sends a write again while it loses its race with a concurrent one, as
/// the use cases do ([`LostRace`]); any other outcome is returned.
pub async fn until_won<T, E, F, Fut>(mut write: F) -> Result<T, E>
where
    E: LostRace + std::fmt::Debug,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    for _ in 0..1_000 {
        match write().await {
            Err(e) if e.lost_race() => {
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
            outcome => return outcome,
        }
    }
    panic!("a write lost its race a thousand times in a row");
}
