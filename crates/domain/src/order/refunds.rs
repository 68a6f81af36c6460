//! Refunds: money the shop records as paid back on an order whose payment
//! was collected (a payment system then executes it), never more in all
//! than the order's total. A refund sent again with its idempotency key
//! is the first one, not a second.

use super::Order;
use super::activity::Change;
use crate::idempotency::{IdempotencyKey, RequestFingerprint};
use crate::ids::UserId;
use crate::money::Money;
use crate::note::Note;
use crate::timestamp::Timestamp;
use crate::user::Actor;

/// Money paid back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refund {
    /// Its number on the order: 1, 2, …
    pub id: u32,
    /// How much, in minor units; more than zero.
    pub amount: Money,
    /// Why.
    pub reason: Note,
    /// The return it pays for, if any.
    pub return_id: Option<u32>,
    /// The idempotency key it was sent with, by whom, and a digest of the
    /// request, to tell a retry from a reuse.
    pub key: Option<RefundKey>,
}

/// An idempotency key kept with the refund it made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundKey {
    /// Who sent it.
    pub user: UserId,
    /// The client's key.
    pub key: IdempotencyKey,
    /// A digest of the request.
    pub fingerprint: RequestFingerprint,
}

/// Why a refund cannot be recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RefundError {
    /// No payment was collected, so there is nothing to pay back.
    #[error("no payment was collected on this order")]
    NotPaid,
    /// A refund of nothing.
    #[error("must be more than zero")]
    NotPositive,
    /// More than is left of the total to pay back.
    #[error("must be at most {}, what is left to refund", left.minor())]
    OverTotal {
        /// What is left.
        left: Money,
    },
    /// The order has no return with that number.
    #[error("the order has no such return")]
    UnknownReturn,
    /// The key was used for a different refund.
    #[error("the idempotency key was already used for a different refund")]
    KeyReused,
}

/// A refund recorded, or found already recorded under its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refunded {
    /// The refund's number.
    pub id: u32,
    /// Whether it was recorded before, by a request with the same key.
    pub replayed: bool,
}

impl Order {
    /// Every refund, first first, with when and by whom.
    pub fn refunds(&self) -> impl Iterator<Item = (&Refund, Timestamp, Actor)> + '_ {
        self.activity.iter().filter_map(|a| match &a.change {
            Change::Refunded(refund) => Some((&**refund, a.at, a.by)),
            _ => None,
        })
    }

    /// The sum of the refunds.
    pub fn refunded_total(&self) -> Money {
        self.refunds().fold(Money::ZERO, |sum, (r, _, _)| {
            // Refunds never pass the total, so their sum fits.
            sum.checked_add(r.amount).unwrap_or(sum)
        })
    }

    /// What may still be refunded: the total less the refunds.
    pub fn left_to_refund(&self) -> Money {
        // An edit never takes the total below the refunds; were a stored
        // order to say otherwise, nothing is left.
        self.total
            .checked_sub(self.refunded_total())
            .unwrap_or(Money::ZERO)
    }

    /// Records paying back `amount` because of `reason`.
    ///
    /// # Errors
    /// [`RefundError`]; the order is unchanged.
    pub fn refund(
        &mut self,
        amount: Money,
        reason: Note,
        return_id: Option<u32>,
        key: Option<RefundKey>,
        by: Actor,
        at: Timestamp,
    ) -> Result<Refunded, RefundError> {
        if let Some(key) = &key {
            let earlier = self.refunds().find_map(|(r, _, _)| {
                r.key
                    .as_ref()
                    .filter(|k| k.user == key.user && k.key == key.key)
                    .map(|k| (r.id, k.fingerprint == key.fingerprint))
            });
            if let Some((id, same)) = earlier {
                return if same {
                    Ok(Refunded { id, replayed: true })
                } else {
                    Err(RefundError::KeyReused)
                };
            }
        }
        if !self.payment_collected {
            return Err(RefundError::NotPaid);
        }
        if amount.minor() <= 0 {
            return Err(RefundError::NotPositive);
        }
        let left = self.left_to_refund();
        if amount > left {
            return Err(RefundError::OverTotal { left });
        }
        if return_id.is_some_and(|id| self.returns().iter().all(|r| r.request.id != id)) {
            return Err(RefundError::UnknownReturn);
        }
        let id = u32::try_from(self.refunds().count() + 1).unwrap_or(u32::MAX);
        let refund = Refund {
            id,
            amount,
            reason,
            return_id,
            key,
        };
        self.record(by, at, Change::Refunded(Box::new(refund)));
        Ok(Refunded {
            id,
            replayed: false,
        })
    }
}
