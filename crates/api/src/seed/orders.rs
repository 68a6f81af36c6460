//! Demo orders for a new store: three dozen orders over the last three
//! weeks, in every status, some paid, so the first dashboard, its filters
//! and its export have something to show. Written through the store port
//! (placing and revising, each with its event), with times in the past.
//! Never into a store that holds an order.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use oms_app::system::RandomIds;
use oms_domain::email::Email;
use oms_domain::name::Name;
use oms_domain::note::Note;
use oms_domain::order::Order;
use oms_domain::order::status::OrderStatus;
use oms_domain::quantity::Quantity;
use oms_domain::timestamp::Timestamp;
use oms_domain::user::Actor;
use oms_ports::draft::{CustomerDraft, OrderDraft, OrderRevision};
use oms_ports::ids::IdSource;
use oms_ports::query::{OrderQuery, PageLimit};
use oms_ports::store::Store;

use super::{CUSTOMERS, CustomerFixture, PRODUCTS, ProductFixture, SeedError, bad, fixture};

/// How many orders, and over how many days before now.
const ORDERS: u64 = 36;
const DAYS: u64 = 21;

/// Each demo order's path through the statuses (by its position), the
/// older ones further along, as a shop's orders are.
fn path(n: u64) -> &'static [OrderStatus] {
    use OrderStatus::{Cancelled, Confirmed, Delivered, Shipped};
    match n % 9 {
        0..=2 if n < ORDERS / 2 => &[Confirmed, Shipped, Delivered],
        3 if n < ORDERS / 2 => &[Cancelled],
        4 | 5 => &[Confirmed, Shipped],
        6 => &[Confirmed],
        7 => &[Confirmed, Cancelled],
        _ => &[],
    }
}

/// Moves `order` through `steps` as `by`, step `k` (from 1) at
/// `when(k)`; a cancellation says the customer asked for it.
pub(super) async fn move_along<S: Store>(
    store: &S,
    mut order: Order,
    steps: &[OrderStatus],
    by: Actor,
    when: impl Fn(u64) -> u64,
) -> Result<Order, SeedError> {
    for (k, to) in (1..).zip(steps) {
        let reason = (*to == OrderStatus::Cancelled)
            .then(|| Note::parse("Customer asked to cancel"))
            .transpose()
            .map_err(|e| bad("reason", e))?;
        let mut next = order.clone();
        next.change_status_because(*to, by, at(when(k))?, reason)
            .map_err(|e| bad("seeded order status", e))?;
        let revision = OrderRevision {
            expected_version: order.version(),
            order: next,
        };
        order = store
            .revise(revision)
            .await
            .map_err(|e| bad("seeded order status", e))?;
    }
    Ok(order)
}

/// Whether `store` holds any order: seeded orders go into a store without.
pub(super) async fn holds_orders<S: Store>(store: &S) -> Result<bool, SeedError> {
    let any = OrderQuery {
        limit: PageLimit::new(1).unwrap_or_default(),
        ..OrderQuery::default()
    };
    let existing = store
        .list_orders(&any)
        .await
        .map_err(|e| bad("orders", e))?;
    Ok(!existing.items.is_empty())
}

/// Now, in milliseconds since the epoch.
pub(super) fn now_ms() -> Result<u64, SeedError> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|e| bad("clock", e))?;
    u64::try_from(now.as_millis()).map_err(|e| bad("clock", e))
}

fn at(ms: u64) -> Result<Timestamp, SeedError> {
    let ms = i64::try_from(ms).map_err(|e| bad("demo order time", e))?;
    Timestamp::from_unix_millis(ms).map_err(|e| bad("demo order time", e))
}

/// Places the demo orders by `by` into `store` unless it holds an order
/// already; returns how many were placed.
///
/// # Errors
/// [`SeedError`] on a broken fixture or a failing store.
pub async fn load<S: Store>(store: &S, by: Actor) -> Result<u64, SeedError> {
    if holds_orders(store).await? {
        return Ok(0);
    }
    // Only what the demo shelf holds: an order for a sold-out product fails.
    let products: Vec<ProductFixture> = fixture::<ProductFixture>("products.json", PRODUCTS)?
        .into_iter()
        .filter(|p| p.stock > 0)
        .collect();
    let customers = fixture::<CustomerFixture>("customers.json", CUSTOMERS)?;
    let now = now_ms()?;
    let span = Duration::from_secs(DAYS * 24 * 3600).as_millis();
    let span = u64::try_from(span).map_err(|e| bad("span", e))?;
    let step = span / ORDERS;
    let ids = RandomIds;
    let mut placed = 0;
    for n in 0..ORDERS {
        let customer = &customers[usize::try_from(n).unwrap_or(0) % customers.len()];
        let placed_at = now - span + n * step;
        let mut lines = Vec::new();
        for k in 0..(1 + n % 3) {
            let product = &products[usize::try_from(n * 3 + k * 5).unwrap_or(0) % products.len()];
            let id = product.id.parse().map_err(|e| bad(&product.id, e))?;
            if lines.iter().any(|(p, _)| *p == id) {
                continue;
            }
            let quantity = Quantity::new(i64::try_from(1 + (n + k) % 3).unwrap_or(1))
                .map_err(|e| bad("quantity", e))?;
            lines.push((id, quantity));
        }
        let steps = path(n);
        let draft = OrderDraft {
            id: ids.order_id(),
            shipping_address: customer
                .address
                .as_ref()
                .map(|a| a.address().map_err(|e| bad(&customer.email, e)))
                .transpose()?,
            customer: CustomerDraft {
                id: ids.customer_id(),
                name: Name::parse(&customer.name).map_err(|e| bad(&customer.name, e))?,
                email: Email::parse(&customer.email).map_err(|e| bad(&customer.email, e))?,
                at: at(placed_at)?,
            },
            lines,
            // Paid at the counter now and then; paid on delivery otherwise.
            payment_collected: n % 4 == 0 || steps.last() == Some(&OrderStatus::Delivered),
            placed_by: by,
            at: at(placed_at)?,
            idempotency: None,
        };
        let Ok(placement) = store.place(draft).await else {
            // A product sold out by the orders before: a demo needs no more.
            continue;
        };
        move_along(store, placement.order, steps, by, |k| {
            placed_at + k * step / 4
        })
        .await?;
        placed += 1;
    }
    Ok(placed)
}
