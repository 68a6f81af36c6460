//! Summaries kept, not counted: after a mixed workload (placements over
//! several days, payments, status moves, cancellations, refunds) every
//! summary a window and a status select equals a recount of the orders
//! themselves, whatever edges of hours and days the window cuts.

use oms_domain::money::Money;
use oms_domain::note::Note;
use oms_domain::order::Order;
use oms_domain::order::shipment::ShipmentRequest;
use oms_domain::order::status::OrderStatus;
use oms_domain::user::Role;
use oms_ports::query::{OrderFilter, OrderSummary};
use oms_ports::store::Store;
use oms_rules::summary::{Group, tally};

use crate::fixtures::{Change, actor, at, changed, draft, given_product, placed};

const HOUR: i64 = 3_600_000;

/// The summary of `orders` a filter of a window and a status selects,
/// counted one by one.
pub(crate) fn recount(orders: &[Order], filter: &OrderFilter) -> OrderSummary {
    let mut summary = OrderSummary::default();
    let selected = orders.iter().filter(|o| {
        filter.status.is_none_or(|s| o.status() == s)
            && filter.created_from.is_none_or(|f| o.created_at() >= f)
            && filter.created_to.is_none_or(|t| o.created_at() < t)
    });
    for order in selected {
        let group = Group {
            status: order.status(),
            paid: order.payment_collected(),
            count: 1,
            total: order.total(),
            refunded: order.refunded_total(),
        };
        tally(&mut summary, group).unwrap();
    }
    summary.by_status.sort();
    summary
}

cases! {
    pub async fn kept_summaries_equal_a_recount_after_a_mixed_workload<S: Store>(store: S) {
        let staff = actor(1, Role::Staff);
        let mug = given_product(&store, 1, "Mug", 250, 10_000).await;
        let mut orders = Vec::new();
        // 40 orders over three days, some a minute apart, some hours.
        for k in 0..40u128 {
            let offset = (k * 5_400_000 + k * k * 61_000) as i64;
            let lines = [(mug, 1 + (k % 3) as i64)];
            let order = placed(&store, draft(u128::try_from(offset).unwrap() + k + 1, &format!("b{k}@example.com"), &lines)).await;
            let mut changes: Vec<Change> = Vec::new();
            let when = at(offset + 10);
            if k % 2 == 0 {
                changes.push(Box::new(move |o| assert!(o.set_payment_collected(true, staff, when).unwrap())));
            }
            match k % 5 {
                0 => changes.push(Box::new(move |o| {
                    o.change_status(OrderStatus::Cancelled, staff, when).unwrap();
                })),
                1 | 2 => changes.push(Box::new(move |o| {
                    o.change_status(OrderStatus::Confirmed, staff, when).unwrap();
                })),
                3 => {
                    changes.push(Box::new(move |o| {
                        o.change_status(OrderStatus::Confirmed, staff, when).unwrap();
                    }));
                    changes.push(Box::new(move |o| {
                        o.ship(ShipmentRequest::default(), staff, when).unwrap();
                    }));
                }
                _ => {}
            }
            if k % 4 == 0 {
                let why = Note::parse("goodwill").unwrap();
                changes.push(Box::new(move |o| {
                    o.refund(Money::from_minor(100).unwrap(), why, None, None, staff, when).unwrap();
                }));
            }
            orders.push(changed(&store, &order, changes).await);
        }
        let mut read = Vec::new();
        for order in &orders {
            read.push(store.get_order(order.id()).await.unwrap().unwrap());
        }
        let last = read.iter().map(|o| o.created_at().unix_millis()).max().unwrap();
        let first = read.iter().map(|o| o.created_at().unix_millis()).min().unwrap();
        let mut windows = vec![(None, None)];
        for from in [first - 1, first + HOUR / 2, first + 25 * HOUR + 7, last - HOUR] {
            windows.push((Some(from), None));
            for length in [HOUR / 3, HOUR, 5 * HOUR + 1, 30 * HOUR, 80 * HOUR] {
                windows.push((Some(from), Some(from + length)));
            }
        }
        let statuses = [None, Some(OrderStatus::Cancelled), Some(OrderStatus::Confirmed)];
        for (from, to) in windows {
            for status in statuses {
                let filter = OrderFilter {
                    status,
                    created_from: from.map(at_ms),
                    created_to: to.map(at_ms),
                    ..OrderFilter::default()
                };
                let mut kept = store.summarize_orders(&filter).await.unwrap();
                kept.by_status.sort();
                assert_eq!(kept, recount(&read, &filter), "{filter:?}");
            }
        }
        let all = store.summarize_orders(&OrderFilter::default()).await.unwrap();
        assert_eq!(all.orders(), 40);
        assert_eq!(all.refunded, Money::from_minor(1_000).unwrap(), "ten refunds of 100");
    }
}

fn at_ms(ms: i64) -> oms_domain::timestamp::Timestamp {
    oms_domain::timestamp::Timestamp::from_unix_millis(ms).unwrap()
}
