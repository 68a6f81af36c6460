//! Order numbers on MongoDB: instances take ranges from one counter, so two
//! of them never give one number twice; orders stored before numbers are
//! numbered by the migration.

use std::collections::HashSet;

use mongodb::bson::{Document, doc};
use oms_mongo::MongoStore;
use oms_ports::events::EventLog;
use oms_ports::store::OrderStore;
use oms_store_contract::fixtures::{draft, given_product, placed};

use crate::support;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_never_give_one_number_twice() {
    let Some(one) = support::fresh_store().await else {
        return;
    };
    let client = one.database().client().clone();
    let two = MongoStore::with_client(client, one.database().name());
    let mug = given_product(&one, 1, "Mug", 100, 1_000).await;
    let buyers = (1..=64u128).map(|n| {
        let store = if n % 2 == 0 { one.clone() } else { two.clone() };
        let address = format!("buyer{n}@example.com");
        tokio::spawn(async move {
            let order = placed(&store, draft(n, &address, &[(mug, 1)])).await;
            (n % 2, order.number().get())
        })
    });
    let mut by_instance: [Vec<u64>; 2] = [Vec::new(), Vec::new()];
    let mut all = HashSet::new();
    for placed in futures::future::join_all(buyers).await {
        let (instance, number) = placed.unwrap();
        assert!(all.insert(number), "{number} given twice");
        by_instance[usize::try_from(instance).unwrap()].push(number);
    }
    assert_eq!(all.len(), 64);
    for numbers in &by_instance {
        assert_eq!(numbers.len(), 32);
        assert!(numbers.iter().all(|&n| n >= 1001));
    }
}

#[tokio::test]
async fn orders_stored_before_numbers_are_numbered_in_the_order_placed() {
    let Some(store) = support::fresh_store().await else {
        return;
    };
    let start = store.tail().await.unwrap();
    let mug = given_product(&store, 1, "Mug", 100, 10).await;
    let older = placed(&store, draft(1, "ann@example.com", &[(mug, 1)])).await;
    let newer = placed(&store, draft(2, "bob@example.com", &[(mug, 1)])).await;
    // Back to what the build before numbers stored.
    let db = store.database();
    let orders = db.collection::<Document>("orders");
    orders.drop_index("number_unique").await.unwrap();
    orders
        .update_many(
            doc! {},
            doc! { "$unset": { "number": "", "customer.nameKey": "" } },
        )
        .await
        .unwrap();
    db.collection::<Document>("events")
        .update_many(
            doc! {},
            doc! { "$unset": { "orderNumber": "", "order.number": "", "order.customer.nameKey": "" } },
        )
        .await
        .unwrap();
    db.collection::<Document>("counters").drop().await.unwrap();
    db.collection::<Document>("_migrations")
        .delete_one(doc! { "_id": "0004_order_numbers" })
        .await
        .unwrap();

    let reopened = MongoStore::with_client(db.client().clone(), db.name());
    assert_eq!(
        reopened.migrate().await.unwrap(),
        ["0004_order_numbers"],
        "only the numbering applies"
    );
    let number = |id| {
        let store = reopened.clone();
        async move { store.get_order(id).await.unwrap().unwrap().number().get() }
    };
    assert_eq!(number(older.id()).await, 1001);
    assert_eq!(number(newer.id()).await, 1002);
    let logged = reopened.read_after(&start, 10).await.unwrap();
    let told: Vec<u64> = logged
        .events
        .iter()
        .map(|e| e.event.order_number().get())
        .collect();
    assert_eq!(told, [1001, 1002], "the events tell the numbers given");
    let next = placed(&reopened, draft(3, "cy@example.com", &[(mug, 1)])).await;
    assert!(next.number().get() > 1002, "{}", next.number());
}
