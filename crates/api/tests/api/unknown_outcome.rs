//! Commits whose answer is lost, on MongoDB through the API: the server
//! reads back what the commit did and answers that, and says
//! `outcome_unknown` only when it cannot learn it. Each runs a test server
//! of its own (see `mongo.rs`), its failpoints reaching no other test.

use mongodb::bson::{Document, doc};
use oms_mongo::MongoStore;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, problem, spawn};
use crate::mongo::TestServer;

async fn app_on(server: &TestServer, database: &str) -> (TestApp, MongoStore) {
    let store = MongoStore::connect(&server.uri(database), 20)
        .await
        .unwrap();
    store.migrate().await.unwrap();
    (spawn(&[], store.clone()).await, store)
}

async fn failpoint(store: &MongoStore, mode: Document, data: Document) {
    let command = doc! { "configureFailPoint": "failCommand", "mode": mode, "data": data };
    let admin = store.database().client().database("admin");
    admin.run_command(command).await.unwrap();
}

async fn orders_of(app: &TestApp) -> Vec<Value> {
    crate::buyers::all_orders(&app.http, &app.base, &app.admin).await
}

fn order_of(product: &str) -> Value {
    json!({
        "customer": { "name": "Pat Buyer", "email": "pat@shop.example" },
        "items": [{ "productId": product, "quantity": 2 }],
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_commit_carried_out_whose_answer_is_lost_is_answered_as_done_and_stored_once() {
    let Some(server) = TestServer::start() else {
        return;
    };
    let (app, store) = app_on(&server, "oms_lost_answer").await;
    let product = app.product("Lost Answer Mug", 300, 10).await;
    // Every commit is carried out, then answered with a write concern
    // error: as when the connection drops after the commit.
    let lost = doc! {
        "failCommands": ["commitTransaction"],
        "writeConcernError": { "code": 64, "errmsg": "waiting for replication timed out" },
    };
    failpoint(&store, doc! { "times": 1000 }, lost).await;
    let placed = app
        .post("/api/orders", Some(&app.staff), &order_of(&product))
        .await;
    assert_eq!(placed.status(), StatusCode::CREATED);
    let placed: Value = placed.json().await.unwrap();
    let id = placed["id"].as_str().unwrap();
    let cancel = json!({ "status": "cancelled", "expectedVersion": 1 });
    let cancelled = app.set_status(&app.staff, id, &cancel).await;
    assert_eq!(cancelled.status(), StatusCode::OK);
    // Its client never heard that answer and sends the cancel again.
    let again = app.set_status(&app.staff, id, &cancel).await;
    assert_eq!(again.status(), StatusCode::OK, "a repeat is not a conflict");
    let again: Value = again.json().await.unwrap();
    failpoint(&store, doc! { "times": 0 }, doc! {}).await;
    assert_eq!(again["status"], "cancelled");
    assert_eq!(again["version"], 2);
    let stored = orders_of(&app).await;
    assert_eq!(stored.len(), 1, "placed once");
    assert_eq!(
        app.stock_of(&product).await,
        10,
        "reserved and released once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outcome_that_cannot_be_learned_is_outcome_unknown_and_the_key_places_it_once() {
    let Some(server) = TestServer::start() else {
        return;
    };
    let (app, store) = app_on(&server, "oms_unknowable").await;
    let product = app.product("Unknowable Mug", 300, 10).await;
    // The commit's answer is lost and the session cannot be ended, so no
    // read back could be trusted.
    let unknowable = doc! {
        "failCommands": ["commitTransaction", "killSessions"], "errorCode": 50,
        "errorLabels": ["UnknownTransactionCommitResult"],
    };
    failpoint(&store, doc! { "times": 1000 }, unknowable).await;
    let send = || async {
        app.http
            .request(Method::POST, app.url("/api/orders"))
            .bearer_auth(&app.staff)
            .header("Idempotency-Key", "checkout-42")
            .json(&order_of(&product))
            .send()
            .await
            .unwrap()
    };
    let unknown = send().await;
    failpoint(&store, doc! { "times": 0 }, doc! {}).await;
    assert_eq!(
        unknown.headers().get("retry-after").unwrap(),
        "1",
        "says when to send again"
    );
    let unknown = problem(unknown, 503).await;
    assert_eq!(unknown["code"], "outcome_unknown");
    let sent_again = send().await;
    assert_eq!(sent_again.status(), StatusCode::CREATED);
    let replayed = send().await;
    assert_eq!(
        replayed.headers().get("idempotent-replayed").unwrap(),
        "true"
    );
    assert_eq!(orders_of(&app).await.len(), 1, "placed once");
    assert_eq!(app.stock_of(&product).await, 8);
}
