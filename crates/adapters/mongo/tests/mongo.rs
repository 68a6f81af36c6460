//! What only the MongoDB store has to show: events recorded in the same
//! transaction, migrations that are safe to repeat and to race, the
//! validators and unique indexes in place, an unreachable server reported
//! as unavailable; faults injected with failpoints are in `failpoints.rs`.

// Test setup that cannot go on panics on purpose: a failed step is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used)]

#[path = "mongo/after_sale.rs"]
mod after_sale;
#[path = "mongo/failpoints.rs"]
mod failpoints;
#[path = "mongo/numbers.rs"]
mod numbers;
mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::TryStreamExt;
use mongodb::bson::{Document, doc};
use std::time::Duration;

use oms_domain::order::status::OrderStatus;
use oms_domain::user::Role;
use oms_mongo::MongoStore;
use oms_ports::draft::OrderRevision;
use oms_ports::error::StoreError;
use oms_ports::store::{OrderStore, ProductStore, StoreHealth};
use oms_store_contract::fixtures::{actor, at, draft, given_product, placed, product_id};

async fn events(store: &MongoStore) -> Vec<Document> {
    let cursor = store
        .database()
        .collection::<Document>("events")
        .find(doc! {})
        .await
        .unwrap();
    cursor.try_collect().await.unwrap()
}

#[tokio::test]
async fn placing_and_cancelling_record_their_events_with_the_order() {
    let Some(store) = support::fresh_store().await else {
        return;
    };
    let mug = given_product(&store, 1, "Mug", 100, 5).await;
    let order = placed(&store, draft(1, "ann@example.com", &[(mug, 2)])).await;
    let short = store.place(draft(2, "bob@example.com", &[(mug, 9)])).await;
    assert!(short.is_err(), "a refused order records nothing");
    let mut cancelled = order.clone();
    cancelled
        .change_status(OrderStatus::Cancelled, actor(1, Role::Staff), at(10))
        .unwrap();
    store
        .revise(OrderRevision {
            order: cancelled,
            expected_version: 1,
        })
        .await
        .unwrap();

    let recorded = events(&store).await;
    let names: Vec<&str> = recorded
        .iter()
        .map(|e| e.get_str("name").unwrap())
        .collect();
    assert_eq!(names, ["orderPlaced", "orderStatusUpdated"]);
    for event in &recorded {
        assert_eq!(event.get_str("orderId").unwrap(), order.id().to_string());
    }
    assert_eq!(recorded[1].get_str("from").unwrap(), "pending");
    assert_eq!(recorded[1].get_str("to").unwrap(), "cancelled");
    assert_eq!(recorded[1].get_i64("version").unwrap(), 2);
}

#[tokio::test]
async fn events_and_idempotency_keys_expire_each_after_its_own_retention() {
    let Some(store) = support::fresh_store().await else {
        return;
    };
    let retention = oms_ports::events::EventRetention {
        max_age: Duration::from_secs(2 * 24 * 60 * 60),
        idempotency_keys: Duration::from_secs(9 * 24 * 60 * 60),
        ..Default::default()
    };
    let store = store.with_event_retention(retention);
    store.apply_retention().await.unwrap();
    assert_eq!(expiry_seconds(&store, "events").await, 172_800);
    assert_eq!(expiry_seconds(&store, "idempotency_keys").await, 777_600);
}

/// The `expireAfterSeconds` of `collection`'s expiry index.
async fn expiry_seconds(store: &MongoStore, collection: &str) -> i64 {
    let indexes: Vec<Document> = store
        .database()
        .collection::<Document>(collection)
        .list_indexes()
        .await
        .unwrap()
        .map_ok(|index| mongodb::bson::to_document(&index).unwrap())
        .try_collect()
        .await
        .unwrap();
    let expiry = indexes
        .iter()
        .find(|i| i.get_str("name") == Ok("expiry"))
        .expect("the expiry index");
    let seconds = expiry
        .get_document("options")
        .ok()
        .and_then(|o| o.get("expireAfterSeconds"))
        .or_else(|| expiry.get("expireAfterSeconds"))
        .and_then(|v| v.as_i64().or_else(|| v.as_i32().map(i64::from)));
    seconds.unwrap_or_else(|| panic!("no expiry in {expiry}"))
}

