//! Who may see which orders, and how much of each: the one rule behind the
//! order views, the order list and the live event feed.

use crate::ids::UserId;
use crate::user::{Actor, Permission};

/// How much of one order a viewer may see.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Audience {
    /// Anyone holding the order id (it is the tracking code): the status,
    /// its timeline and the items, with the customer's first name only.
    Public,
    /// The user who placed it: its own order in full, but not who on the
    /// staff moved it, nor in which role.
    Owner,
    /// Staff and admins: everything.
    Staff,
}

impl Audience {
    /// What `viewer` (anonymous when `None`) may see of an order that
    /// `placed_by` placed.
    pub fn of(viewer: Option<Actor>, placed_by: UserId) -> Audience {
        match viewer {
            Some(actor) if actor.may(Permission::ViewAllOrders) => Audience::Staff,
            Some(actor) if actor.user == placed_by => Audience::Owner,
            _ => Audience::Public,
        }
    }

    /// Whether the customer is shown (full name, e-mail address, id) and
    /// the payment state; the public view has the first name only.
    pub fn sees_customer(self) -> bool {
        matches!(self, Audience::Owner | Audience::Staff)
    }

    /// Whether the shipping address is shown: to whoever sees the
    /// customer, never to a stranger holding the link.
    pub fn sees_address(self) -> bool {
        self.sees_customer()
    }

    /// Whether the users behind status changes, and their roles, are shown.
    pub fn sees_staff(self) -> bool {
        self == Audience::Staff
    }

    /// Whether the staff's notes on an order, and the order's timeline,
    /// are shown: to staff and admins only.
    pub fn sees_notes(self) -> bool {
        self == Audience::Staff
    }

    /// Whether this audience is told of `event` at all: a note is news to
    /// the staff only, a refund to the staff and the order's customer.
    pub fn hears(self, event: &crate::event::OrderEvent) -> bool {
        use crate::event::OrderEvent;
        match event {
            OrderEvent::NoteAdded(_) => self.sees_notes(),
            OrderEvent::Refunded(_) => self.sees_customer(),
            _ => true,
        }
    }
}

/// Which orders a signed-in user may list and follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderScope {
    /// Every order (staff and admins).
    All,
    /// Only the orders this user placed (customers).
    PlacedBy(UserId),
}

impl OrderScope {
    /// The orders `actor` may list and follow.
    pub fn of(actor: Actor) -> OrderScope {
        if actor.may(Permission::ViewAllOrders) {
            OrderScope::All
        } else {
            OrderScope::PlacedBy(actor.user)
        }
    }

    /// Whether an order that `placed_by` placed is in scope.
    pub fn includes(self, placed_by: UserId) -> bool {
        match self {
            OrderScope::All => true,
            OrderScope::PlacedBy(user) => user == placed_by,
        }
    }

    /// The placer to filter by, when the scope is not every order.
    pub fn placed_by(self) -> Option<UserId> {
        match self {
            OrderScope::All => None,
            OrderScope::PlacedBy(user) => Some(user),
        }
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::user::Role;

    fn actor(n: u128, role: Role) -> Actor {
        Actor {
            user: UserId::from_uuid(Uuid::from_u128(n)),
            role,
        }
    }

    #[test]
    fn staff_see_everything_owners_their_own_and_everyone_else_the_public_view() {
        let owner = actor(1, Role::Customer);
        let placed_by = owner.user;
        assert_eq!(Audience::of(None, placed_by), Audience::Public);
        assert_eq!(Audience::of(Some(owner), placed_by), Audience::Owner);
        let stranger = actor(2, Role::Customer);
        assert_eq!(Audience::of(Some(stranger), placed_by), Audience::Public);
        for role in [Role::Staff, Role::Admin] {
            assert_eq!(
                Audience::of(Some(actor(3, role)), placed_by),
                Audience::Staff
            );
        }
        assert!(!Audience::Public.sees_customer() && Audience::Owner.sees_customer());
        assert!(!Audience::Owner.sees_staff() && Audience::Staff.sees_staff());
    }

    #[test]
    fn customers_are_scoped_to_their_own_orders() {
        let ann = actor(1, Role::Customer);
        let scope = OrderScope::of(ann);
        assert_eq!(scope, OrderScope::PlacedBy(ann.user));
        assert!(scope.includes(ann.user));
        assert!(!scope.includes(actor(2, Role::Customer).user));
        assert_eq!(scope.placed_by(), Some(ann.user));
        let staff = OrderScope::of(actor(3, Role::Staff));
        assert_eq!(staff, OrderScope::All);
        assert!(staff.includes(ann.user));
        assert_eq!(staff.placed_by(), None);
    }
}
