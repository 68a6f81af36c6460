//! Moving an order along its status machine and recording payment, each as
//! a compare-and-set on the order's version.

use oms_domain::ids::OrderId;
use oms_domain::invalid::{Invalid, Validation};
use oms_domain::note::Note;
use oms_domain::order::status::OrderStatus;
use oms_domain::order::{Order, OrderError};
use oms_domain::timestamp::Timestamp;
use oms_domain::user::{Actor, Forbidden, Permission};
use oms_ports::clock::Clock;
use oms_ports::draft::OrderRevision;
use oms_ports::error::{ReviseError, StoreError};
use oms_ports::store::OrderStore;

use super::OrderService;
use super::place::PlaceOrderError;
use crate::contention::Attempt;

/// A request to change an order's status, as the client sent it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChangeStatus {
    /// The status to move to, by its wire name (`confirmed`, …).
    pub status: String,
    /// Also record (or clear) payment, in the same change.
    pub payment_collected: Option<bool>,
    /// Refuse unless the order is still at this version.
    pub expected_version: Option<u64>,
    /// Why, kept in the history entry of the move (a cancellation's reason).
    pub reason: Option<String>,
}

/// Why an order was not changed, for all three ways of changing one
/// (status, cancel, payment): they share one read-decide-write step and so
/// one set of outcomes. `Invalid` comes only from `change_status`'s status
/// text. In every case nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ChangeStatusError {
    /// No order has that id (or the id is not an id at all).
    #[error("no such order")]
    NotFound,
    /// The request breaks field rules.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// The caller's role may not make this change to this order.
    #[error("not allowed: {0:?}")]
    Forbidden(Permission),
    /// The order's rules refuse the change (an illegal transition, payment
    /// on a cancelled order).
    #[error(transparent)]
    Rejected(#[from] OrderError),
    /// An edit's line is refused as placing refuses it (an unknown or
    /// archived product, too few units left), naming the line's field.
    #[error(transparent)]
    Line(Box<PlaceOrderError>),
    /// A return the order's state refuses (nothing shipped, the window
    /// closed, the return already decided).
    #[error(transparent)]
    Return(oms_domain::order::returns::ReturnError),
    /// A refund the order's state refuses (no payment collected, a key
    /// used for another refund).
    #[error(transparent)]
    Refund(oms_domain::order::refunds::RefundError),
    /// The order has no return by that number.
    #[error("no such return")]
    ReturnNotFound,
    /// The order has no shipment by that number.
    #[error("no such shipment")]
    ShipmentNotFound,
    /// The change would send a shipment to an order without an address,
    /// and this shop requires one.
    #[error("the order has no shipping address")]
    AddressRequired,
    /// The order is no longer at the version the caller expected.
    #[error("the order is at version {current}")]
    VersionMismatch {
        /// The version now stored.
        current: u64,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl<S: OrderStore, C: Clock, I> OrderService<S, C, I> {
    /// Moves the order to `cmd.status` (and records payment if asked).
    /// Staff and admins may make any legal move; a customer may only cancel
    /// its own pending order. Asking for the current status together with a
    /// payment change records only the payment.
    ///
    /// # Errors
    /// [`ChangeStatusError`]; nothing is written in any case.
    #[tracing::instrument(skip_all, fields(order_id = %order_id, to = %cmd.status, user = %by.user))]
    pub async fn change_status(
        &self,
        by: Actor,
        order_id: &str,
        cmd: ChangeStatus,
    ) -> Result<Order, ChangeStatusError> {
        let mut v = Validation::new();
        let to = v.check("status", cmd.status.parse::<OrderStatus>());
        let reason = cmd
            .reason
            .as_deref()
            .and_then(|r| v.check("reason", Note::parse(r)));
        let to = v.finish_with("status", to)?;
        let payment = cmd.payment_collected;
        let repeat = Repeat { to, by, payment };
        self.revise_order(
            order_id,
            cmd.expected_version,
            Some(repeat),
            |order, now| {
                let transition = (to != order.status() || payment.is_none()).then_some(to);
                let mv = transition.map(|to| (to, reason.clone()));
                plan(by, order, mv, payment, now)
            },
        )
        .await
    }

    /// Cancels the order, putting its stock back.
    ///
    /// # Errors
    /// As [`OrderService::change_status`].
    pub async fn cancel(
        &self,
        by: Actor,
        order_id: &str,
        expected_version: Option<u64>,
    ) -> Result<Order, ChangeStatusError> {
        let repeat = Repeat {
            to: OrderStatus::Cancelled,
            by,
            payment: None,
        };
        self.revise_order(order_id, expected_version, Some(repeat), |order, now| {
            plan(by, order, Some((OrderStatus::Cancelled, None)), None, now)
        })
        .await
    }

    /// Records whether payment has been collected (staff and admins).
    ///
    /// # Errors
    /// As [`OrderService::change_status`].
    pub async fn set_payment_collected(
        &self,
        by: Actor,
        order_id: &str,
        collected: bool,
        expected_version: Option<u64>,
    ) -> Result<Order, ChangeStatusError> {
        self.revise_order(order_id, expected_version, None, |order, now| {
            plan(by, order, None, Some(collected), now)
        })
        .await
    }

    /// Reads the order, lets `decide` compute its next state, and writes it
    /// only if nobody changed the order meanwhile. Without an expected
    /// version, a lost race is retried on the fresh order, so the rules are
    /// always checked against what is actually stored. A request that
    /// repeats the change that took (`repeat`) is answered with the order
    /// as it is, writing nothing: a client that never heard the first
    /// answer sends it again.
    pub(super) async fn revise_order(
        &self,
        order_id: &str,
        expected: Option<u64>,
        repeat: Option<Repeat>,
        decide: impl Fn(&Order, Timestamp) -> Result<Order, ChangeStatusError>,
    ) -> Result<Order, ChangeStatusError> {
        let prepare = || std::future::ready(Ok(()));
        self.revise_order_with(order_id, expected, repeat, prepare, |order, now, ()| {
            decide(order, now)
        })
        .await
    }

    /// As [`OrderService::revise_order`], reading what `decide` needs
    /// besides the order (`prepare`) afresh on every attempt.
    pub(super) async fn revise_order_with<P, F>(
        &self,
        order_id: &str,
        expected: Option<u64>,
        repeat: Option<Repeat>,
        prepare: impl Fn() -> F,
        decide: impl Fn(&Order, Timestamp, &P) -> Result<Order, ChangeStatusError>,
    ) -> Result<Order, ChangeStatusError>
    where
        F: Future<Output = Result<P, ChangeStatusError>>,
    {
        let id: OrderId = order_id.parse().map_err(|_| ChangeStatusError::NotFound)?;
        self.contention
            .retry(|| async {
                let outcome = match prepare().await {
                    Ok(prepared) => {
                        let decide = |order: &Order, now| decide(order, now, &prepared);
                        self.revise_once(id, expected, repeat, &decide).await
                    }
                    Err(e) => Err(e),
                };
                match outcome {
                    // Someone else changed the order first: decide again on
                    // what they left, unless the caller named the version.
                    Err(ChangeStatusError::VersionMismatch { .. }) if expected.is_none() => {
                        Attempt::Lost
                    }
                    Err(ChangeStatusError::Store(StoreError::Contended)) => Attempt::Lost,
                    outcome => Attempt::Done(outcome),
                }
            })
            .await
    }

    /// One read-decide-write of [`OrderService::revise_order`].
    async fn revise_once(
        &self,
        id: OrderId,
        expected: Option<u64>,
        repeat: Option<Repeat>,
        decide: &impl Fn(&Order, Timestamp) -> Result<Order, ChangeStatusError>,
    ) -> Result<Order, ChangeStatusError> {
        let order = self
            .store
            .get_order(id)
            .await?
            .ok_or(ChangeStatusError::NotFound)?;
        if repeat.is_some_and(|r| r.of(&order, expected)) {
            return Ok(order);
        }
        let current = order.version();
        if expected.is_some_and(|v| v != current) {
            return Err(ChangeStatusError::VersionMismatch { current });
        }
        let next = decide(&order, self.clock.now())?;
        if next.version() == current {
            return Ok(order);
        }
        let sends = next.shipments().len() > order.shipments().len();
        if sends && self.address_required && order.shipping_address().is_none() {
            return Err(ChangeStatusError::AddressRequired);
        }
        let revision = OrderRevision {
            expected_version: current,
            order: next,
        };
        self.store.revise(revision).await.map_err(|e| match e {
            ReviseError::VersionMismatch { current } => {
                ChangeStatusError::VersionMismatch { current }
            }
            ReviseError::NotFound => ChangeStatusError::NotFound,
            ReviseError::OutOfStock {
                product,
                name,
                requested,
                available,
            } => ChangeStatusError::Line(Box::new(PlaceOrderError::OutOfStock {
                // The edit names the line's own field.
                field: "items".to_owned(),
                product,
                name,
                requested: u32::try_from(requested).unwrap_or(u32::MAX),
                available,
            })),
            ReviseError::Store(e) => e.into(),
        })
    }
}

/// A status change as asked, to recognise it sent again.
#[derive(Clone, Copy)]
pub(super) struct Repeat {
    to: OrderStatus,
    by: Actor,
    payment: Option<bool>,
}

impl Repeat {
    /// Whether this request repeats the change that left `order` as it is.
    fn of(self, order: &Order, expected: Option<u64>) -> bool {
        order.repeats_move(self.to, self.by.user, expected)
            && self.payment.is_none_or(|p| p == order.payment_collected())
    }
}

/// The order after the request: the move (with its reason, if given) and
/// payment. Payment is applied first, so "collected, then delivered" is one
/// request.
fn plan(
    by: Actor,
    order: &Order,
    to: Option<(OrderStatus, Option<Note>)>,
    payment: Option<bool>,
    now: Timestamp,
) -> Result<Order, ChangeStatusError> {
    let mut next = order.clone();
    if let Some(collected) = payment {
        by.require(Permission::CollectPayment)?;
        next.set_payment_collected(collected, by, now)?;
    }
    if let Some((to, reason)) = to {
        authorize(by, order, to)?;
        next.change_status_because(to, by, now, reason)?;
    }
    Ok(next)
}

/// Staff and admins may make any legal move; a customer may only cancel
/// an order it placed itself while it is still pending.
fn authorize(by: Actor, order: &Order, to: OrderStatus) -> Result<(), ChangeStatusError> {
    if by.may(Permission::ChangeOrderStatus) {
        return Ok(());
    }
    let own_pending_cancel = to == OrderStatus::Cancelled
        && order.status() == OrderStatus::Pending
        && order.placed_by().user == by.user;
    if by.may(Permission::CancelOwnPendingOrder) && own_pending_cancel {
        return Ok(());
    }
    Err(Forbidden(Permission::ChangeOrderStatus).into())
}
