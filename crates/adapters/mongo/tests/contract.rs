//! The store conformance suite, unchanged, against MongoDB.

// Test setup that cannot go on panics on purpose: a failed step is a failed test.
#![allow(clippy::expect_used)]

mod support;

oms_store_contract::store_contract!(support::fresh_store(), |retention| async move {
    Some(
        support::fresh_store()
            .await?
            .with_event_retention(retention),
    )
});
