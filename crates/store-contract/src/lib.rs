//! What every store must do. Each case takes a fresh, empty store and
//! proves one promise of the port documentation in `oms-ports`; a store is
//! done when the whole suite passes unchanged.
//!
//! An adapter runs the suite from a test binary of its own (`harness =
//! false` in its `Cargo.toml`), handing in how to open a fresh store that
//! keeps events as a case asks:
//! ```text
//! fn main() -> std::process::ExitCode {
//!     oms_store_contract::run(|retention| async move {
//!         Some(oms_memory::MemoryStore::with_event_retention(retention))
//!     })
//! }
//! ```
//! `None` skips a case (a store that needs a server it could not find says
//! so itself, loudly). Each case is a test of its own, named after its
//! function, so `cargo test -p <adapter> --test contract <name>` runs one.
//!
//! Test-only code: it may panic, that is how a case fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[macro_use]
mod case;
mod activity;
mod after_sale;
mod after_sale_lists;
mod customers;
mod edits;
mod events;
pub mod fixtures;
mod groups;
mod holds;
mod order_lists;
mod order_numbers;
mod orders;
mod positions;
mod products;
mod shipments;
mod stock;
mod summaries;
mod users;
mod webhooks;

use std::future::Future;
use std::process::ExitCode;
use std::sync::Arc;

use libtest_mimic::{Arguments, Failed, Trial};
use oms_ports::events::EventRetention;
use oms_ports::store::Store;

pub use case::Case;

/// Every case of the suite.
pub fn cases<S: Store>() -> Vec<Case<S>> {
    [
        products::cases(),
        customers::cases(),
        users::cases(),
        orders::cases(),
        shipments::cases(),
        edits::cases(),
        holds::cases(),
        after_sale::cases(),
        after_sale_lists::cases(),
        activity::cases(),
        order_lists::cases(),
        summaries::cases(),
        order_numbers::cases(),
        stock::cases(),
        groups::cases(),
        events::cases(),
        positions::cases(),
        webhooks::cases(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Runs every case as a test of its own, on a store `open` makes for it
/// (keeping events as the case asks), each on a runtime with four worker
/// threads; takes the command line `cargo test` passes.
pub fn run<S, F, Opened>(open: F) -> ExitCode
where
    S: Store,
    F: Fn(EventRetention) -> Opened + Send + Sync + 'static,
    Opened: Future<Output = Option<S>>,
{
    let open = Arc::new(open);
    let mut cases = cases::<S>();
    // In name order, as the standard harness runs tests: cases that only
    // read the log then run among cases that write, as they always have.
    cases.sort_by_key(|case| case.name);
    let trials = cases
        .into_iter()
        .map(|case| {
            let open = Arc::clone(&open);
            Trial::test(case.name, move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(4)
                    .enable_all()
                    .build()
                    .map_err(|e| Failed::from(format!("no runtime: {e}")))?;
                runtime.block_on(async {
                    if let Some(store) = open(case.retention).await {
                        (case.check)(store).await;
                    }
                });
                Ok(())
            })
        })
        .collect();
    libtest_mimic::run(&Arguments::from_args(), trials).exit_code()
}
