//! The order port: place, read, revise (lists and summaries are in
//! `order_lists.rs`).

use oms_domain::event::OrderEvent;
use oms_domain::idempotency::{IdempotencyKey, RequestFingerprint};
use oms_domain::money::Money;
use oms_domain::order::line::OrderLine;
use oms_domain::order::status::OrderStatus;
use oms_domain::order::{Order, OrderParts};
use oms_domain::user::Role;
use oms_ports::draft::{IdempotencyClaim, OrderRevision};
use oms_ports::error::{PlaceError, ReviseError};
use oms_ports::store::Store;

use crate::fixtures::{
    actor, at, customer, draft, email, given_product, name, order_id, place_won, placed,
    product_id, qty, revise_ok, shipping_address, stock_of, unplaced_order,
};

cases! {
    pub async fn placing_takes_stock_prices_lines_and_creates_the_customer<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 1_250, 10).await;
        let pot = given_product(&store, 2, "Teapot", 3_000, 2).await;
        let order = placed(&store, draft(1, "ann@example.com", &[(mug, 3), (pot, 2)])).await;

        assert_eq!(order.status(), OrderStatus::Pending);
        assert_eq!(order.version(), 1);
        assert_eq!(order.total().minor(), 3 * 1_250 + 2 * 3_000);
        let lines: Vec<_> = order
            .lines()
            .iter()
            .map(|l| {
                (
                    l.product_id(),
                    l.name().to_string(),
                    l.unit_price().minor(),
                    l.quantity().get(),
                )
            })
            .collect();
        assert_eq!(
            lines,
            vec![
                (mug, "Mug".to_owned(), 1_250, 3),
                (pot, "Teapot".to_owned(), 3_000, 2)
            ]
        );
        assert_eq!(
            (stock_of(&store, mug).await, stock_of(&store, pot).await),
            (7, 0)
        );

        let customer = store
            .find_customer_by_email(&email("ann@example.com"))
            .await
            .unwrap()
            .expect("the customer was created with the order");
        assert_eq!(order.customer().id, customer.id);
        assert_eq!(store.get_order(order.id()).await.unwrap(), Some(order));
    }

    pub async fn an_order_keeps_its_shipping_address_through_reads_the_log_and_revisions<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 1_250, 10).await;
        let start = store.tail().await.unwrap();
        let mut with = draft(1, "ann@example.com", &[(mug, 1)]);
        with.shipping_address = Some(shipping_address());
        let order = placed(&store, with).await;
        let without = placed(&store, draft(2, "bo@example.com", &[(mug, 1)])).await;

        assert_eq!(order.shipping_address(), Some(&shipping_address()));
        let stored = store.get_order(order.id()).await.unwrap().unwrap();
        assert_eq!(stored.shipping_address(), Some(&shipping_address()));
        let stored = store.get_order(without.id()).await.unwrap().unwrap();
        assert_eq!(stored.shipping_address(), None);

        let page = store.read_after(&start, 10).await.unwrap();
        let OrderEvent::Placed(first) = &page.events[0].event else {
            panic!("the first event is {:?}", page.events[0].event);
        };
        assert_eq!(first.order.shipping_address(), Some(&shipping_address()));

        let mut confirmed = order.clone();
        confirmed
            .change_status(OrderStatus::Confirmed, actor(1, Role::Staff), at(5))
            .unwrap();
        let revised = revise_ok(&store, OrderRevision {
                order: confirmed,
                expected_version: order.version(),
            })
            .await;
        assert_eq!(revised.shipping_address(), Some(&shipping_address()));
        let stored = store.get_order(order.id()).await.unwrap().unwrap();
        assert_eq!(stored.shipping_address(), Some(&shipping_address()));
    }

    pub async fn placing_for_a_known_email_reuses_the_customer<S: Store>(store: S) {
        let known = customer(5, "Ann Lee", "ann@example.com");
        store.insert_customer(&known).await.unwrap();
        let mug = given_product(&store, 1, "Mug", 100, 10).await;
        let order = placed(&store, draft(1, "ANN@example.com", &[(mug, 1)])).await;
        assert_eq!(order.customer().id, known.id);
        assert_eq!(
            order.customer().name,
            known.name,
            "the stored name is snapshotted"
        );
    }

    pub async fn an_unknown_product_writes_nothing<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 10).await;
        let result = store
            .place(draft(
                1,
                "ann@example.com",
                &[(mug, 2), (product_id(404), 1)],
            ))
            .await;
        assert!(
            matches!(result, Err(PlaceError::UnknownProduct(p)) if p == product_id(404)),
            "{result:?}"
        );
        assert_eq!(stock_of(&store, mug).await, 10);
        assert_eq!(store.get_order(order_id(1)).await.unwrap(), None);
        assert_eq!(
            store
                .find_customer_by_email(&email("ann@example.com"))
                .await
                .unwrap(),
            None
        );
    }

    pub async fn an_idempotent_retry_returns_the_first_order<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 10).await;
        let claim = |fingerprint: &str| IdempotencyClaim {
            key: IdempotencyKey::parse("retry-1").unwrap(),
            fingerprint: RequestFingerprint::new(fingerprint.to_owned()),
        };
        let mut first = draft(1, "ann@example.com", &[(mug, 2)]);
        first.idempotency = Some(claim("same"));
        let original = placed(&store, first).await;

        let mut retry = draft(2, "ann@example.com", &[(mug, 2)]);
        retry.idempotency = Some(claim("same"));
        let replay = place_won(&store, &retry).await.unwrap();
        assert!(replay.replayed);
        assert_eq!(replay.order, original);
        assert_eq!(stock_of(&store, mug).await, 8, "stock taken once");
        assert_eq!(store.get_order(order_id(2)).await.unwrap(), None);

        let mut reuse = draft(3, "ann@example.com", &[(mug, 5)]);
        reuse.idempotency = Some(claim("different"));
        assert!(matches!(
            place_won(&store, &reuse).await,
            Err(PlaceError::KeyReused)
        ));
        assert_eq!(stock_of(&store, mug).await, 8);

        let mut other_user = draft(4, "bob@example.com", &[(mug, 1)]);
        other_user.placed_by = actor(2, Role::Customer);
        other_user.idempotency = Some(claim("different"));
        let theirs = place_won(&store, &other_user).await.unwrap();
        assert!(
            !theirs.replayed,
            "keys are scoped to the user who sent them"
        );
        assert_eq!(stock_of(&store, mug).await, 7);
    }

    pub async fn a_revision_is_compare_and_set<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 10).await;
        let order = placed(&store, draft(1, "ann@example.com", &[(mug, 1)])).await;
        let staff = actor(1, Role::Staff);

        let mut confirmed = order.clone();
        confirmed
            .change_status(OrderStatus::Confirmed, staff, at(5))
            .unwrap();
        let written = revise_ok(&store, OrderRevision {
                order: confirmed.clone(),
                expected_version: 1,
            }).await;
        assert_eq!(written, confirmed);

        let mut stale = order.clone();
        stale
            .change_status(OrderStatus::Cancelled, staff, at(6))
            .unwrap();
        let err = store
            .revise(OrderRevision {
                order: stale,
                expected_version: 1,
            })
            .await
            .unwrap_err();
        assert!(
            matches!(err, ReviseError::VersionMismatch { current: 2 }),
            "{err:?}"
        );
        assert_eq!(store.get_order(order.id()).await.unwrap(), Some(confirmed));
        assert_eq!(
            stock_of(&store, mug).await,
            9,
            "a refused cancel releases nothing"
        );
    }

    pub async fn a_status_change_keeps_its_reason<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 10).await;
        let order = placed(&store, draft(1, "ann@example.com", &[(mug, 1)])).await;
        let mut cancelled = order.clone();
        let reason = oms_domain::note::Note::parse("Customer called: ordered twice").unwrap();
        cancelled
            .change_status_because(OrderStatus::Cancelled, actor(1, Role::Staff), at(5), Some(reason.clone()))
            .unwrap();
        revise_ok(&store, OrderRevision {
                order: cancelled.clone(),
                expected_version: 1,
            }).await;
        let stored = store.get_order(order.id()).await.unwrap().unwrap();
        assert_eq!(stored, cancelled);
        assert_eq!(stored.history()[0].reason.as_ref(), Some(&reason));
    }

    pub async fn an_unknown_order_is_not_found<S: Store>(store: S) {
        assert_eq!(store.get_order(order_id(9)).await.unwrap(), None);

        // An order that was never placed in this store, built by the domain alone.
        let ghost = unplaced_order(9);
        let err = store
            .revise(OrderRevision {
                order: ghost,
                expected_version: 1,
            })
            .await
            .unwrap_err();
        assert!(matches!(err, ReviseError::NotFound), "{err:?}");
        assert_eq!(store.get_order(order_id(9)).await.unwrap(), None);
    }

    pub async fn racing_retries_with_one_key_place_one_order<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 50).await;
        let retries = (1..=12u128).map(|n| {
            let store = store.clone();
            let mut retry = draft(n, "ann@example.com", &[(mug, 2)]);
            retry.idempotency = Some(IdempotencyClaim {
                key: IdempotencyKey::parse("double-click").unwrap(),
                fingerprint: RequestFingerprint::new("same".to_owned()),
            });
            tokio::spawn(async move { place_won(&store, &retry).await.unwrap() })
        });
        let placements: Vec<_> = futures::future::join_all(retries)
            .await
            .into_iter()
            .map(|r| r.unwrap())
            .collect();
        let originals = placements.iter().filter(|p| !p.replayed).count();
        assert_eq!(originals, 1, "one request placed, the others replayed it");
        assert!(placements.iter().all(|p| p.order == placements[0].order));
        assert_eq!(stock_of(&store, mug).await, 48);
    }

    pub async fn racing_orders_for_a_new_address_make_one_customer<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 50).await;
        let buyers = (1..=12u128).map(|n| {
            let store = store.clone();
            tokio::spawn(async move { placed(&store, draft(n, "new@example.com", &[(mug, 1)])).await })
        });
        let orders: Vec<_> = futures::future::join_all(buyers)
            .await
            .into_iter()
            .map(|r| r.unwrap())
            .collect();
        let customers: std::collections::HashSet<_> = orders.iter().map(|o| o.customer().id).collect();
        assert_eq!(customers.len(), 1);
        let found = store
            .find_customer_by_email(&email("new@example.com"))
            .await
            .unwrap();
        assert_eq!(found.map(|c| c.id), customers.into_iter().next());
    }

    pub async fn a_revision_may_change_only_status_history_and_payment<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 10).await;
        let order = placed(&store, draft(1, "ann@example.com", &[(mug, 1)])).await;

        let mut more = OrderParts::from(&order);
        more.lines =
            vec![OrderLine::new(mug, name("Mug"), Money::from_minor(100).unwrap(), qty(5)).unwrap()];
        more.total = Money::from_minor(500).unwrap();
        more.version = 2;
        let grown = Order::restore(more).unwrap();
        let err = store
            .revise(OrderRevision {
                order: grown,
                expected_version: 1,
            })
            .await
            .unwrap_err();
        assert!(matches!(err, ReviseError::Store(_)), "{err:?}");

        let mut same_version = OrderParts::from(&order);
        same_version.payment_collected = true;
        let unversioned = Order::restore(same_version).unwrap();
        let err = store
            .revise(OrderRevision {
                order: unversioned,
                expected_version: 1,
            })
            .await
            .unwrap_err();
        assert!(
            matches!(err, ReviseError::Store(_)),
            "the version must rise: {err:?}"
        );

        assert_eq!(store.get_order(order.id()).await.unwrap(), Some(order));
        assert_eq!(stock_of(&store, mug).await, 9);
    }
}