#[tokio::test]
async fn migrations_apply_once_and_may_race() {
    let Some(store) = support::empty_store().await else {
        return;
    };
    let client = store.database().client().clone();
    let name = store.database().name().to_owned();
    let racers: Vec<_> = (0..3)
        .map(|_| MongoStore::with_client(client.clone(), &name))
        .collect();
    let results = futures::future::join_all(racers.iter().map(MongoStore::migrate)).await;
    let mut applied = Vec::new();
    for result in results {
        applied.extend(result.expect("every racer finishes without error"));
    }
    assert!(
        applied.contains(&"0001_collections".to_owned()),
        "{applied:?}"
    );
    let recorded = store.database().collection::<Document>("_migrations");
    assert_eq!(
        recorded.count_documents(doc! {}).await.unwrap(),
        11,
        "one record per migration"
    );
    let indexes = store
        .database()
        .collection::<Document>("orders")
        .list_index_names()
        .await
        .unwrap();
    for index in [
        "customer_status",
        "newest",
        "status_newest",
        "customer_newest",
        "placed_by_newest",
        "number_unique",
        "open_returns",
    ] {
        assert!(
            indexes.iter().any(|i| i == index),
            "{index} missing from {indexes:?}"
        );
    }
    assert_eq!(
        store.migrate().await.unwrap(),
        Vec::<String>::new(),
        "nothing left to apply"
    );
}

#[tokio::test]
async fn validators_refuse_documents_that_break_the_schema() {
    let Some(store) = support::fresh_store().await else {
        return;
    };
    let products = store.database().collection::<Document>("products");
    let negative = doc! {
        "_id": "x", "name": "Bad", "nameKey": "bad", "price": -1_i64, "stock": 1_i64,
        "createdAt": mongodb::bson::DateTime::now(), "updatedAt": mongodb::bson::DateTime::now(),
        "version": 1_i64,
    };
    let refused = products
        .insert_one(negative)
        .await
        .expect_err("a negative price is refused");
    assert!(
        refused.to_string().contains("121")
            || refused.to_string().to_lowercase().contains("validation"),
        "{refused}"
    );
    let orders = store.database().collection::<Document>("orders");
    assert!(
        orders
            .insert_one(doc! { "_id": "y", "status": "lost" })
            .await
            .is_err()
    );
}

#[tokio::test]
async fn unique_indexes_keep_addresses_unique() {
    let Some(store) = support::fresh_store().await else {
        return;
    };
    let users = store.database().collection::<Document>("users");
    let names: Vec<String> = users.list_index_names().await.unwrap();
    assert!(names.iter().any(|n| n == "email_unique"), "{names:?}");
    let customers = store.database().collection::<Document>("customers");
    let names: Vec<String> = customers.list_index_names().await.unwrap();
    assert!(names.iter().any(|n| n == "email_unique"), "{names:?}");
}

#[tokio::test]
async fn an_unreachable_server_is_unavailable_not_a_panic() {
    // Nothing listens on port 1; this needs no test server.
    let client = mongodb::Client::with_uri_str(
        "mongodb://127.0.0.1:1/?directConnection=true&serverSelectionTimeoutMS=300",
    )
    .await
    .unwrap();
    let store = MongoStore::with_client(client, "oms_unreachable");
    assert!(matches!(
        store.ping().await,
        Err(StoreError::Unavailable(_))
    ));
    assert!(matches!(
        store.get_product(product_id(1)).await,
        Err(StoreError::Unavailable(_))
    ));
    let refused = MongoStore::connect("mongodb://127.0.0.1:1/?directConnection=true", 1).await;
    let message = refused.expect_err("no server").to_string();
    assert!(
        message.contains("did not answer after 1 attempts"),
        "{message}"
    );
}

