//! An order's story in one list: placed, every status move, shipment,
//! arrival, payment, address change and note, oldest first, each with who
//! and when.

use super::activity::Activity;
use super::shipment::Shipment;
use super::{Order, StatusEntry};
use crate::timestamp::Timestamp;
use crate::user::Actor;

/// One moment of an order's story.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moment<'a> {
    /// Placed, by whom.
    Placed(Actor),
    /// A status move.
    Status(&'a StatusEntry),
    /// A shipment left.
    Shipped(&'a Shipment),
    /// A shipment arrived.
    Delivered(&'a Shipment),
    /// Payment, the address or a note.
    Activity(&'a Activity),
}

impl Moment<'_> {
    /// Who made it happen.
    pub fn by(&self) -> Actor {
        match *self {
            Moment::Placed(by) => by,
            Moment::Status(entry) => entry.by,
            Moment::Shipped(shipment) => shipment.shipped_by,
            Moment::Delivered(shipment) => shipment.delivered.map_or(shipment.shipped_by, |d| d.by),
            Moment::Activity(activity) => activity.by,
        }
    }
}

impl Order {
    /// Everything that happened to the order, oldest first; moments of
    /// one change keep the order above (a move before its shipment).
    pub fn timeline(&self) -> Vec<(Timestamp, Moment<'_>)> {
        let mut moments = vec![(self.created_at, Moment::Placed(self.placed_by))];
        moments.extend(self.history.iter().map(|h| (h.at, Moment::Status(h))));
        moments.extend(
            self.shipments
                .iter()
                .map(|s| (s.shipped_at, Moment::Shipped(s))),
        );
        moments.extend(
            self.shipments
                .iter()
                .filter_map(|s| Some((s.delivered?.at, Moment::Delivered(s)))),
        );
        moments.extend(self.activity.iter().map(|a| (a.at, Moment::Activity(a))));
        moments.sort_by_key(|&(at, _)| at);
        moments
    }
}
