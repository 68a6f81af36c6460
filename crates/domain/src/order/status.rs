//! The order status machine: one enum, one transition table.

use std::fmt;
use std::str::FromStr;

/// Where an order is in its life.
///
/// ```text
/// Pending -> Confirmed -> PartiallyShipped -> Shipped -> Delivered
///    |           |  \_________________________^
///    +-----------+--> Cancelled
/// ```
///
/// A shipment moves an order into `PartiallyShipped` (units left) or
/// `Shipped` (none left); once any unit has left, it can no longer be
/// cancelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OrderStatus {
    /// Placed, stock reserved, not yet accepted by the shop.
    Pending,
    /// Accepted by the shop.
    Confirmed,
    /// Some units handed to the carrier, some still to go.
    PartiallyShipped,
    /// Every unit handed to the carrier.
    Shipped,
    /// Received by the customer. Terminal.
    Delivered,
    /// Called off; its stock went back on the shelf. Terminal.
    Cancelled,
}

impl OrderStatus {
    /// Every status, in life order.
    pub const ALL: [OrderStatus; 6] = [
        OrderStatus::Pending,
        OrderStatus::Confirmed,
        OrderStatus::PartiallyShipped,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        OrderStatus::Cancelled,
    ];

    /// The complete transition table. Adding a status stops the build here.
    pub fn may_become(self, next: OrderStatus) -> bool {
        use OrderStatus::*;
        match self {
            Pending => matches!(next, Confirmed | Cancelled),
            Confirmed => matches!(next, PartiallyShipped | Shipped | Cancelled),
            PartiallyShipped => next == Shipped,
            Shipped => next == Delivered,
            Delivered | Cancelled => false,
        }
    }

    /// Whether moving from this status to `next` puts an order's reserved
    /// units back on the shelf: entering `Cancelled` from anywhere else.
    /// Stores decide a release with this, from the status they hold.
    pub fn releases_stock_on(self, next: OrderStatus) -> bool {
        self != OrderStatus::Cancelled && next == OrderStatus::Cancelled
    }

    /// Whether no transition leaves this status.
    pub fn is_terminal(self) -> bool {
        Self::ALL.iter().all(|&next| !self.may_become(next))
    }

    /// The statuses a request may move this one to, for UIs that offer
    /// only valid moves: `PartiallyShipped` is entered by a shipment that
    /// leaves units behind, never asked for by name.
    pub fn next_statuses(self) -> impl Iterator<Item = OrderStatus> {
        Self::ALL
            .into_iter()
            .filter(move |&next| self.may_become(next) && next.may_be_asked_for())
    }

    /// Whether a status change may name this status as its target.
    pub fn may_be_asked_for(self) -> bool {
        self != OrderStatus::PartiallyShipped
    }

    /// Whether units of an order in this status have left the warehouse.
    pub fn has_shipped(self) -> bool {
        matches!(
            self,
            OrderStatus::PartiallyShipped | OrderStatus::Shipped | OrderStatus::Delivered
        )
    }

    /// The status's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Pending => "pending",
            OrderStatus::Confirmed => "confirmed",
            OrderStatus::PartiallyShipped => "partially_shipped",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a text is not an [`OrderStatus`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("must be one of pending, confirmed, partially_shipped, shipped, delivered, cancelled")]
pub struct StatusError;

impl FromStr for OrderStatus {
    type Err = StatusError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or(StatusError)
    }
}

#[cfg(test)]
mod tests {
    use super::OrderStatus::*;
    use super::*;

    /// Every (from, to) pair of the 36, written out: the table a reviewer
    /// checks against the business, not against the code.
    #[test]
    fn the_full_transition_table() {
        let expected = [
            (Pending, [false, true, false, false, false, true]),
            (Confirmed, [false, false, true, true, false, true]),
            (PartiallyShipped, [false, false, false, true, false, false]),
            (Shipped, [false, false, false, false, true, false]),
            (Delivered, [false, false, false, false, false, false]),
            (Cancelled, [false, false, false, false, false, false]),
        ];
        for (from, row) in expected {
            for (to, allowed) in OrderStatus::ALL.into_iter().zip(row) {
                assert_eq!(from.may_become(to), allowed, "{from} -> {to}");
            }
        }
    }

    #[test]
    fn only_entering_cancelled_releases_stock() {
        for from in OrderStatus::ALL {
            for to in OrderStatus::ALL {
                let expected = to == Cancelled && from != Cancelled;
                assert_eq!(from.releases_stock_on(to), expected, "{from} -> {to}");
            }
        }
    }

    #[test]
    fn only_delivered_and_cancelled_are_terminal() {
        let terminal: Vec<_> = OrderStatus::ALL
            .into_iter()
            .filter(|s| s.is_terminal())
            .collect();
        assert_eq!(terminal, vec![Delivered, Cancelled]);
    }

    #[test]
    fn next_statuses_lists_the_allowed_moves() {
        assert_eq!(
            Pending.next_statuses().collect::<Vec<_>>(),
            vec![Confirmed, Cancelled]
        );
        assert_eq!(
            Confirmed.next_statuses().collect::<Vec<_>>(),
            vec![Shipped, Cancelled]
        );
        assert_eq!(
            PartiallyShipped.next_statuses().collect::<Vec<_>>(),
            vec![Shipped]
        );
        assert_eq!(Shipped.next_statuses().collect::<Vec<_>>(), vec![Delivered]);
        assert_eq!(Delivered.next_statuses().count(), 0);
    }

    #[test]
    fn statuses_round_trip_through_their_wire_names() {
        for status in OrderStatus::ALL {
            assert_eq!(status.as_str().parse::<OrderStatus>(), Ok(status));
        }
        assert_eq!("Pending".parse::<OrderStatus>(), Err(StatusError));
        assert_eq!("lost".parse::<OrderStatus>(), Err(StatusError));
    }
}
