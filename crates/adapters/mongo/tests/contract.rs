//! The store conformance suite, unchanged, against MongoDB.

// Test setup that cannot go on panics on purpose: a failed step is a failed test.
#![allow(clippy::expect_used)]

mod support;

fn main() -> std::process::ExitCode {
    oms_store_contract::run(|retention| async move {
        Some(
            support::fresh_store()
                .await?
                .with_event_retention(retention),
        )
    })
}
