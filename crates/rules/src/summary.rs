//! Tallying orders into a summary, as every store counts them, and the
//! tallies every store keeps so that it need not count (`kept`).

pub mod kept;

use oms_domain::money::{Money, MoneyError};
use oms_domain::order::status::OrderStatus;
use oms_ports::query::OrderSummary;

/// A group of orders alike in what a summary asks: their status, whether
/// paid, how many, and the sums of their totals and of their refunds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Group {
    /// Their status.
    pub status: OrderStatus,
    /// Whether their payment is recorded.
    pub paid: bool,
    /// How many.
    pub count: u64,
    /// The sum of their totals.
    pub total: Money,
    /// The sum of their refunds.
    pub refunded: Money,
}

/// Adds a group of orders: they count under their status and their refunds
/// as refunded; unless they are cancelled, their total is revenue (less
/// their refunds, net) when paid and outstanding when not.
///
/// # Errors
/// [`MoneyError`] when a sum overflows; `summary` is then unchanged.
pub fn tally(summary: &mut OrderSummary, group: Group) -> Result<(), MoneyError> {
    let Group {
        status,
        paid,
        count,
        total,
        refunded,
    } = group;
    let mut next = summary.clone();
    next.refunded = next.refunded.checked_add(refunded)?;
    if status != OrderStatus::Cancelled {
        if paid {
            next.revenue = next.revenue.checked_add(total)?;
            let net = total.checked_sub(refunded)?;
            next.net_revenue = next.net_revenue.checked_add(net)?;
        } else {
            next.outstanding = next.outstanding.checked_add(total)?;
        }
    }
    *summary = next;
    match summary.by_status.iter_mut().find(|(s, _)| *s == status) {
        Some((_, n)) => *n += count,
        None => summary.by_status.push((status, count)),
    }
    Ok(())
}

/// Adds `other`, a summary of other orders, to `summary`.
///
/// # Errors
/// [`MoneyError`] when a sum overflows; `summary` is then unchanged.
pub fn merge(summary: &mut OrderSummary, other: &OrderSummary) -> Result<(), MoneyError> {
    let mut next = summary.clone();
    next.revenue = next.revenue.checked_add(other.revenue)?;
    next.outstanding = next.outstanding.checked_add(other.outstanding)?;
    next.refunded = next.refunded.checked_add(other.refunded)?;
    next.net_revenue = next.net_revenue.checked_add(other.net_revenue)?;
    for &(status, count) in &other.by_status {
        match next.by_status.iter_mut().find(|(s, _)| *s == status) {
            Some((_, n)) => *n += count,
            None => next.by_status.push((status, count)),
        }
    }
    *summary = next;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(minor: i64) -> Money {
        Money::from_minor(minor).unwrap()
    }

    fn group(status: OrderStatus, paid: bool, count: u64, total: i64, refunded: i64) -> Group {
        Group {
            status,
            paid,
            count,
            total: money(total),
            refunded: money(refunded),
        }
    }

    #[test]
    fn cancelled_orders_are_counted_but_earn_nothing() {
        let mut summary = OrderSummary::default();
        tally(&mut summary, group(OrderStatus::Pending, true, 2, 500, 0)).unwrap();
        tally(&mut summary, group(OrderStatus::Cancelled, true, 1, 900, 0)).unwrap();
        tally(&mut summary, group(OrderStatus::Pending, false, 1, 100, 0)).unwrap();
        assert_eq!(summary.count(OrderStatus::Pending), 3);
        assert_eq!(summary.count(OrderStatus::Cancelled), 1);
        assert_eq!(summary.orders(), 4);
        assert_eq!(summary.revenue, money(500), "paid and not cancelled");
        assert_eq!(summary.outstanding, money(100), "unpaid and not cancelled");
    }

    #[test]
    fn refunds_are_all_reported_and_net_revenue_loses_those_of_its_orders() {
        let mut summary = OrderSummary::default();
        tally(
            &mut summary,
            group(OrderStatus::Delivered, true, 2, 1_000, 300),
        )
        .unwrap();
        tally(
            &mut summary,
            group(OrderStatus::Cancelled, true, 1, 400, 400),
        )
        .unwrap();
        assert_eq!(summary.refunded, money(700), "every refund paid back");
        assert_eq!(summary.revenue, money(1_000));
        assert_eq!(
            summary.net_revenue,
            money(700),
            "the cancelled order's refund was never revenue"
        );
    }

    #[test]
    fn takings_past_the_largest_sum_are_refused_and_change_nothing() {
        let mut summary = OrderSummary::default();
        let big = group(OrderStatus::Delivered, true, 1, i64::MAX, 0);
        tally(&mut summary, big).unwrap();
        let before = summary.clone();
        let one = group(OrderStatus::Delivered, true, 1, 1, 0);
        assert!(tally(&mut summary, one).is_err());
        assert_eq!(summary, before);
        let refunds = group(OrderStatus::Delivered, true, 1, 5, 10);
        assert!(tally(&mut OrderSummary::default(), refunds).is_err());
    }
}
