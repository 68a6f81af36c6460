//! Tallying orders into a summary, as every store counts them.

use oms_domain::money::{Money, MoneyError};
use oms_domain::order::status::OrderStatus;
use oms_ports::query::OrderSummary;

/// Adds `count` orders in `status`, paid or not, whose totals sum to
/// `total`: they count under their status; unless they are cancelled, their
/// total is revenue when paid and outstanding when not.
///
/// # Errors
/// [`MoneyError`] when a sum overflows; `summary` is then unchanged.
pub fn tally(
    summary: &mut OrderSummary,
    status: OrderStatus,
    paid: bool,
    count: u64,
    total: Money,
) -> Result<(), MoneyError> {
    if status != OrderStatus::Cancelled {
        if paid {
            summary.revenue = summary.revenue.checked_add(total)?;
        } else {
            summary.outstanding = summary.outstanding.checked_add(total)?;
        }
    }
    match summary.by_status.iter_mut().find(|(s, _)| *s == status) {
        Some((_, n)) => *n += count,
        None => summary.by_status.push((status, count)),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(minor: i64) -> Money {
        Money::from_minor(minor).unwrap()
    }

    #[test]
    fn cancelled_orders_are_counted_but_earn_nothing() {
        let mut summary = OrderSummary::default();
        tally(&mut summary, OrderStatus::Pending, true, 2, money(500)).unwrap();
        tally(&mut summary, OrderStatus::Cancelled, true, 1, money(900)).unwrap();
        tally(&mut summary, OrderStatus::Pending, false, 1, money(100)).unwrap();
        assert_eq!(summary.count(OrderStatus::Pending), 3);
        assert_eq!(summary.count(OrderStatus::Cancelled), 1);
        assert_eq!(summary.orders(), 4);
        assert_eq!(summary.revenue, money(500), "paid and not cancelled");
        assert_eq!(summary.outstanding, money(100), "unpaid and not cancelled");
    }

    #[test]
    fn takings_past_the_largest_sum_are_refused_and_change_nothing() {
        let mut summary = OrderSummary::default();
        tally(
            &mut summary,
            OrderStatus::Delivered,
            true,
            1,
            money(i64::MAX),
        )
        .unwrap();
        let before = summary.clone();
        assert!(tally(&mut summary, OrderStatus::Delivered, true, 1, money(1)).is_err());
        assert_eq!(summary, before);
    }
}
