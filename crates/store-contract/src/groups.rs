//! Writes that arrive together (which a store may commit as one group):
//! each is still decided on its own, against the ones before it.

use std::collections::HashMap;

use oms_domain::idempotency::{IdempotencyKey, RequestFingerprint};
use oms_domain::ids::ProductId;
use oms_domain::order::status::OrderStatus;
use oms_domain::user::Role;
use oms_ports::draft::{IdempotencyClaim, OrderDraft, OrderRevision};
use oms_ports::error::PlaceError;
use oms_ports::store::Store;

use crate::fixtures::{
    actor, at, draft, given_product, place_won, placed, product_id, revise_won, stock_of,
};
use crate::stock::all_orders;

fn keyed(mut draft: OrderDraft, fingerprint: &str) -> OrderDraft {
    draft.idempotency = Some(IdempotencyClaim {
        key: IdempotencyKey::parse("burst-key").unwrap(),
        fingerprint: RequestFingerprint::new(fingerprint.to_owned()),
    });
    draft
}

/// Units of `product` held by orders not cancelled.
fn held(orders: &[oms_domain::order::Order], product: ProductId) -> u64 {
    orders
        .iter()
        .filter(|o| o.status() != OrderStatus::Cancelled)
        .map(|o| o.units_of(product))
        .sum()
}

cases! {
    pub async fn each_order_of_a_burst_gets_its_own_answer<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 3).await;
        let first = placed(&store, keyed(draft(1, "ann@example.com", &[(mug, 1)]), "a")).await;
        let mut burst = vec![
            keyed(draft(2, "ann@example.com", &[(mug, 1)]), "a"),
            keyed(draft(3, "ann@example.com", &[(mug, 1)]), "b"),
            draft(4, "bob@example.com", &[(product_id(99), 1)]),
        ];
        burst.extend((10..15).map(|n| draft(n, &format!("buyer{n}@example.com"), &[(mug, 1)])));
        let answers = futures::future::join_all(burst.into_iter().map(|d| {
            let store = store.clone();
            tokio::spawn(async move { place_won(&store, &d).await })
        }))
        .await;
        let mut answers = answers.into_iter().map(Result::unwrap);
        let replay = answers.next().unwrap().unwrap();
        assert!(replay.replayed && replay.order == first, "{replay:?}");
        let reused = answers.next().unwrap();
        assert!(matches!(reused, Err(PlaceError::KeyReused)), "{reused:?}");
        let unknown = answers.next().unwrap();
        assert!(
            matches!(unknown, Err(PlaceError::UnknownProduct(p)) if p == product_id(99)),
            "{unknown:?}"
        );
        let (mut sold, mut short) = (0, 0);
        for answer in answers {
            match answer {
                Ok(placement) => {
                    assert!(!placement.replayed);
                    sold += 1;
                }
                Err(PlaceError::OutOfStock { available, .. }) => {
                    assert_eq!(available.units(), 0);
                    short += 1;
                }
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!((sold, short), (2, 3), "three mugs, one already sold");
        assert_eq!(stock_of(&store, mug).await, 0);
        assert_eq!(all_orders(&store).await.len(), 3);
    }

    pub async fn placements_racing_cancellations_conserve_stock<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 20).await;
        let pot = given_product(&store, 2, "Teapot", 900, 20).await;
        let mut earlier = Vec::new();
        for n in 1..=10 {
            earlier.push(placed(&store, draft(n, "ann@example.com", &[(mug, 2), (pot, 2)])).await);
        }
        assert_eq!(stock_of(&store, mug).await, 0);
        let cancels = earlier.into_iter().map(|order| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut next = order.clone();
                next.change_status(OrderStatus::Cancelled, actor(1, Role::Staff), at(100))
                    .unwrap();
                let revision = OrderRevision {
                    order: next,
                    expected_version: order.version(),
                };
                revise_won(&store, &revision)
                    .await
                    .map(|_| ())
                    .map_err(|e| format!("{e:?}"))
            })
        });
        let places = (11..=30u128).map(|n| {
            let store = store.clone();
            tokio::spawn(async move {
                let lines = [(pot, 1), (mug, 2)];
                let order = draft(n, "bob@example.com", &lines);
                match place_won(&store, &order).await {
                    Ok(_) | Err(PlaceError::OutOfStock { .. }) => Ok(()),
                    Err(other) => Err(format!("{other:?}")),
                }
            })
        });
        let (cancelled, placed) = futures::join!(
            futures::future::join_all(cancels),
            futures::future::join_all(places)
        );
        for answer in cancelled.into_iter().chain(placed) {
            answer.unwrap().unwrap();
        }
        let orders = all_orders(&store).await;
        assert!(orders.len() > 10, "some placements found units put back");
        for (product, initial) in [(mug, 20), (pot, 20)] {
            assert_eq!(
                stock_of(&store, product).await + held(&orders, product),
                initial
            );
        }
    }

    pub async fn multi_line_orders_over_shared_products_in_any_line_order_all_place<S: Store>(
        store: S,
    ) {
        let mut products = Vec::new();
        for n in 1..=10 {
            products.push(given_product(&store, n, &format!("Item {n}"), 100, 1_000).await);
        }
        let buyers = (0..64u128).map(|buyer| {
            let (store, products) = (store.clone(), products.clone());
            tokio::spawn(async move {
                for round in 0..2u128 {
                    let n = 1 + buyer * 2 + round;
                    // Five of the ten products, in an order of this buyer's own.
                    let start = usize::try_from(n % 10).unwrap();
                    let step = [1, 3, 7, 9][usize::try_from(n % 4).unwrap()];
                    let lines: Vec<_> = (0..5)
                        .map(|k| {
                            (
                                products[(start + k * step) % 10],
                                1 + i64::try_from(k).unwrap(),
                            )
                        })
                        .collect();
                    placed(&store, draft(n, &format!("b{buyer}@example.com"), &lines)).await;
                }
            })
        });
        for buyer in futures::future::join_all(buyers).await {
            buyer.unwrap();
        }
        let orders = all_orders(&store).await;
        assert_eq!(orders.len(), 128);
        let mut counted: HashMap<ProductId, u64> = HashMap::new();
        for order in &orders {
            assert_eq!(order.lines().len(), 5);
            for (product, qty) in order.reserved() {
                *counted.entry(product).or_default() += u64::from(qty.get());
            }
        }
        for product in products {
            let sold = counted.get(&product).copied().unwrap_or(0);
            assert_eq!(stock_of(&store, product).await + sold, 1_000);
        }
    }
}
