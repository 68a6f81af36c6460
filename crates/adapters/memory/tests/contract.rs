//! The in-memory store against the conformance suite every store must pass.

fn main() -> std::process::ExitCode {
    oms_store_contract::run(|retention| async move {
        Some(oms_memory::MemoryStore::with_event_retention(retention))
    })
}
