//! The order port's reads over many orders: lists (newest first, filtered,
//! paged by cursor) and summaries.

use oms_domain::order::status::OrderStatus;
use oms_domain::user::Role;
use oms_ports::draft::OrderRevision;
use oms_ports::query::{OrderCursor, OrderFilter, OrderQuery, PageLimit};
use oms_ports::store::Store;

use crate::fixtures::{actor, at, draft, given_product, order_id, placed, revise_ok};

cases! {
    pub async fn orders_are_listed_newest_first_and_paged<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 100).await;
        for n in 1..=5 {
            placed(&store, draft(n, "ann@example.com", &[(mug, 1)])).await;
        }
        let mut query = OrderQuery {
            limit: PageLimit::new(2).unwrap(),
            ..OrderQuery::default()
        };
        let mut seen = Vec::new();
        for _ in 0..10 {
            let page = store.list_orders(&query).await.unwrap();
            seen.extend(page.items.iter().map(|o| o.id()));
            match page.next {
                Some(next) => query.after = Some(next),
                None => break,
            }
        }
        let expected: Vec<_> = (1..=5).rev().map(order_id).collect();
        assert_eq!(seen, expected, "newest first, no repeats, no gaps");
    }

    pub async fn orders_are_filtered_by_status_customer_placer_and_time<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 100).await;
        let first = placed(&store, draft(10, "ann@example.com", &[(mug, 1)])).await;
        let mut by_customer = draft(20, "bob@example.com", &[(mug, 1)]);
        by_customer.placed_by = actor(2, Role::Customer);
        let bobs = placed(&store, by_customer).await;
        let third = placed(&store, draft(30, "ann@example.com", &[(mug, 1)])).await;

        let mut confirmed = third.clone();
        confirmed
            .change_status(OrderStatus::Confirmed, actor(1, Role::Staff), at(40))
            .unwrap();
        revise_ok(&store, OrderRevision {
                order: confirmed,
                expected_version: 1,
            }).await;

        let ids = |filter: OrderFilter| {
            let store = store.clone();
            async move {
                let query = OrderQuery {
                    filter,
                    ..OrderQuery::default()
                };
                let page = store.list_orders(&query).await.unwrap();
                page.items.iter().map(|o| o.id()).collect::<Vec<_>>()
            }
        };
        let status = OrderFilter {
            status: Some(OrderStatus::Pending),
            ..OrderFilter::default()
        };
        assert_eq!(ids(status).await, vec![bobs.id(), first.id()]);
        let customer = OrderFilter {
            customer: Some(first.customer().id),
            ..OrderFilter::default()
        };
        assert_eq!(ids(customer).await, vec![third.id(), first.id()]);
        let placer = OrderFilter {
            placed_by: Some(actor(2, Role::Customer).user),
            ..OrderFilter::default()
        };
        assert_eq!(ids(placer).await, vec![bobs.id()]);
        let window = OrderFilter {
            created_from: Some(at(20)),
            created_to: Some(at(30)),
            ..OrderFilter::default()
        };
        assert_eq!(
            ids(window).await,
            vec![bobs.id()],
            "from is inclusive, to exclusive"
        );
        let combined = OrderFilter {
            status: Some(OrderStatus::Pending),
            created_from: Some(at(15)),
            ..OrderFilter::default()
        };
        assert_eq!(ids(combined).await, vec![bobs.id()]);
    }

    pub async fn a_cursor_before_the_window_selects_nothing<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 10).await;
        let early = placed(&store, draft(10, "ann@example.com", &[(mug, 1)])).await;
        placed(&store, draft(30, "bob@example.com", &[(mug, 1)])).await;
        let query = OrderQuery {
            filter: OrderFilter {
                created_from: Some(at(20)),
                ..OrderFilter::default()
            },
            after: Some(OrderCursor {
                created_at: early.created_at(),
                id: early.id(),
            }),
            ..OrderQuery::default()
        };
        let page = store.list_orders(&query).await.unwrap();
        assert_eq!((page.items.len(), page.next), (0, None));
    }

    pub async fn orders_are_summarized_by_status_with_paid_revenue_and_what_is_outstanding<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 250, 100).await;
        let mut paid = draft(10, "ann@example.com", &[(mug, 2)]);
        paid.payment_collected = true;
        let first = placed(&store, paid).await;
        let mut by_customer = draft(20, "bob@example.com", &[(mug, 1)]);
        by_customer.placed_by = actor(2, Role::Customer);
        placed(&store, by_customer).await;
        let third = placed(&store, draft(30, "ann@example.com", &[(mug, 4)])).await;
        let mut cancelled = third.clone();
        cancelled
            .change_status(OrderStatus::Cancelled, actor(1, Role::Staff), at(40))
            .unwrap();
        revise_ok(&store, OrderRevision {
                order: cancelled,
                expected_version: 1,
            }).await;

        let all = store
            .summarize_orders(&OrderFilter::default())
            .await
            .unwrap();
        assert_eq!(all.count(OrderStatus::Pending), 2);
        assert_eq!(all.count(OrderStatus::Cancelled), 1);
        assert_eq!(all.count(OrderStatus::Shipped), 0);
        assert_eq!(all.orders(), 3);
        assert_eq!(all.revenue.minor(), 500, "the 2 paid mugs");
        assert_eq!(
            all.outstanding.minor(),
            250,
            "the 1 unpaid mug; the cancelled 4 count nowhere"
        );

        let window = OrderFilter {
            created_from: Some(at(20)),
            created_to: Some(at(31)),
            ..OrderFilter::default()
        };
        let late = store.summarize_orders(&window).await.unwrap();
        assert_eq!(late.orders(), 2, "from is inclusive, to exclusive");
        assert_eq!((late.revenue.minor(), late.outstanding.minor()), (0, 250));

        let anns = OrderFilter {
            customer: Some(first.customer().id),
            status: Some(OrderStatus::Pending),
            ..OrderFilter::default()
        };
        let ann = store.summarize_orders(&anns).await.unwrap();
        assert_eq!((ann.orders(), ann.revenue.minor()), (1, 500));

        let bobs = OrderFilter {
            placed_by: Some(actor(2, Role::Customer).user),
            ..OrderFilter::default()
        };
        assert_eq!(store.summarize_orders(&bobs).await.unwrap().orders(), 1);

        let none = OrderFilter {
            created_from: Some(at(1000)),
            ..OrderFilter::default()
        };
        let empty = store.summarize_orders(&none).await.unwrap();
        assert_eq!(
            (empty.orders(), empty.revenue.minor(), empty.outstanding.minor()),
            (0, 0, 0)
        );
    }
}
