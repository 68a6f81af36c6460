//! Stock under contention: never oversold, never negative, released once,
//! and conserved however operations interleave.

use std::collections::HashMap;

use oms_domain::order::Order;
use oms_domain::order::status::OrderStatus;
use oms_domain::product::{ProductChange, StockChange};
use oms_domain::user::Role;
use oms_ports::draft::OrderRevision;
use oms_ports::error::{PlaceError, ReviseError};
use oms_ports::query::{OrderQuery, PageLimit};
use oms_ports::store::Store;

use crate::fixtures::{
    actor, at, draft, email, given_product, order_id, place_won, placed, revise_won, stock_of,
    until_won,
};

/// A small deterministic generator, so a failure replays identically.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

pub(crate) async fn all_orders<S: Store>(store: &S) -> Vec<Order> {
    let mut query = OrderQuery {
        limit: PageLimit::new(PageLimit::MAX).unwrap(),
        ..OrderQuery::default()
    };
    let mut orders = Vec::new();
    loop {
        let page = store.list_orders(&query).await.unwrap();
        orders.extend(page.items);
        match page.next {
            Some(next) => query.after = Some(next),
            None => return orders,
        }
    }
}

cases! {
    pub async fn a_short_line_writes_nothing<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 10).await;
        let pot = given_product(&store, 2, "Teapot", 900, 1).await;
        let result = store
            .place(draft(1, "ann@example.com", &[(mug, 3), (pot, 2)]))
            .await;
        match result {
            Err(PlaceError::OutOfStock {
                product,
                name,
                requested,
                available,
            }) => {
                assert_eq!(product, pot);
                assert_eq!(name.as_str(), "Teapot");
                assert_eq!((requested.get(), available.units()), (2, 1));
            }
            other => panic!("expected out of stock, got {other:?}"),
        }
        assert_eq!(
            stock_of(&store, mug).await,
            10,
            "the first line was not reserved either"
        );
        assert_eq!(stock_of(&store, pot).await, 1);
        assert_eq!(store.get_order(order_id(1)).await.unwrap(), None);
        assert_eq!(
            store
                .find_customer_by_email(&email("ann@example.com"))
                .await
                .unwrap(),
            None
        );
    }

    pub async fn a_draft_repeating_a_product_writes_nothing<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 10).await;
        let mut repeated = draft(1, "ann@example.com", &[(mug, 3)]);
        repeated.lines.push((mug, crate::fixtures::qty(4)));
        assert!(
            place_won(&store, &repeated).await.is_err(),
            "drafts carry merged lines; a repeat is refused"
        );
        assert_eq!(stock_of(&store, mug).await, 10);
        assert_eq!(store.get_order(order_id(1)).await.unwrap(), None);
    }

    pub async fn the_last_units_are_sold_exactly_once<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 10).await;
        let buyers = (1..=100u128).map(|n| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .place(draft(n, &format!("buyer{n}@example.com"), &[(mug, 1)]))
                    .await
            })
        });
        let results = futures::future::join_all(buyers).await;
        let mut sold = 0;
        for result in results {
            match result.unwrap() {
                Ok(_) => sold += 1,
                Err(PlaceError::OutOfStock { available, .. }) => assert_eq!(available.units(), 0),
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(sold, 10, "a hundred buyers, ten mugs");
        assert_eq!(stock_of(&store, mug).await, 0);
        assert_eq!(all_orders(&store).await.len(), 10);
    }

    pub async fn cancelling_returns_stock_exactly_once<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 10).await;
        let order = placed(&store, draft(1, "ann@example.com", &[(mug, 4)])).await;
        assert_eq!(stock_of(&store, mug).await, 6);

        let cancels = (0..8).map(|n| {
            let store = store.clone();
            let mut cancelled = order.clone();
            tokio::spawn(async move {
                cancelled
                    .change_status(OrderStatus::Cancelled, actor(n, Role::Staff), at(10))
                    .unwrap();
                let revision = OrderRevision {
                    order: cancelled,
                    expected_version: 1,
                };
                store.revise(revision).await
            })
        });
        let mut won = 0;
        for result in futures::future::join_all(cancels).await {
            match result.unwrap() {
                Ok(_) => won += 1,
                Err(ReviseError::VersionMismatch { current: 2 }) => {}
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(won, 1, "one cancellation wins");
        assert_eq!(stock_of(&store, mug).await, 10, "released once, exactly");
    }

    pub async fn stock_is_conserved_under_a_concurrent_mixed_workload<S: Store>(store: S) {
        let products = [
            given_product(&store, 1, "Mug", 100, 20).await,
            given_product(&store, 2, "Teapot", 900, 20).await,
            given_product(&store, 3, "Spoon", 50, 20).await,
        ];
        let workers = (1..=48u128).map(|n| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut rng = Lcg(u64::try_from(n).unwrap());
                let first = products[usize::try_from(rng.below(3)).unwrap()];
                let second = products[usize::try_from(rng.below(3)).unwrap()];
                let units = i64::try_from(rng.below(5) + 1).unwrap();
                let restock =
                    (rng.below(4) == 0).then(|| (first, i64::try_from(rng.below(3) + 1).unwrap()));
                if let Some((product, delta)) = restock {
                    let change = ProductChange {
                        price: None,
                        stock: Some(StockChange::Adjust(delta)),
                        ..ProductChange::default()
                    };
                    until_won(|| store.update_product(product, change.clone(), None, at(0)))
                        .await
                        .unwrap();
                }
                let lines = if first == second {
                    vec![(first, units)]
                } else {
                    vec![(first, units), (second, 1)]
                };
                let order = draft(n, "mixed@example.com", &lines);
                let Ok(placement) = place_won(&store, &order).await else {
                    return restock;
                };
                let next = match rng.below(3) {
                    0 => OrderStatus::Cancelled,
                    1 => OrderStatus::Confirmed,
                    _ => return restock,
                };
                let mut changed = placement.order.clone();
                changed
                    .change_status(next, actor(1, Role::Staff), at(100))
                    .unwrap();
                let revision = OrderRevision {
                    order: changed,
                    expected_version: 1,
                };
                revise_won(&store, &revision).await.unwrap();
                restock
            })
        });
        let mut added: HashMap<_, u64> = HashMap::new();
        for restock in futures::future::join_all(workers).await {
            if let Some((product, delta)) = restock.unwrap() {
                *added.entry(product).or_default() += delta.unsigned_abs();
            }
        }
        let orders = all_orders(&store).await;
        assert!(!orders.is_empty(), "the workload placed orders");
        for product in products {
            let held: u64 = orders
                .iter()
                .filter(|o| o.status() != OrderStatus::Cancelled)
                .map(|o| o.units_of(product))
                .sum();
            let initial = 20 + added.get(&product).copied().unwrap_or(0);
            assert_eq!(
                stock_of(&store, product).await + held,
                initial,
                "stock of {product} is conserved"
            );
        }
    }
}
