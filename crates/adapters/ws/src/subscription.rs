//! What a connection follows, and how much of each event it may see: the
//! domain's visibility rules applied to events, so the feed shows exactly
//! what the REST views show the same viewer.

use oms_domain::event::OrderEvent;
use oms_domain::ids::OrderId;
use oms_domain::user::Actor;
use oms_domain::visibility::{Audience, OrderScope};

/// What one connection follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subscription {
    /// Every order the signed-in viewer may list: all of them for staff and
    /// admins, a customer's own for a customer.
    Orders {
        /// Who is watching.
        viewer: Actor,
    },
    /// One order, like public tracking: a viewer is optional.
    Order {
        /// Which order.
        id: OrderId,
        /// Who is watching, if signed in.
        viewer: Option<Actor>,
    },
}

impl Subscription {
    /// How much of `event` this subscriber may see, or `None` when the
    /// event is not one it follows.
    pub fn audience(&self, event: &OrderEvent) -> Option<Audience> {
        let placed_by = event.placed_by();
        let audience = match *self {
            Subscription::Orders { viewer } => OrderScope::of(viewer)
                .includes(placed_by)
                .then(|| Audience::of(Some(viewer), placed_by)),
            Subscription::Order { id, viewer } => {
                (event.order_id() == id).then(|| Audience::of(viewer, placed_by))
            }
        };
        audience.filter(|a| a.hears(event))
    }
}

#[cfg(test)]
mod tests {
    use oms_domain::event::OrderPaymentUpdated;
    use oms_domain::ids::UserId;
    use oms_domain::timestamp::Timestamp;
    use oms_domain::user::Role;

    use super::*;

    fn user(n: u128) -> UserId {
        format!("00000000-0000-0000-0000-{n:012}").parse().unwrap()
    }

    fn paid(order: u128, placed_by: UserId) -> OrderEvent {
        OrderEvent::PaymentUpdated(OrderPaymentUpdated {
            order_id: format!("00000000-0000-0000-0000-{order:012}")
                .parse()
                .unwrap(),
            number: oms_domain::order::number::OrderNumber::FIRST,
            placed_by,
            payment_collected: true,
            at: Timestamp::UNIX_EPOCH,
            version: 2,
        })
    }

    #[test]
    fn staff_follow_every_order_and_customers_their_own() {
        let ann = Actor {
            user: user(1),
            role: Role::Customer,
        };
        let staff = Actor {
            user: user(9),
            role: Role::Staff,
        };
        let anns = paid(1, ann.user);
        let bobs = paid(2, user(2));
        let all = Subscription::Orders { viewer: staff };
        assert_eq!(all.audience(&anns), Some(Audience::Staff));
        assert_eq!(all.audience(&bobs), Some(Audience::Staff));
        let own = Subscription::Orders { viewer: ann };
        assert_eq!(own.audience(&anns), Some(Audience::Owner));
        assert_eq!(own.audience(&bobs), None);
    }

    #[test]
    fn one_order_is_followed_in_the_view_its_viewer_has() {
        let anns = paid(1, user(1));
        let id = anns.order_id();
        let anonymous = Subscription::Order { id, viewer: None };
        assert_eq!(anonymous.audience(&anns), Some(Audience::Public));
        assert_eq!(anonymous.audience(&paid(2, user(1))), None);
    }
}
