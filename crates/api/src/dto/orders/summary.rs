//! Counts and takings over the orders a filter selects.

use oms_domain::order::status::OrderStatus;
use oms_ports::query::OrderSummary;
use serde::Serialize;
use utoipa::ToSchema;

use crate::currency::Currency;

/// `GET /api/orders/summary`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderSummaryView {
    /// How many of the selected orders are in each status.
    pub by_status: StatusCounts,
    /// How many orders were selected.
    pub orders: u64,
    /// Takings: the sum of the totals of the selected orders that are paid
    /// and not cancelled, minor units of `currency`.
    pub revenue: i64,
    /// The sum of the totals of the selected orders not cancelled whose
    /// payment is not recorded, minor units of `currency`.
    pub outstanding: i64,
    /// The sum of the refunds recorded on the selected orders (cancelled
    /// ones too), minor units of `currency`.
    pub refunded: i64,
    /// `revenue` less the refunds of the orders it counts, minor units of
    /// `currency`.
    pub net_revenue: i64,
    /// The shop's currency (ISO 4217), `OMS_CURRENCY`.
    pub currency: String,
}

/// A count per order status.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusCounts {
    /// Placed, not yet confirmed.
    pub pending: u64,
    /// Confirmed.
    pub confirmed: u64,
    /// Some units shipped, some still to go.
    pub partially_shipped: u64,
    /// Every unit shipped.
    pub shipped: u64,
    /// Delivered.
    pub delivered: u64,
    /// Cancelled.
    pub cancelled: u64,
}

impl OrderSummaryView {
    /// `summary`, its amounts in `currency`.
    pub fn new(summary: &OrderSummary, currency: Currency) -> Self {
        use OrderStatus::{Cancelled, Confirmed, Delivered, PartiallyShipped, Pending, Shipped};
        OrderSummaryView {
            by_status: StatusCounts {
                pending: summary.count(Pending),
                confirmed: summary.count(Confirmed),
                partially_shipped: summary.count(PartiallyShipped),
                shipped: summary.count(Shipped),
                delivered: summary.count(Delivered),
                cancelled: summary.count(Cancelled),
            },
            orders: summary.orders(),
            revenue: summary.revenue.minor(),
            outstanding: summary.outstanding.minor(),
            refunded: summary.refunded.minor(),
            net_revenue: summary.net_revenue.minor(),
            currency: currency.code().to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_every_status_there_is() {
        let mut summary = OrderSummary::default();
        for status in OrderStatus::ALL {
            summary.by_status.push((status, 1));
        }
        let view =
            serde_json::to_value(OrderSummaryView::new(&summary, Currency::default())).unwrap();
        let counts = view["byStatus"].as_object().unwrap();
        assert_eq!(counts.len(), OrderStatus::ALL.len());
        for status in OrderStatus::ALL {
            assert_eq!(counts[status.as_str()], 1, "{status}");
        }
    }
}
