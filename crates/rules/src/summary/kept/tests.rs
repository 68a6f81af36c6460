use super::*;

fn ts(ms: i64) -> Timestamp {
    Timestamp::from_unix_millis(ms).unwrap()
}

fn window(from: Option<i64>, to: Option<i64>) -> OrderFilter {
    OrderFilter {
        created_from: from.map(ts),
        created_to: to.map(ts),
        ..OrderFilter::default()
    }
}

/// How many times `plan` counts an order placed at `at`.
fn counted(plan: &Plan, at: i64) -> usize {
    let within = |from: Option<i64>, to: Option<i64>, ms: i64| {
        from.is_none_or(|f| ms >= f) && to.is_none_or(|t| ms < t)
    };
    let day = start_of(Grain::Day, ts(at));
    let hour = start_of(Grain::Hour, ts(at));
    let days = plan
        .days
        .iter()
        .filter(|(from, to)| within(*from, *to, day))
        .count();
    let hours = plan
        .hours
        .iter()
        .filter(|(from, to)| within(Some(*from), Some(*to), hour))
        .count();
    let scans = plan
        .scans
        .iter()
        .filter(|s| {
            within(
                s.created_from.map(Timestamp::unix_millis),
                s.created_to.map(Timestamp::unix_millis),
                at,
            )
        })
        .count();
    days + hours + scans
}

#[test]
fn every_order_in_the_window_is_counted_once_and_no_other() {
    let base = 1_767_225_600_000; // 2026-01-01, midnight UTC
    let bounds = [
        None,
        Some(base),
        Some(base + 1),
        Some(base + HOUR_MS - 1),
        Some(base + HOUR_MS),
        Some(base + 5 * HOUR_MS + 17_000),
        Some(base + DAY_MS - 1),
        Some(base + DAY_MS),
        Some(base + DAY_MS + 30 * 60_000),
        Some(base + 3 * DAY_MS + 23 * HOUR_MS + 59 * 60_000),
        Some(base + 4 * DAY_MS),
    ];
    // Instants every 7 minutes and around each bound, from a day before.
    let mut instants: Vec<i64> = (0..(6 * 24 * 60 / 7))
        .map(|k| base - DAY_MS + k * 7 * 60_000)
        .collect();
    instants.extend(bounds.iter().flatten().flat_map(|b| [b - 1, *b, b + 1]));
    for from in bounds {
        for to in bounds {
            if let (Some(f), Some(t)) = (from, to)
                && t < f
            {
                continue;
            }
            let plan = plan(&window(from, to)).unwrap();
            for &at in &instants {
                let inside = from.is_none_or(|f| at >= f) && to.is_none_or(|t| at < t);
                assert_eq!(
                    counted(&plan, at),
                    usize::from(inside),
                    "from {from:?} to {to:?}, order at {at}: {plan:?}"
                );
            }
        }
    }
}

#[test]
fn a_whole_window_is_tallies_only_and_other_filters_count_orders() {
    let base = 1_767_225_600_000;
    let today = plan(&window(Some(base), None)).unwrap();
    assert!(today.scans.is_empty() && today.hours.is_empty());
    assert_eq!(today.days, Some((Some(base), None)));
    let local_midnight = plan(&window(Some(base - HOUR_MS), None)).unwrap();
    assert_eq!(local_midnight.hours, [(base - HOUR_MS, base)]);
    let open_returns = OrderFilter {
        open_return: Some(true),
        ..OrderFilter::default()
    };
    assert_eq!(plan(&open_returns), None);
}

#[test]
fn a_revision_moves_an_order_between_tallies() {
    use oms_domain::user::{Actor, Role};
    let order = crate::fixtures::placed_order();
    let mut paid = order.clone();
    let staff = Actor {
        user: oms_domain::ids::UserId::MIN,
        role: Role::Staff,
    };
    paid.set_payment_collected(true, staff, order.created_at())
        .unwrap();
    let mut changes = TallyChanges::default();
    changes.place(&order);
    changes.revise(&order, &paid);
    let changes = changes.into_changes();
    assert_eq!(changes.len(), 2, "one day and one hour tally: {changes:?}");
    for (key, delta) in changes {
        assert!(key.paid, "the unpaid tallies cancel out");
        assert_eq!((delta.orders, delta.total), (1, order.total().minor()));
    }
}
