//! The in-memory store against the conformance suite every store must pass.

oms_store_contract::store_contract!(
    async { Some(oms_memory::MemoryStore::new()) },
    |retention| async move { Some(oms_memory::MemoryStore::with_event_retention(retention)) },
);
