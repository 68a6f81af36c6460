//! Orders with returns and refunds stored before lists and summaries kept
//! them are filled in by the migrations (0010, and 0011's tallies).

use mongodb::bson::{Document, doc};
use oms_mongo::MongoStore;
use oms_ports::query::{OrderFilter, OrderQuery};
use oms_ports::store::OrderStore;
use oms_store_contract::fixtures::{draft, given_product, placed, returned_and_refunded};

use crate::support;

#[tokio::test]
async fn orders_with_returns_and_refunds_before_they_were_kept_are_filled_in() {
    let Some(store) = support::fresh_store().await else {
        return;
    };
    let mug = given_product(&store, 1, "Mug", 250, 10).await;
    let order = returned_and_refunded(&store, 1, mug).await;
    placed(&store, draft(2, "bob@example.com", &[(mug, 1)])).await;
    // Back to what the build before them stored.
    let db = store.database();
    let orders = db.collection::<Document>("orders");
    orders.drop_index("open_returns").await.unwrap();
    orders
        .update_many(
            doc! {},
            doc! { "$unset": { "refunded": "", "openReturnSince": "" } },
        )
        .await
        .unwrap();
    db.collection::<Document>("order_tallies")
        .drop()
        .await
        .unwrap();
    db.collection::<Document>("_migrations")
        .delete_many(doc! { "_id": { "$in": ["0010_after_sale", "0011_order_tallies"] } })
        .await
        .unwrap();

    let reopened = MongoStore::with_client(db.client().clone(), db.name());
    assert_eq!(
        reopened.migrate().await.unwrap(),
        ["0010_after_sale", "0011_order_tallies"]
    );
    let open = OrderQuery {
        filter: OrderFilter {
            open_return: Some(true),
            ..OrderFilter::default()
        },
        ..OrderQuery::default()
    };
    let listed = reopened.list_orders(&open).await.unwrap();
    let ids: Vec<_> = listed
        .items
        .iter()
        .map(oms_domain::order::Order::id)
        .collect();
    assert_eq!(
        ids,
        [order.id()],
        "the open return was found in the activity"
    );
    let summary = reopened
        .summarize_orders(&OrderFilter::default())
        .await
        .unwrap();
    assert_eq!(summary.orders(), 2, "the stored orders were tallied");
    assert_eq!(summary.refunded.minor(), 100);
    assert_eq!(summary.net_revenue.minor(), 400);
}
