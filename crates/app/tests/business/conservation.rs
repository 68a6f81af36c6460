//! The stock invariant under random interleavings of place, cancel and
//! status changes across several products: no level ever goes negative and,
//! for every product, initial stock = current stock + units held by orders
//! that are not cancelled.

use oms_app::orders::{ChangeStatus, ChangeStatusError, ListOrders, PlaceOrderError};
use oms_domain::order::Order;
use oms_domain::order::status::OrderStatus;
use proptest::prelude::*;

use crate::support::{World, order_for, staff, world};

const PRODUCTS: usize = 3;
const INITIAL: i64 = 15;

#[derive(Clone, Debug)]
enum Op {
    /// Lines of (product index, units).
    Place(Vec<(usize, i64)>),
    /// Cancel the n-th placed order (modulo how many there are).
    Cancel(usize),
    /// Move the n-th placed order to a status.
    Move(usize, OrderStatus),
}

fn op() -> impl Strategy<Value = Op> {
    let line = (0..PRODUCTS, 1i64..=6);
    prop_oneof![
        3 => prop::collection::vec(line, 1..=3).prop_map(Op::Place),
        1 => any::<usize>().prop_map(Op::Cancel),
        2 => (any::<usize>(), prop::sample::select(OrderStatus::ALL.to_vec())).prop_map(|(n, s)| Op::Move(n, s)),
    ]
}

/// Runs one op; refusals the rules allow are fine, anything else fails the case.
async fn run(w: World, products: Vec<String>, placed: Vec<String>, op: Op) -> Option<String> {
    let pick = |n: usize| (!placed.is_empty()).then(|| placed[n % placed.len()].clone());
    match op {
        Op::Place(lines) => {
            let items: Vec<(&str, i64)> = lines
                .iter()
                .map(|&(p, q)| (products[p].as_str(), q))
                .collect();
            match w
                .orders
                .place(staff(), order_for("prop@example.com", &items))
                .await
            {
                Ok(p) => Some(p.order.id().to_string()),
                Err(PlaceOrderError::OutOfStock { .. }) => None,
                Err(other) => panic!("place failed unexpectedly: {other:?}"),
            }
        }
        Op::Cancel(n) => {
            let id = pick(n)?;
            settle(w.orders.cancel(staff(), &id, None).await);
            None
        }
        Op::Move(n, to) => {
            let id = pick(n)?;
            let cmd = ChangeStatus {
                status: to.as_str().to_owned(),
                ..ChangeStatus::default()
            };
            settle(w.orders.change_status(staff(), &id, cmd).await);
            None
        }
    }
}

fn settle(result: Result<Order, ChangeStatusError>) {
    match result {
        Ok(_) | Err(ChangeStatusError::Rejected(_)) => {}
        Err(other) => panic!("status change failed unexpectedly: {other:?}"),
    }
}

async fn assert_conserved(w: &World, products: &[String]) {
    let mut orders = Vec::new();
    let mut request = ListOrders {
        limit: Some(100),
        ..ListOrders::default()
    };
    loop {
        let page = w.orders.list(staff(), &request).await.unwrap();
        orders.extend(page.items);
        match page.next_cursor {
            Some(cursor) => request.cursor = Some(cursor),
            None => break,
        }
    }
    for id in products {
        let product = id.parse().unwrap();
        let held: u64 = orders
            .iter()
            .filter(|o| o.status() != OrderStatus::Cancelled)
            .map(|o| o.units_of(product))
            .sum();
        assert_eq!(
            w.stock(id).await + held,
            INITIAL.unsigned_abs(),
            "product {id}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn stock_is_conserved_under_random_interleavings(ops in prop::collection::vec(op(), 1..60)) {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_time().build().unwrap();
        runtime.block_on(async {
            let w = world();
            let mut products = Vec::new();
            for n in 0..PRODUCTS {
                products.push(w.product(&format!("Product {n}"), 100, INITIAL).await);
            }
            let mut placed: Vec<String> = Vec::new();
            // Each batch runs in parallel tasks; the invariant is checked between batches.
            for batch in ops.chunks(6) {
                let runs = batch
                    .iter()
                    .cloned()
                    .map(|op| tokio::spawn(run(w.clone(), products.clone(), placed.clone(), op)));
                for new_id in futures::future::join_all(runs).await {
                    placed.extend(new_id.unwrap());
                }
                assert_conserved(&w, &products).await;
            }
        });
    }
}