#[tokio::test]
async fn placing_costs_the_same_round_trips_for_one_line_or_twenty_and_a_burst_shares_them() {
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&sent);
    let watch = move |options: &mut mongodb::options::ClientOptions| {
        options.command_event_handler = Some(mongodb::event::EventHandler::callback(
            move |event: mongodb::event::command::CommandEvent| {
                if let mongodb::event::command::CommandEvent::Started(started) = event
                    && !matches!(
                        started.command_name.as_str(),
                        "endSessions" | "hello" | "isMaster"
                    )
                {
                    counter.fetch_add(1, Ordering::SeqCst);
                }
            },
        ));
    };
    let Some(store) = support::fresh_store_with(watch).await else {
        return;
    };
    let mut products = Vec::new();
    for n in 1..=20 {
        products.push(given_product(&store, n, &format!("Item {n}"), 100, 50).await);
    }
    // An instance's first order also takes a range of order numbers (two
    // commands, then one per twenty orders): not what is measured here.
    placed(&store, draft(99, "first@example.com", &[(products[0], 1)])).await;
    let mut costs = Vec::new();
    for (n, lines, email) in [
        (1_u128, 1_usize, "ann@example.com"),
        (2, 20, "bob@example.com"),
    ] {
        let lines: Vec<_> = products.iter().take(lines).map(|&p| (p, 1)).collect();
        sent.store(0, Ordering::SeqCst);
        placed(&store, draft(n, email, &lines)).await;
        costs.push(sent.load(Ordering::SeqCst));
    }
    assert_eq!(
        costs[0], costs[1],
        "commands for 1 line and for 20 lines: {costs:?}"
    );
    // Snapshot reads, the stock, the order, the summary tallies, the
    // event, the commit.
    assert!(costs[0] <= 8, "{costs:?} commands per order");

    // Orders that arrive together share transactions: 32 at once cost
    // about what a few cost one by one.
    sent.store(0, Ordering::SeqCst);
    let burst = (0..32_u128).map(|n| {
        let email = format!("buyer{n}@example.com");
        placed(&store, draft(100 + n, &email, &[(products[0], 1)]))
    });
    futures::future::join_all(burst).await;
    let burst = sent.load(Ordering::SeqCst);
    assert!(
        burst <= 8 * costs[0],
        "32 orders at once took {burst} commands, one alone {}",
        costs[0]
    );
}

#[tokio::test]
async fn transactions_read_a_snapshot_and_commit_to_a_majority_s_journals_whatever_the_uri_says() {
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let kept = Arc::clone(&seen);
    let watch = move |options: &mut mongodb::options::ClientOptions| {
        // What a careless connection string would ask for.
        options.write_concern = Some(mongodb::options::WriteConcern::nodes(1));
        options.read_concern = Some(mongodb::options::ReadConcern::local());
        options.command_event_handler = Some(mongodb::event::EventHandler::callback(
            move |event: mongodb::event::command::CommandEvent| {
                if let mongodb::event::command::CommandEvent::Started(started) = event {
                    kept.lock()
                        .unwrap()
                        .push((started.command_name.clone(), started.command.clone()));
                }
            },
        ));
    };
    let Some(store) = support::fresh_store_with(watch).await else {
        return;
    };
    let mug = given_product(&store, 1, "Mug", 100, 5).await;
    seen.lock().unwrap().clear();
    placed(&store, draft(1, "ann@example.com", &[(mug, 1)])).await;
    let commands = seen.lock().unwrap().clone();
    let started = commands
        .iter()
        .find(|(_, command)| command.get_bool("startTransaction").unwrap_or(false))
        .expect("a transaction was started");
    let read = started
        .1
        .get_document("readConcern")
        .expect("a read concern");
    assert_eq!(read.get_str("level").unwrap(), "snapshot", "{read}");
    let (_, commit) = commands
        .iter()
        .find(|(name, _)| name == "commitTransaction")
        .expect("the transaction was committed");
    let concern = commit
        .get_document("writeConcern")
        .expect("a write concern");
    assert_eq!(concern.get_str("w").unwrap(), "majority", "{concern}");
    assert!(concern.get_bool("j").unwrap(), "{concern}");
}
