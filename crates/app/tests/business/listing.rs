//! Listing orders: order, paging, filters, and who sees what.

use oms_app::list::ListError;
use oms_app::orders::ListOrders;
use oms_domain::invalid::Invalid;
use oms_domain::order::Order;

use crate::support::{World, staff, world};

async fn with_orders(n: usize) -> (World, Vec<Order>) {
    let w = world();
    let mug = w.product("Mug", 100, 1_000).await;
    let mut orders = Vec::new();
    for i in 0..n {
        let email = if i % 2 == 0 {
            "ann@example.com"
        } else {
            "bob@example.com"
        };
        orders.push(w.place(email, &[(&mug, 1)]).await.unwrap());
    }
    (w, orders)
}

fn ids(orders: &[Order]) -> Vec<String> {
    orders.iter().map(|o| o.id().to_string()).collect()
}

#[tokio::test]
async fn orders_come_newest_first_in_pages_linked_by_a_cursor() {
    let (w, orders) = with_orders(5).await;
    let mut request = ListOrders {
        limit: Some(2),
        ..ListOrders::default()
    };
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = w.orders.list(staff(), &request).await.unwrap();
        seen.extend(ids(&page.items));
        pages += 1;
        match page.next_cursor {
            Some(cursor) => request.cursor = Some(cursor),
            None => break,
        }
        assert!(pages < 10, "paging does not end");
    }
    let mut newest_first = ids(&orders);
    newest_first.reverse();
    assert_eq!((seen, pages), (newest_first, 3));
}

#[tokio::test]
async fn orders_are_filtered_by_status_customer_and_creation_time() {
    let (w, orders) = with_orders(4).await;
    w.orders
        .cancel(staff(), &orders[1].id().to_string(), None)
        .await
        .unwrap();

    let cancelled = ListOrders {
        status: Some("cancelled".to_owned()),
        ..ListOrders::default()
    };
    assert_eq!(
        ids(&w.orders.list(staff(), &cancelled).await.unwrap().items),
        ids(&orders[1..2])
    );

    let anns = ListOrders {
        customer_id: Some(orders[0].customer().id.to_string()),
        ..ListOrders::default()
    };
    let found = w.orders.list(staff(), &anns).await.unwrap().items;
    assert_eq!(
        ids(&found),
        vec![orders[2].id().to_string(), orders[0].id().to_string()]
    );

    let window = ListOrders {
        from: Some(orders[1].created_at().to_string()),
        to: Some(orders[3].created_at().to_string()),
        ..ListOrders::default()
    };
    let found = w.orders.list(staff(), &window).await.unwrap().items;
    assert_eq!(
        ids(&found),
        vec![orders[2].id().to_string(), orders[1].id().to_string()],
        "from inclusive, to exclusive"
    );
}

#[tokio::test]
async fn a_customer_sees_only_the_orders_it_placed() {
    let (w, _) = with_orders(3).await;
    let mug = w.product("Cup", 100, 10).await;
    let zoe = w.customer_user("Zoe", "zoe@example.com").await;
    let mut cmd = crate::support::order_for("zoe@example.com", &[(&mug, 1)]);
    cmd.customer = None;
    let own = w.orders.place(zoe, cmd).await.unwrap().order;

    let all = w.orders.list(zoe, &ListOrders::default()).await.unwrap();
    assert_eq!(ids(&all.items), vec![own.id().to_string()]);
    assert_eq!(
        w.orders
            .list(staff(), &ListOrders::default())
            .await
            .unwrap()
            .items
            .len(),
        4
    );
}

fn invalid(result: Result<oms_app::list::PageOf<Order>, ListError>) -> Invalid {
    match result {
        Err(ListError::Invalid(e)) => e,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test]
async fn every_malformed_filter_is_named() {
    let w = world();
    let request = ListOrders {
        status: Some("lost".to_owned()),
        customer_id: Some("{\"$gt\": \"\"}".to_owned()),
        from: Some("yesterday".to_owned()),
        to: Some("2026-11-25".to_owned()),
        q: Some("x".repeat(101)),
        has_open_return: Some("yes".to_owned()),
        limit: Some(0),
        cursor: Some("not-a-cursor".to_owned()),
    };
    let err = invalid(w.orders.list(staff(), &request).await);
    let fields: Vec<_> = err.errors().iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "status",
            "customerId",
            "from",
            "to",
            "q",
            "hasOpenReturn",
            "limit",
            "cursor"
        ]
    );
}

#[tokio::test]
async fn a_window_that_ends_before_it_starts_or_an_oversized_page_is_refused() {
    let w = world();
    let backwards = ListOrders {
        from: Some("2026-11-25T10:00:00Z".to_owned()),
        to: Some("2026-11-25T09:00:00Z".to_owned()),
        ..ListOrders::default()
    };
    assert!(invalid(w.orders.list(staff(), &backwards).await).names("to"));
    let huge = ListOrders {
        limit: Some(101),
        ..ListOrders::default()
    };
    assert!(invalid(w.orders.list(staff(), &huge).await).names("limit"));
}
