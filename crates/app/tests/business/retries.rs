//! A status change that loses a race is decided again on the order as the
//! winner left it, until the contention policy's deadline; one that named a
//! version is refused at once. The store double makes the race happen on cue.

use std::time::Duration;

use mockall::Sequence;
use oms_app::contention::Contention;
use oms_app::orders::{ChangeStatus, ChangeStatusError};
use oms_domain::order::status::OrderStatus;
use oms_domain::timestamp::Timestamp;
use oms_ports::error::{ReviseError, StoreError};

use crate::mocks::{MockStore, confirm, pending_order, service};
use crate::support::staff;

#[tokio::test]
async fn a_lost_race_is_decided_again_on_the_winners_order() {
    let first = pending_order();
    let mut paid = first.clone();
    paid.set_payment_collected(true, staff(), Timestamp::UNIX_EPOCH)
        .unwrap();

    let mut seq = Sequence::new();
    let mut store = MockStore::new();
    let stale = first.clone();
    store
        .expect_get_order()
        .times(1)
        .in_sequence(&mut seq)
        .returning(move |_| Ok(Some(stale.clone())));
    store
        .expect_revise()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_| Err(ReviseError::VersionMismatch { current: 2 }));
    let fresh = paid.clone();
    store
        .expect_get_order()
        .times(1)
        .in_sequence(&mut seq)
        .returning(move |_| Ok(Some(fresh.clone())));
    store
        .expect_revise()
        .times(1)
        .in_sequence(&mut seq)
        .withf(|r| r.expected_version == 2)
        .returning(|r| Ok(r.order));

    let order = service(store)
        .change_status(staff(), &first.id().to_string(), confirm())
        .await
        .unwrap();
    assert_eq!(order.status(), OrderStatus::Confirmed);
    assert!(order.payment_collected(), "the winner's change is kept");
    assert_eq!(order.version(), 3);
}

#[tokio::test]
async fn losing_every_attempt_is_reported_as_contention() {
    let order = pending_order();
    let mut store = MockStore::new();
    let stored = order.clone();
    store
        .expect_get_order()
        .times(2..)
        .returning(move |_| Ok(Some(stored.clone())));
    store
        .expect_revise()
        .times(2..)
        .returning(|_| Err(ReviseError::VersionMismatch { current: 2 }));

    let brief = Contention {
        deadline: Duration::from_millis(100),
        ..Contention::DEFAULT
    };
    let err = service(store)
        .with_contention(brief)
        .change_status(staff(), &order.id().to_string(), confirm())
        .await
        .unwrap_err();
    assert!(
        matches!(err, ChangeStatusError::Store(StoreError::Contended)),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_lost_race_with_an_expected_version_is_refused_without_retrying() {
    let order = pending_order();
    let mut store = MockStore::new();
    let stored = order.clone();
    store
        .expect_get_order()
        .times(1)
        .returning(move |_| Ok(Some(stored.clone())));
    store
        .expect_revise()
        .times(1)
        .returning(|_| Err(ReviseError::VersionMismatch { current: 2 }));

    let pinned = ChangeStatus {
        expected_version: Some(1),
        ..confirm()
    };
    let err = service(store)
        .change_status(staff(), &order.id().to_string(), pinned)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ChangeStatusError::VersionMismatch { current: 2 }),
        "{err:?}"
    );
}
