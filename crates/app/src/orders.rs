//! Placing orders, reading them, and moving them through their statuses.

mod listing;
mod place;
mod status;

use oms_domain::event::OrderEvent;
use oms_domain::ids::OrderId;
use oms_domain::order::Order;
use oms_ports::error::StoreError;
use oms_ports::events::EventPublisher;
use oms_ports::store::OrderStore;

pub use listing::ListOrders;
pub use place::{CustomerInput, ItemInput, PlaceOrder, PlaceOrderError};
pub use status::{ChangeStatus, ChangeStatusError};

/// The order use cases, over a store `S`, an event publisher `E`, a clock
/// `C` and an id source `I`.
#[derive(Clone, Debug)]
pub struct OrderService<S, E, C, I> {
    store: S,
    events: E,
    clock: C,
    ids: I,
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

impl<S, E, C, I> OrderService<S, E, C, I> {
    /// A service over these ports.
    pub fn new(store: S, events: E, clock: C, ids: I) -> Self {
        OrderService {
            store,
            events,
            clock,
            ids,
        }
    }
}

impl<S: OrderStore, E: EventPublisher, C, I> OrderService<S, E, C, I> {
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

    /// Hands a committed event on. A failure is logged, never returned: the
    /// change it describes is already stored and must stand.
    async fn publish(&self, event: OrderEvent) {
        if let Err(error) = self.events.publish(&event).await {
            tracing::warn!(
                order_id = %event.order_id(),
                event = event.name(),
                error = %error,
                "order event not published"
            );
        }
    }
}
