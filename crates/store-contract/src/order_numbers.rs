//! Order numbers: every placed order has one, unique in the store and given
//! in increasing order of commit; an order is found by it, and a list is
//! searched by number, the customer's name or e-mail address.

use std::collections::HashSet;

use oms_domain::event::OrderEvent;
use oms_domain::order::number::OrderNumber;
use oms_ports::query::{OrderFilter, OrderQuery, OrderSearch, SearchText};
use oms_ports::store::Store;

use crate::events::everything_after;
use crate::fixtures::{draft, given_product, name, place_won, placed};

fn number(n: u64) -> OrderNumber {
    OrderNumber::new(n).unwrap()
}

/// The numbers of the orders `q` finds, newest first.
async fn found<S: Store>(store: &S, q: &str) -> Vec<u64> {
    let query = OrderQuery {
        filter: OrderFilter {
            search: Some(OrderSearch::new(SearchText::new(q).unwrap())),
            ..OrderFilter::default()
        },
        ..OrderQuery::default()
    };
    let page = store.list_orders(&query).await.unwrap();
    page.items.iter().map(|o| o.number().get()).collect()
}

cases! {
    pub async fn orders_are_numbered_from_1001_and_found_by_number<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 2).await;
        let first = placed(&store, draft(1, "ann@example.com", &[(mug, 1)])).await;
        let refused = place_won(&store, &draft(2, "bob@example.com", &[(mug, 5)])).await;
        assert!(refused.is_err(), "{refused:?}");
        let second = placed(&store, draft(3, "cy@example.com", &[(mug, 1)])).await;
        assert_eq!(first.number(), OrderNumber::FIRST);
        assert_eq!(second.number(), number(1002), "a refused order takes no number");
        let read = store.get_order(second.id()).await.unwrap().unwrap();
        assert_eq!(read.number(), second.number(), "the number is stored");
        let by_number = store.find_order_by_number(number(1002)).await.unwrap();
        assert_eq!(by_number, Some(second));
        assert_eq!(store.find_order_by_number(number(1003)).await.unwrap(), None);
    }

    pub async fn concurrent_orders_get_unique_numbers_increasing_in_commit_order<S: Store>(
        store: S,
    ) {
        let start = store.tail().await.unwrap();
        let mug = given_product(&store, 1, "Mug", 100, 1_000).await;
        let buyers = (1..=64u128).map(|n| {
            let store = store.clone();
            let address = format!("buyer{n}@example.com");
            tokio::spawn(async move { placed(&store, draft(n, &address, &[(mug, 1)])).await })
        });
        let mut orders = Vec::new();
        for order in futures::future::join_all(buyers).await {
            orders.push(order.unwrap());
        }
        let numbers: HashSet<u64> = orders.iter().map(|o| o.number().get()).collect();
        assert_eq!(numbers.len(), 64, "no number given twice");
        assert!(numbers.iter().all(|&n| n >= OrderNumber::FIRST.get()));
        let logged: Vec<u64> = everything_after(&store, &start, 100)
            .await
            .iter()
            .filter_map(|e| match &e.event {
                OrderEvent::Placed(p) => Some(p.order.number().get()),
                _ => None,
            })
            .collect();
        assert_eq!(logged.len(), 64);
        assert!(
            logged.windows(2).all(|w| w[0] < w[1]),
            "numbers rise in the order the store committed them: {logged:?}"
        );
    }

    pub async fn orders_are_searched_by_number_name_or_email<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 100).await;
        let mut ann = draft(1, "ann.lee@example.com", &[(mug, 1)]);
        ann.customer.name = name("Ann Lee");
        let mut zoe = draft(2, "zoe@shop.example", &[(mug, 1)]);
        zoe.customer.name = name("Zoë Ärger");
        let mut numbered = draft(3, "n1001@example.com", &[(mug, 1)]);
        numbered.customer.name = name("Cy Dee");
        let (ann, zoe, cy) = (
            placed(&store, ann).await,
            placed(&store, zoe).await,
            placed(&store, numbered).await,
        );
        let (ann, zoe, cy) = (ann.number().get(), zoe.number().get(), cy.number().get());
        assert_eq!(found(&store, "LEE").await, [ann], "names, case-blind");
        assert_eq!(found(&store, "ärger").await, [zoe], "beyond ASCII");
        assert_eq!(found(&store, "shop.exam").await, [zoe], "part of an address");
        assert_eq!(found(&store, "#1002").await, [zoe], "a number as people write it");
        assert_eq!(found(&store, "1001").await, [cy, ann], "the number, or an address holding it");
        assert_eq!(found(&store, "1004").await, Vec::<u64>::new());
        assert_eq!(found(&store, "a.*").await, Vec::<u64>::new(), "text, never a pattern");

        let lee = OrderFilter {
            search: Some(OrderSearch::new(SearchText::new("lee").unwrap())),
            ..OrderFilter::default()
        };
        let summary = store.summarize_orders(&lee).await.unwrap();
        assert_eq!(summary.orders(), 1, "the summary counts what the search finds");
    }
}
