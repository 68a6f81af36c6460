//! What the use cases hand a store to write in one atomic step.

use oms_domain::email::Email;
use oms_domain::idempotency::{IdempotencyKey, RequestFingerprint};
use oms_domain::ids::{CustomerId, OrderId, ProductId};
use oms_domain::name::Name;
use oms_domain::order::Order;
use oms_domain::quantity::Quantity;
use oms_domain::timestamp::Timestamp;
use oms_domain::user::Actor;

/// An order that has passed every rule that needs no stored data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderDraft {
    /// The id the order gets if it is placed.
    pub id: OrderId,
    /// Who it is for; found or created by e-mail.
    pub customer: CustomerDraft,
    /// Where it goes, when the placer said.
    pub shipping_address: Option<oms_domain::address::ShippingAddress>,
    /// One line per product (already merged), in the client's order.
    pub lines: Vec<(ProductId, Quantity)>,
    /// Whether payment was taken at the counter.
    pub payment_collected: bool,
    /// Who places it.
    pub placed_by: Actor,
    /// When.
    pub at: Timestamp,
    /// Set when the client sent an idempotency key.
    pub idempotency: Option<IdempotencyClaim>,
}

/// A customer to find by e-mail, or to create with these details.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerDraft {
    /// The id the customer gets if it is new.
    pub id: CustomerId,
    /// The name to record if it is new; an existing customer keeps its own.
    pub name: Name,
    /// The address to look up.
    pub email: Email,
    /// When it is recorded, if new.
    pub at: Timestamp,
}

/// An idempotency key, scoped to the user who sent it, and what it was sent with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdempotencyClaim {
    /// The client's key.
    pub key: IdempotencyKey,
    /// A digest of the request, to tell a retry from a reuse.
    pub fingerprint: RequestFingerprint,
}

/// A placed order, and whether it was placed by an earlier request with the
/// same idempotency key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement {
    /// The order.
    pub order: Order,
    /// `true` when no new order was placed: this is the earlier one.
    pub replayed: bool,
}

/// An order's next state, to write only if the stored one is still at
/// `expected_version`.
///
/// Only an order's changeable state is revised (status, history, payment,
/// `updated_at`, `version`); what it holds (customer, lines, total, who
/// placed it, when) is fixed at placement. Whether stock goes back is not
/// the caller's to say: the store releases it exactly when the revision
/// moves the stored order into `Cancelled`. What a revision may change is
/// decided by `oms_rules::revision::check`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderRevision {
    /// The order as it should be stored.
    pub order: Order,
    /// The version the change was computed from.
    pub expected_version: u64,
}
