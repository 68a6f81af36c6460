//! Every store port kept in process memory, plus an in-process event bus.
//!
//! [`MemoryStore`] is the embedded default store (no database needed) and
//! the store business tests run on. All its data sits behind one lock that
//! is never held across an `.await`: each port method is one critical
//! section, which makes it atomic, free of lost updates, and deadlock-free
//! by construction. It passes the same conformance suite as the MongoDB
//! store (`oms-store-contract`).
//!
//! Depends on `oms-domain`, `oms-ports`, `parking_lot` and tokio's `sync`.

mod customers;
mod orders;
mod paging;
mod products;
pub mod publisher;
mod state;
mod users;

use std::sync::Arc;

use parking_lot::RwLock;

use state::State;

/// Products, customers, users and orders in memory. Clones share the data.
#[derive(Clone, Debug, Default)]
pub struct MemoryStore {
    state: Arc<RwLock<State>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }
}

#[async_trait::async_trait]
impl oms_ports::store::StoreHealth for MemoryStore {
    /// Memory is always there.
    async fn ping(&self) -> Result<(), oms_ports::error::StoreError> {
        Ok(())
    }
}
