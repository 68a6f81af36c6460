//! Edits of an order's lines: the stock moves with the lines in the same
//! step, a refused edit moves nothing, and edits racing placements for
//! the last units neither oversell nor lose a unit.

use oms_domain::event::OrderEvent;
use oms_domain::ids::ProductId;
use oms_domain::order::Order;
use oms_domain::order::activity::Change;
use oms_domain::product::Product;
use oms_domain::user::Role;
use oms_ports::draft::OrderRevision;
use oms_ports::error::{PlaceError, ReviseError, StoreError};
use oms_ports::store::Store;

use crate::fixtures::{
    actor, at, draft, given_product, placed, qty, revise_ok, revise_won, stock_of, until_won,
};

/// `order` with `lines` (product, units), new products priced from `catalogue`.
fn edited(order: &Order, lines: &[(ProductId, i64)], catalogue: &[&Product]) -> OrderRevision {
    let wanted: Vec<_> = lines.iter().map(|&(p, n)| (p, qty(n))).collect();
    let mut next = order.clone();
    let price = |id| {
        catalogue
            .iter()
            .find(|p| p.id == id)
            .map(|p| (p.name.clone(), p.price))
    };
    assert!(
        next.edit_lines(&wanted, price, actor(1, Role::Staff), at(50))
            .unwrap()
    );
    OrderRevision {
        expected_version: order.version(),
        order: next,
    }
}

async fn product<S: Store>(store: &S, id: ProductId) -> Product {
    store.get_product(id).await.unwrap().unwrap()
}

cases! {
    pub async fn an_edit_moves_exactly_the_difference_in_stock_and_is_logged<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 10).await;
        let pot = given_product(&store, 2, "Pot", 900, 10).await;
        let lamp = given_product(&store, 3, "Lamp", 700, 10).await;
        let origin = store.tail().await.unwrap();
        let order = placed(&store, draft(1, "ann@example.com", &[(mug, 3), (pot, 2)])).await;
        let start = store.tail().await.unwrap();
        let catalogue = [&product(&store, lamp).await];

        let revision = edited(&order, &[(mug, 5), (lamp, 1)], &catalogue);
        let stored = revise_ok(&store, revision.clone()).await;
        assert_eq!(stored, revision.order);
        assert_eq!(store.get_order(order.id()).await.unwrap().as_ref(), Some(&stored));
        assert_eq!(stored.total().minor(), 5 * 100 + 700);
        assert_eq!(stock_of(&store, mug).await, 5, "two more mugs taken");
        assert_eq!(stock_of(&store, pot).await, 10, "both pots back");
        assert_eq!(stock_of(&store, lamp).await, 9, "one lamp taken");

        let page = store.read_after(&start, 10).await.unwrap();
        let events: Vec<_> = page.events.into_iter().map(|e| e.event).collect();
        let [OrderEvent::ItemsUpdated(logged)] = events.as_slice() else {
            panic!("one edit event, got {events:?}");
        };
        assert_eq!(logged.edit.before, order.lines());
        assert_eq!(logged.edit.after, stored.lines());
        assert_eq!(logged.version, stored.version());
        assert!(matches!(
            stored.activity().last().map(|a| &a.change),
            Some(Change::Edit(e)) if e.before == order.lines()
        ));

        // The placement's event still says what was placed.
        let all = store.read_after(&origin, 100).await.unwrap();
        let placed_event = all
            .events
            .iter()
            .find_map(|e| match &e.event {
                OrderEvent::Placed(p) if p.order.id() == order.id() => Some(p),
                _ => None,
            })
            .expect("the placement is still logged");
        assert_eq!(placed_event.order.lines(), order.lines());
    }

    pub async fn a_refused_edit_moves_no_stock<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 5).await;
        let pot = given_product(&store, 2, "Pot", 900, 1).await;
        let order = placed(&store, draft(1, "ann@example.com", &[(mug, 2), (pot, 1)])).await;
        assert_eq!((stock_of(&store, mug).await, stock_of(&store, pot).await), (3, 0));

        // Fewer mugs would be fine; two pots are more than shelf and order hold.
        let short = edited(&order, &[(mug, 1), (pot, 2)], &[]);
        match revise_won(&store, &short).await {
            Err(ReviseError::OutOfStock {
                product,
                requested,
                available,
                ..
            }) => assert_eq!((product, requested, available), (pot, 2, 1)),
            other => panic!("expected out of stock, got {other:?}"),
        }
        assert_eq!(
            (stock_of(&store, mug).await, stock_of(&store, pot).await),
            (3, 0),
            "stock and held units as before"
        );
        assert_eq!(store.get_order(order.id()).await.unwrap().as_ref(), Some(&order));

        let stale = edited(&order, &[(mug, 1), (pot, 1)], &[]);
        revise_ok(&store, stale.clone()).await;
        assert!(matches!(
            store.revise(stale).await,
            Err(ReviseError::VersionMismatch { current: 2 })
        ));
        assert_eq!(stock_of(&store, mug).await, 4, "the one accepted edit, once");
    }

    pub async fn a_new_line_priced_before_a_price_change_is_a_lost_race<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 5).await;
        let lamp = given_product(&store, 3, "Lamp", 700, 5).await;
        let order = placed(&store, draft(1, "ann@example.com", &[(mug, 1)])).await;
        let mut old = product(&store, lamp).await;
        old.price = oms_domain::money::Money::from_minor(650).unwrap();
        let stale = edited(&order, &[(mug, 1), (lamp, 1)], &[&old]);
        assert!(
            matches!(store.revise(stale).await, Err(ReviseError::Store(StoreError::Contended))),
            "a line must carry today's price"
        );
        assert_eq!(stock_of(&store, lamp).await, 5);
    }

    pub async fn edits_racing_placements_for_the_last_units_never_oversell<S: Store>(store: S) {
        let mug = given_product(&store, 1, "Mug", 100, 10).await;
        // Four orders hold one mug each; six are left on the shelf.
        let mut orders = Vec::new();
        for n in 1..=4u128 {
            orders.push(placed(&store, draft(n, &format!("e{n}@example.com"), &[(mug, 1)])).await);
        }
        let edits = orders.into_iter().map(|order| {
            let store = store.clone();
            tokio::spawn(async move {
                let revision = edited(&order, &[(mug, 3)], &[]);
                until_won(|| store.revise(revision.clone())).await.map(|_| 2u64)
            })
        });
        let buyers = (10..30u128).map(|n| {
            let store = store.clone();
            tokio::spawn(async move {
                let d = draft(n, &format!("b{n}@example.com"), &[(mug, 1)]);
                until_won(|| store.place(d.clone())).await.map(|_| 1u64)
            })
        });
        let mut taken = 0;
        for result in futures::future::join_all(edits).await {
            match result.unwrap() {
                Ok(units) => taken += units,
                Err(ReviseError::OutOfStock { .. }) => {}
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
        for result in futures::future::join_all(buyers).await {
            match result.unwrap() {
                Ok(units) => taken += units,
                Err(PlaceError::OutOfStock { .. }) => {}
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(taken, 6, "every unit left was taken, none twice");
        assert_eq!(stock_of(&store, mug).await, 0);
        let held: u64 = crate::stock::all_orders(&store)
            .await
            .iter()
            .map(|o| o.units_of(mug))
            .sum();
        assert_eq!(held, 10, "stock plus held units is what there was");
    }
}
