//! A store of many orders for benchmarks (`oms seed --orders N`): N orders
//! by N customers, spread over the year before now, in every status (the
//! older further along), a third paid, on a shelf of bench products with
//! stock to spare. Written through the store port with many writes in
//! flight, so the group commit batches them as it does live traffic.
//! Never into a store that holds an order.

use futures::{StreamExt, TryStreamExt, stream};
use oms_app::system::RandomIds;
use oms_domain::email::Email;
use oms_domain::ids::ProductId;
use oms_domain::money::Money;
use oms_domain::name::Name;
use oms_domain::order::status::OrderStatus;
use oms_domain::product::Product;
use oms_domain::quantity::Quantity;
use oms_domain::stock::Stock;
use oms_domain::timestamp::Timestamp;
use oms_domain::user::Actor;
use oms_ports::draft::{CustomerDraft, OrderDraft};
use oms_ports::ids::IdSource;
use oms_ports::store::Store;

use super::{SeedError, bad};

/// Writes in flight at once: enough for the group commit to fill groups.
const IN_FLIGHT: usize = 64;
/// Bench products on the shelf.
const PRODUCTS: u64 = 50;
const YEAR_MS: u64 = 365 * 24 * 3600 * 1000;

/// Each order's path: old orders delivered or cancelled, the newest
/// twentieth (`recent`) still on their way.
fn path(n: u64, recent: bool) -> &'static [OrderStatus] {
    use OrderStatus::{Cancelled, Confirmed, Delivered, Shipped};
    match (n % 10, recent) {
        (0, _) => &[Cancelled],
        (_, false) => &[Confirmed, Shipped, Delivered],
        (1..=4, true) => &[Confirmed, Shipped],
        (5..=7, _) => &[Confirmed],
        _ => &[],
    }
}

fn at(ms: u64) -> Result<Timestamp, SeedError> {
    let ms = i64::try_from(ms).map_err(|e| bad("bench order time", e))?;
    Timestamp::from_unix_millis(ms).map_err(|e| bad("bench order time", e))
}

/// Places `orders` bench orders by `by` into `store` unless it holds an
/// order already; returns how many were placed.
///
/// # Errors
/// [`SeedError`] on a failing store.
pub async fn load<S: Store>(store: &S, by: Actor, orders: u64) -> Result<u64, SeedError> {
    if super::orders::holds_orders(store).await? {
        return Err(bad(
            "--orders",
            "the store holds orders already; bench orders go into an empty store",
        ));
    }
    let now = super::orders::now_ms()?;
    let shelf = shelf(store, now).await?;
    let step = (YEAR_MS / orders.max(1)).max(1);
    let start = now - step * orders;
    let placed = stream::iter(0..orders)
        .map(|n| one(store, by, &shelf, n, start + n * step, orders))
        .buffer_unordered(IN_FLIGHT)
        .try_fold(0_u64, |count, ()| async move {
            if (count + 1) % 100_000 == 0 {
                tracing::info!(orders = count + 1, "bench orders placed");
            }
            Ok(count + 1)
        })
        .await?;
    Ok(placed)
}

async fn shelf<S: Store>(store: &S, now: u64) -> Result<Vec<ProductId>, SeedError> {
    let ids = RandomIds;
    let mut shelf = Vec::new();
    for k in 0..PRODUCTS {
        let product = Product {
            id: ids.product_id(),
            name: Name::parse(&format!("Bench product {k:02}")).map_err(|e| bad("name", e))?,
            price: Money::from_minor(i64::try_from(199 + k * 150).unwrap_or(199))
                .map_err(|e| bad("price", e))?,
            stock: Stock::new(i64::try_from(Stock::MAX).unwrap_or(i64::MAX))
                .map_err(|e| bad("stock", e))?,
            archived: false,
            created_at: at(now - YEAR_MS - 1)?,
            updated_at: at(now - YEAR_MS - 1)?,
            version: 1,
        };
        store
            .insert_product(&product)
            .await
            .map_err(|e| bad("product", e))?;
        shelf.push(product.id);
    }
    Ok(shelf)
}

fn address(n: u64) -> Result<oms_domain::address::ShippingAddress, SeedError> {
    let record = oms_rules::address::AddressRecord {
        name: format!("Bench Buyer {n}"),
        line1: format!("{} Market Street", 1 + n % 900),
        line2: None,
        city: "Springfield".to_owned(),
        region: None,
        postal_code: format!("{:05}", n % 100_000),
        country: "US".to_owned(),
        phone: None,
    };
    record.address().map_err(|e| bad("address", e))
}

/// Places order `n` of `of` at `placed_at` and moves it along its path.
async fn one<S: Store>(
    store: &S,
    by: Actor,
    shelf: &[ProductId],
    n: u64,
    placed_at: u64,
    of: u64,
) -> Result<(), SeedError> {
    let ids = RandomIds;
    let pick = |k: u64| shelf[usize::try_from((n * 7 + k * 13) % PRODUCTS).unwrap_or(0)];
    let mut lines = Vec::new();
    for k in 0..(1 + n % 3) {
        let quantity = Quantity::new(i64::try_from(1 + (n + k) % 3).unwrap_or(1))
            .map_err(|e| bad("quantity", e))?;
        lines.push((pick(k), quantity));
    }
    let steps = path(n, n.saturating_mul(20) >= of.saturating_mul(19));
    let email = format!("buyer{n}@bench.example");
    let draft = OrderDraft {
        id: ids.order_id(),
        shipping_address: Some(address(n)?),
        customer: CustomerDraft {
            id: ids.customer_id(),
            name: Name::parse(&format!("Bench Buyer {n}")).map_err(|e| bad("name", e))?,
            email: Email::parse(&email).map_err(|e| bad(&email, e))?,
            at: at(placed_at)?,
        },
        lines,
        payment_collected: n.is_multiple_of(3),
        placed_by: by,
        at: at(placed_at)?,
        idempotency: None,
    };
    let order = store
        .place(draft)
        .await
        .map_err(|e| bad("bench order", e))?
        .order;
    super::orders::move_along(store, order, steps, by, |k| placed_at + k * 60_000).await?;
    Ok(())
}
