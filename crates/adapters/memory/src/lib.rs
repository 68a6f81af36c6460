//! Every store port kept in process memory, the event log included.
//!
//! [`MemoryStore`] is the embedded default store (no database needed) and
//! the store business tests run on. All its data sits behind one lock that
//! is never held across an `.await`: each port method is one critical
//! section, which makes it atomic, free of lost updates, and deadlock-free
//! by construction; an order change and its event are one section. It passes the same conformance suite as the MongoDB
//! store (`oms-store-contract`).
//!
//! Depends on `oms-domain`, `oms-ports`, `parking_lot` and tokio's `sync`.

mod customers;
mod events;
mod keys;
mod orders;
mod paging;
mod products;
mod state;
mod users;
mod webhooks;

use std::sync::Arc;

use oms_ports::events::EventRetention;
use parking_lot::{Mutex, RwLock};
use tokio::sync::watch;

use state::State;

/// Products, customers, users, orders and their events in memory. Clones
/// share the data.
#[derive(Clone, Debug)]
pub struct MemoryStore {
    state: Arc<RwLock<State>>,
    webhooks: Arc<Mutex<webhooks::Webhooks>>,
    /// Signalled after every change that may have appended an event, for
    /// followers to wait on.
    appended: Arc<watch::Sender<()>>,
}

impl MemoryStore {
    /// An empty store keeping events as long as the default retention says.
    pub fn new() -> MemoryStore {
        MemoryStore::with_event_retention(EventRetention::default())
    }

    /// An empty store keeping events as long as `retention` says.
    pub fn with_event_retention(retention: EventRetention) -> MemoryStore {
        MemoryStore {
            state: Arc::new(RwLock::new(State::new(retention))),
            webhooks: Arc::default(),
            appended: Arc::new(watch::channel(()).0),
        }
    }

    /// Wakes followers after a change, outside the lock. A wake-up with
    /// nothing new (a replayed placement) only costs them a read.
    fn wake(&self) {
        self.appended.send_replace(());
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore::new()
    }
}

#[async_trait::async_trait]
impl oms_ports::store::StoreHealth for MemoryStore {
    /// Memory is always there.
    async fn ping(&self) -> Result<(), oms_ports::error::StoreError> {
        Ok(())
    }

    /// Each write is done before its call returns: nothing is queued.
    async fn drain(&self) {}
}
