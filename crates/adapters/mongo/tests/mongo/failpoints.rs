//! Faults injected with the server's `failCommand` failpoint: transient
//! conflicts answered as contended (which the use cases, shown here over
//! this store, retry), and commits whose answer is lost, read back.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use mongodb::bson::{Document, doc};
use oms_app::contention::Contention;
use oms_app::orders::{CustomerInput, ItemInput, OrderService, PlaceOrder, PlaceOrderError};
use oms_app::system::{RandomIds, SystemClock};
use oms_domain::ids::ProductId;
use oms_domain::user::{Actor, Role};
use oms_mongo::MongoStore;
use oms_ports::error::{PlaceError, StoreError};
use oms_ports::store::OrderStore;
use oms_store_contract::fixtures::{actor, draft, given_product, placed};

use crate::support;

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
        shipping_address: None,
        items: vec![ItemInput {
            product_id: product.to_string(),
            quantity,
        }],
        payment_collected: false,
        idempotency_key: None,
    }
}

async fn failpoint_off(store: &MongoStore) {
    let off = doc! { "configureFailPoint": "failCommand", "mode": "off" };
    let admin = store.database().client().database("admin");
    admin.run_command(off).await.unwrap();
}

#[tokio::test]
async fn a_commit_carried_out_whose_answer_is_lost_is_read_back_and_answered_as_done() {
    let _turn = FAILPOINT.lock().await;
    let Some((store, app, _)) = store_for_failpoints().await else {
        return;
    };
    let mug = given_product(&store, 1, "Mug", 100, 5).await;
    // Every commit is carried out and then answered with a write concern
    // error: whether it took is unknown to the driver, however often it
    // commits again, as when the connection drops after the commit.
    let lost = doc! {
        "failCommands": ["commitTransaction"],
        "writeConcernError": { "code": 64, "errmsg": "waiting for replication timed out" },
    };
    let Some(()) = fail_commands(&store, &app, doc! { "times": 100 }, lost).await else {
        return;
    };
    let use_cases = orders(&store, Contention::DEFAULT);
    let placed = use_cases.place(staff(), order_for_ann(mug, 2)).await;
    let id = placed.expect("read back as placed").order.id().to_string();
    let cancelled = use_cases.cancel(staff(), &id, None).await;
    failpoint_off(&store).await;
    assert_eq!(
        cancelled.expect("read back as cancelled").version(),
        2,
        "cancelled once"
    );
    assert_eq!(count(&store, "orders").await, 1, "placed once");
    assert_eq!(count(&store, "events").await, 2, "placed, cancelled");
    assert_eq!(oms_store_contract::fixtures::stock_of(&store, mug).await, 5);
}

#[tokio::test]
async fn a_commit_whose_outcome_cannot_be_learned_is_outcome_unknown_and_its_key_places_it_once() {
    let _turn = FAILPOINT.lock().await;
    let Some((store, app, _)) = store_for_failpoints().await else {
        return;
    };
    let mug = given_product(&store, 1, "Mug", 100, 5).await;
    // The commit's answer is lost and the session cannot be ended, so a
    // read back could not be trusted.
    let unknowable = doc! {
        "failCommands": ["commitTransaction", "killSessions"], "errorCode": 50,
        "errorLabels": ["UnknownTransactionCommitResult"],
    };
    let Some(()) = fail_commands(&store, &app, doc! { "times": 100 }, unknowable).await else {
        return;
    };
    let use_cases = orders(&store, Contention::DEFAULT);
    let keyed = PlaceOrder {
        idempotency_key: Some("checkout-7".to_owned()),
        ..order_for_ann(mug, 2)
    };
    let unknown = use_cases.place(staff(), keyed.clone()).await;
    failpoint_off(&store).await;
    assert!(
        matches!(
            unknown,
            Err(PlaceOrderError::Store(StoreError::OutcomeUnknown(_)))
        ),
        "{unknown:?}"
    );
    let sent_again = use_cases.place(staff(), keyed.clone()).await.unwrap();
    let once_more = use_cases.place(staff(), keyed).await.unwrap();
    assert!(once_more.replayed);
    assert_eq!(once_more.order.id(), sent_again.order.id());
    assert_eq!(count(&store, "orders").await, 1);
    assert_eq!(oms_store_contract::fixtures::stock_of(&store, mug).await, 3);
}

#[tokio::test]
async fn a_commit_not_answered_by_the_deadline_is_ended_and_read_back_as_not_done() {
    let _turn = FAILPOINT.lock().await;
    let Some((store, app, _)) = store_for_failpoints().await else {
        return;
    };
    let store = store.with_write_limits(oms_commit::group::Limits {
        deadline: Duration::from_secs(1),
        ..oms_commit::group::Limits::default()
    });
    let mug = given_product(&store, 1, "Mug", 100, 5).await;
    let slow = doc! {
        "failCommands": ["commitTransaction"], "blockConnection": true, "blockTimeMS": 2500,
    };
    let Some(()) = fail_commands(&store, &app, doc! { "times": 1 }, slow).await else {
        return;
    };
    let started = tokio::time::Instant::now();
    let outcome = store.place(draft(1, "ann@example.com", &[(mug, 2)])).await;
    let answered_in = started.elapsed();
    // The blocked commit reaches the server after the session was ended.
    tokio::time::sleep(Duration::from_secs(3)).await;
    failpoint_off(&store).await;
    assert!(
        matches!(outcome, Err(PlaceError::Store(StoreError::Unavailable(_)))),
        "{outcome:?}"
    );
    assert!(answered_in < Duration::from_millis(1500), "{answered_in:?}");
    assert_eq!(count(&store, "orders").await, 0);
    assert_eq!(oms_store_contract::fixtures::stock_of(&store, mug).await, 5);
}
