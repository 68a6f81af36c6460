//! What only the MongoDB store has to show: events recorded in the same
//! transaction, migrations that are safe to repeat and to race, the
//! validators and unique indexes in place, an unreachable server reported
//! as unavailable, and transient conflicts answered as contended (which the
//! use cases, shown here over this store, retry).

// Test setup that cannot go on panics on purpose: a failed step is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::TryStreamExt;
use mongodb::bson::{Document, doc};
use std::time::Duration;

use oms_app::contention::Contention;
use oms_app::orders::{CustomerInput, ItemInput, OrderService, PlaceOrder, PlaceOrderError};
use oms_app::system::{RandomIds, SystemClock};
use oms_domain::ids::ProductId;
use oms_domain::order::status::OrderStatus;
use oms_domain::user::{Actor, Role};
use oms_mongo::MongoStore;
use oms_ports::draft::OrderRevision;
use oms_ports::error::{PlaceError, StoreError};
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
async fn events_expire_after_the_configured_retention() {
    let Some(store) = support::fresh_store().await else {
        return;
    };
    let two_days = oms_ports::events::EventRetention {
        max_age: Duration::from_secs(2 * 24 * 60 * 60),
        ..Default::default()
    };
    let store = store.with_event_retention(two_days);
    store.apply_event_retention().await.unwrap();
    let indexes: Vec<Document> = store
        .database()
        .collection::<Document>("events")
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
    assert_eq!(seconds, Some(172_800), "{expiry}");
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
    assert_eq!(recorded.count_documents(doc! {}).await.unwrap(), 3);
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
    assert!(costs[0] <= 7, "{costs:?} commands per order");

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

/// The one `failCommand` failpoint is server-wide: its tests take turns.
static FAILPOINT: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A store whose client has an application name of its own (so a
/// `failCommand` failpoint hits this test's commands only), that name, and
/// a count of the commands the server failed.
async fn store_for_failpoints() -> Option<(MongoStore, String, Arc<AtomicUsize>)> {
    let app = format!("oms-failpoint-{}", uuid::Uuid::new_v4().simple());
    let failed = Arc::new(AtomicUsize::new(0));
    let (named, counter) = (app.clone(), Arc::clone(&failed));
    let store = support::fresh_store_with(move |options| {
        options.app_name = Some(named);
        options.command_event_handler = Some(mongodb::event::EventHandler::callback(
            move |event: mongodb::event::command::CommandEvent| {
                if let mongodb::event::command::CommandEvent::Failed(_) = event {
                    counter.fetch_add(1, Ordering::SeqCst);
                }
            },
        ));
    })
    .await?;
    // Setting up may fail commands on purpose (`create` on a collection a
    // later migration updates); only what follows is counted.
    failed.store(0, Ordering::SeqCst);
    Some((store, app, failed))
}

/// Arms `failCommand` for `app`; `None` (after one loud line) where the
/// server has no test commands, a failure when MongoDB tests are required.
async fn fail_commands(
    store: &MongoStore,
    app: &str,
    mode: Document,
    data: Document,
) -> Option<()> {
    let mut data = data;
    data.insert("appName", app);
    let command = doc! { "configureFailPoint": "failCommand", "mode": mode, "data": data };
    match store
        .database()
        .client()
        .database("admin")
        .run_command(command)
        .await
    {
        Ok(_) => Some(()),
        Err(e) => {
            let required = std::env::var("OMS_REQUIRE_MONGO").is_ok_and(|v| v == "1");
            assert!(
                !required,
                "OMS_REQUIRE_MONGO=1 but the server refuses failpoints: {e}"
            );
            let _ = std::io::Write::write_all(
                &mut std::io::stderr(),
                b"SKIP: failpoint test NOT RUN: the server has no test commands\n",
            );
            None
        }
    }
}

async fn count(store: &MongoStore, collection: &str) -> u64 {
    let collection = store.database().collection::<Document>(collection);
    collection.count_documents(doc! {}).await.unwrap()
}

#[tokio::test]
async fn a_transient_conflict_is_contended_and_writes_nothing() {
    let _turn = FAILPOINT.lock().await;
    let Some((store, app, failed)) = store_for_failpoints().await else {
        return;
    };
    let mug = given_product(&store, 1, "Mug", 100, 5).await;
    let Some(()) = fail_commands(&store, &app, doc! { "times": 1 }, conflict()).await else {
        return;
    };
    let outcome = store.place(draft(1, "ann@example.com", &[(mug, 2)])).await;
    assert!(
        matches!(outcome, Err(PlaceError::Store(StoreError::Contended))),
        "{outcome:?}"
    );
    assert_eq!(
        failed.load(Ordering::SeqCst),
        1,
        "tried once: retrying is the use case's"
    );
    assert_eq!(count(&store, "orders").await, 0);
    assert_eq!(count(&store, "events").await, 0);
    assert_eq!(oms_store_contract::fixtures::stock_of(&store, mug).await, 5);
}

#[tokio::test]
async fn the_use_case_retries_a_transient_conflict_and_places_the_order_once() {
    let _turn = FAILPOINT.lock().await;
    let Some((store, app, failed)) = store_for_failpoints().await else {
        return;
    };
    let mug = given_product(&store, 1, "Mug", 100, 5).await;
    let Some(()) = fail_commands(&store, &app, doc! { "times": 2 }, conflict()).await else {
        return;
    };
    let placed = orders(&store, Contention::DEFAULT)
        .place(staff(), order_for_ann(mug, 2))
        .await
        .expect("placed on the third attempt");
    assert!(!placed.replayed);
    assert_eq!(
        failed.load(Ordering::SeqCst),
        2,
        "two attempts hit the conflict"
    );
    assert_eq!(count(&store, "orders").await, 1);
    assert_eq!(count(&store, "events").await, 1);
    assert_eq!(
        oms_store_contract::fixtures::stock_of(&store, mug).await,
        3,
        "reserved once"
    );
}

#[tokio::test]
async fn an_unknown_commit_result_is_committed_again() {
    let _turn = FAILPOINT.lock().await;
    let Some((store, app, failed)) = store_for_failpoints().await else {
        return;
    };
    let mug = given_product(&store, 1, "Mug", 100, 5).await;
    // A commit that ran out of time (50, MaxTimeMSExpired): its outcome is
    // unknown, and unlike a "shutting down" code it does not make the
    // driver wait for its next look at the server (10 s) before retrying.
    let unknown = doc! {
        "failCommands": ["commitTransaction"], "errorCode": 50,
        "errorLabels": ["UnknownTransactionCommitResult"],
    };
    let Some(()) = fail_commands(&store, &app, doc! { "times": 1 }, unknown).await else {
        return;
    };
    placed(&store, draft(1, "ann@example.com", &[(mug, 1)])).await;
    assert_eq!(
        failed.load(Ordering::SeqCst),
        1,
        "the first commit's outcome was unknown"
    );
    assert_eq!(count(&store, "orders").await, 1);
    assert_eq!(oms_store_contract::fixtures::stock_of(&store, mug).await, 4);
}

#[tokio::test]
async fn endless_conflicts_give_up_as_contended_and_write_nothing() {
    let _turn = FAILPOINT.lock().await;
    let Some((store, app, failed)) = store_for_failpoints().await else {
        return;
    };
    let mug = given_product(&store, 1, "Mug", 100, 5).await;
    let Some(()) = fail_commands(&store, &app, doc! { "times": 1000 }, conflict()).await else {
        return;
    };
    let brief = Contention {
        deadline: Duration::from_millis(300),
        ..Contention::DEFAULT
    };
    let outcome = orders(&store, brief)
        .place(staff(), order_for_ann(mug, 1))
        .await;
    assert!(failed.load(Ordering::SeqCst) > 1, "it tried more than once");
    let off = doc! { "configureFailPoint": "failCommand", "mode": "off" };
    store
        .database()
        .client()
        .database("admin")
        .run_command(off)
        .await
        .unwrap();
    assert!(
        matches!(outcome, Err(PlaceOrderError::Store(StoreError::Contended))),
        "{outcome:?}"
    );
    assert_eq!(count(&store, "orders").await, 0);
    assert_eq!(
        oms_store_contract::fixtures::stock_of(&store, mug).await,
        5,
        "nothing reserved"
    );
}

/// Another transaction wrote what this one wrote: the server's transient
/// write conflict.
fn conflict() -> Document {
    doc! {
        "failCommands": ["insert"], "errorCode": 112, "errorLabels": ["TransientTransactionError"],
    }
}

/// The order use cases over `store`, retrying lost races by `contention`.
fn orders(
    store: &MongoStore,
    contention: Contention,
) -> OrderService<MongoStore, SystemClock, RandomIds> {
    OrderService::new(store.clone(), SystemClock, RandomIds).with_contention(contention)
}

fn staff() -> Actor {
    actor(9, Role::Staff)
}

fn order_for_ann(product: ProductId, quantity: i64) -> PlaceOrder {
    PlaceOrder {
        customer: Some(CustomerInput {
            name: "Ann".to_owned(),
            email: "ann@example.com".to_owned(),
        }),
        items: vec![ItemInput {
            product_id: product.to_string(),
            quantity,
        }],
        payment_collected: false,
        idempotency_key: None,
    }
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
