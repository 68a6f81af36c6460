//! Placing orders, reading them, and moving them through their statuses.

mod address;
mod after_sale;
mod edit;
mod export;
mod hold;
mod items;
mod listing;
mod lookup;
mod place;
mod ship;
mod status;
mod update;

use oms_domain::ids::OrderId;
use oms_domain::order::Order;
use oms_ports::error::StoreError;
use oms_ports::store::OrderStore;

use crate::contention::Contention;

pub use address::AddressInput;
pub use after_sale::{ReceivedInput, RecordRefund, RequestReturn};
pub use export::OrderExport;
pub use listing::ListOrders;
pub use lookup::LookupError;
pub use place::{CustomerInput, ItemInput, PlaceOrder, PlaceOrderError};
pub use ship::ShipOrder;
pub use status::{ChangeStatus, ChangeStatusError};
pub use update::UpdateOrder;

/// The order use cases, over a store `S`, a clock `C` and an id source
/// `I`. The store records each change's event with the change itself;
/// nothing is published from here.
#[derive(Clone, Debug)]
pub struct OrderService<S, C, I> {
    store: S,
    clock: C,
    ids: I,
    contention: Contention,
    address_required: bool,
    return_window: std::time::Duration,
}

/// Why an order could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GetOrderError {
    /// No order has that id (or the id is not an id at all).
    #[error("no such order")]
    NotFound,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl<S, C, I> OrderService<S, C, I> {
    /// How long after delivery a customer may ask for a return, unless
    /// the shop says otherwise: 30 days.
    pub const RETURN_WINDOW: std::time::Duration = std::time::Duration::from_secs(30 * 86_400);

    /// A service over these ports.
    pub fn new(store: S, clock: C, ids: I) -> Self {
        OrderService {
            store,
            clock,
            ids,
            contention: Contention::DEFAULT,
            address_required: true,
            return_window: Self::RETURN_WINDOW,
        }
    }

    /// The same service sending shipments to orders without an address
    /// (`required: false`) or refusing to (the default).
    pub fn with_address_required(self, required: bool) -> Self {
        OrderService {
            address_required: required,
            ..self
        }
    }

    /// The same service giving up on contended changes by `contention`
    /// instead of [`Contention::DEFAULT`].
    pub fn with_contention(self, contention: Contention) -> Self {
        OrderService { contention, ..self }
    }
}

impl<S: OrderStore, C, I> OrderService<S, C, I> {
    /// The order with this id. Anyone holding the id may read the order:
    /// it is the tracking code, unguessable by construction.
    ///
    /// # Errors
    /// [`GetOrderError::NotFound`] for an unknown or malformed id.
    #[tracing::instrument(skip_all, fields(order_id = %id))]
    pub async fn get(&self, id: &str) -> Result<Order, GetOrderError> {
        let id: OrderId = id.parse().map_err(|_| GetOrderError::NotFound)?;
        self.store
            .get_order(id)
            .await?
            .ok_or(GetOrderError::NotFound)
    }
}
