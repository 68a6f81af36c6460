//! After the order: returns asked for by the order's customer or the
//! staff, received (with a restock choice per line) or rejected by the
//! staff, and refunds recorded by the staff, each a compare-and-set on the
//! order's version like every other change.

use std::cell::Cell;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use oms_domain::idempotency::{IdempotencyKey, RequestFingerprint};
use oms_domain::invalid::{Invalid, Reason, Validation};
use oms_domain::money::Money;
use oms_domain::note::Note;
use oms_domain::order::Order;
use oms_domain::order::refunds::{RefundError, RefundKey, Refunded};
use oms_domain::order::returns::{ReceivedItem, ReturnError};
use oms_domain::user::{Actor, Permission};
use oms_ports::clock::Clock;
use oms_ports::store::OrderStore;
use sha2::{Digest, Sha256};

use super::{ItemInput, OrderService, items};
use crate::orders::status::ChangeStatusError;

/// A return as the client asked for it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestReturn {
    /// The units to take back.
    pub items: Vec<ItemInput>,
    /// Why.
    pub reason: String,
}

/// One line of what came back, as the client said.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReceivedInput {
    /// The product's id.
    pub product_id: String,
    /// Units that came back.
    pub quantity: i64,
    /// Whether they go back on the shelf.
    pub restock: bool,
}

/// A refund as the client asked for it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordRefund {
    /// Minor units, more than zero.
    pub amount: i64,
    /// Why.
    pub reason: String,
    /// The return it pays for.
    pub return_id: Option<u64>,
    /// The client's idempotency key, if it sent one.
    pub idempotency_key: Option<String>,
}

/// A refused return as every change's outcome.
fn return_refused(error: ReturnError) -> ChangeStatusError {
    match error {
        ReturnError::Items(items) => {
            let mut v = Validation::new();
            for item in items {
                v.fail(item.field(), item);
            }
            match v.finish() {
                Err(invalid) => invalid.into(),
                // Refused items are never none; say so if they were.
                Ok(()) => Invalid::one("items", Reason::Empty).into(),
            }
        }
        ReturnError::UnknownReturn => ChangeStatusError::ReturnNotFound,
        ReturnError::Order(rule) => rule.into(),
        other => ChangeStatusError::Return(other),
    }
}

impl<S: OrderStore, C: Clock, I> OrderService<S, C, I> {
    /// The same service letting customers ask for returns for `window`
    /// after the last delivery (or shipment) of their order.
    pub fn with_return_window(self, window: Duration) -> Self {
        OrderService {
            return_window: window,
            ..self
        }
    }

    /// Asks to take back units of a shipped order: its own customer within
    /// the window, staff any time. Returns the order and the return's number.
    ///
    /// # Errors
    /// [`ChangeStatusError::NotFound`] for another customer's order,
    /// [`ChangeStatusError::Invalid`] naming bad items or `reason`,
    /// [`ChangeStatusError::Return`] when nothing has shipped or the
    /// window has closed; nothing is written.
    #[tracing::instrument(skip_all, fields(order_id = %order_id, user = %by.user))]
    pub async fn request_return(
        &self,
        by: Actor,
        order_id: &str,
        cmd: RequestReturn,
    ) -> Result<(Order, u32), ChangeStatusError> {
        let staff = by.may(Permission::ChangeOrderStatus);
        if !staff {
            by.require(Permission::PlaceOwnOrder)?;
        }
        let mut v = Validation::new();
        let items = items::parse(&mut v, &cmd.items, |i| (i.product_id.as_str(), i.quantity));
        let reason = v.check("reason", Note::parse(&cmd.reason));
        let reason = v.finish_with("reason", reason)?;
        let window = (!staff).then_some(self.return_window);
        let made = Cell::new(0);
        let order = self
            .revise_order(order_id, None, None, |order, now| {
                if !staff && order.placed_by().user != by.user {
                    return Err(ChangeStatusError::NotFound);
                }
                let mut next = order.clone();
                let id = next
                    .request_return(items.clone(), reason.clone(), by, now, window)
                    .map_err(return_refused)?;
                made.set(id);
                Ok(next)
            })
            .await?;
        Ok((order, made.get()))
    }

    /// Records what came back of return `return_id` (staff and admins),
    /// restocking the lines that say so in the same step.
    ///
    /// # Errors
    /// [`ChangeStatusError::ReturnNotFound`], [`ChangeStatusError::Return`]
    /// once received or rejected, [`ChangeStatusError::Invalid`] for items
    /// not in the return or more than asked; nothing is written.
    #[tracing::instrument(skip_all, fields(order_id = %order_id, user = %by.user))]
    pub async fn receive_return(
        &self,
        by: Actor,
        order_id: &str,
        return_id: &str,
        items: &[ReceivedInput],
    ) -> Result<Order, ChangeStatusError> {
        by.require(Permission::ChangeOrderStatus)?;
        let id: u32 = return_id
            .parse()
            .map_err(|_| ChangeStatusError::ReturnNotFound)?;
        let mut v = Validation::new();
        let lines = items::parse(&mut v, items, |i| (i.product_id.as_str(), i.quantity));
        v.finish()?;
        let received: Vec<_> = lines
            .iter()
            .zip(items)
            .map(|(&(product, quantity), input)| ReceivedItem {
                product,
                quantity,
                restock: input.restock,
            })
            .collect();
        self.revise_order(order_id, None, None, |order, now| {
            let mut next = order.clone();
            next.receive_return(id, received.clone(), by, now)
                .map_err(return_refused)?;
            Ok(next)
        })
        .await
    }

    /// Refuses return `return_id` (staff and admins); its units may be
    /// asked for again.
    ///
    /// # Errors
    /// As [`OrderService::receive_return`], and `reason` as a field.
    #[tracing::instrument(skip_all, fields(order_id = %order_id, user = %by.user))]
    pub async fn reject_return(
        &self,
        by: Actor,
        order_id: &str,
        return_id: &str,
        reason: &str,
    ) -> Result<Order, ChangeStatusError> {
        by.require(Permission::ChangeOrderStatus)?;
        let id: u32 = return_id
            .parse()
            .map_err(|_| ChangeStatusError::ReturnNotFound)?;
        let reason = Note::parse(reason).map_err(|e| Invalid::one("reason", e))?;
        self.revise_order(order_id, None, None, |order, now| {
            let mut next = order.clone();
            next.reject_return(id, reason.clone(), by, now)
                .map_err(return_refused)?;
            Ok(next)
        })
        .await
    }

    /// Records money paid back on a paid order (staff and admins). With an
    /// idempotency key this user already used on the order for the same
    /// request, answers the first refund (`replayed`) and writes nothing.
    ///
    /// # Errors
    /// [`ChangeStatusError::Invalid`] for `amount` (not positive, past
    /// what is left), `reason` or `returnId`; [`ChangeStatusError::Refund`]
    /// when no payment was collected or the key was used for another refund.
    #[tracing::instrument(skip_all, fields(order_id = %order_id, user = %by.user))]
    pub async fn refund(
        &self,
        by: Actor,
        order_id: &str,
        cmd: RecordRefund,
    ) -> Result<(Order, Refunded), ChangeStatusError> {
        by.require(Permission::CollectPayment)?;
        let mut v = Validation::new();
        let amount = v.check("amount", Money::from_minor(cmd.amount));
        let reason = v.check("reason", Note::parse(&cmd.reason));
        let key = cmd
            .idempotency_key
            .as_deref()
            .and_then(|raw| v.check("Idempotency-Key", IdempotencyKey::parse(raw)));
        let return_id = match cmd.return_id.map(u32::try_from) {
            Some(Ok(id)) => Some(id),
            Some(Err(_)) => {
                v.fail("returnId", Reason::Rule("is not a return on this order"));
                None
            }
            None => None,
        };
        let (amount, reason) = v.finish_with("amount", amount.zip(reason))?;
        let key = key.map(|key| RefundKey {
            user: by.user,
            key,
            fingerprint: refund_fingerprint(amount, &reason, return_id),
        });
        let outcome = Cell::new(None);
        let order = self
            .revise_order(order_id, None, None, |order, now| {
                let mut next = order.clone();
                let left = order.left_to_refund();
                let refunded = next
                    .refund(amount, reason.clone(), return_id, key.clone(), by, now)
                    .map_err(|e| refund_refused(e, left))?;
                outcome.set(Some(refunded));
                Ok(next)
            })
            .await?;
        let refunded = outcome
            .get()
            .ok_or_else(|| oms_ports::error::corrupt("a refund was decided but not recorded"))?;
        Ok((order, refunded))
    }
}

/// A digest of a refund request, to tell a retry from a reuse of its key.
fn refund_fingerprint(amount: Money, reason: &Note, return_id: Option<u32>) -> RequestFingerprint {
    let mut digest = Sha256::new();
    let return_id = return_id.map_or(String::new(), |id| id.to_string());
    digest.update(format!(
        "refund v1\n{}\n{}\n{return_id}\n",
        amount.minor(),
        reason.as_str()
    ));
    RequestFingerprint::new(URL_SAFE_NO_PAD.encode(digest.finalize()))
}

fn refund_refused(error: RefundError, left: Money) -> ChangeStatusError {
    match error {
        RefundError::NotPositive | RefundError::OverTotal { .. } => {
            let range = Reason::OutOfRange {
                min: 1,
                max: left.minor(),
            };
            Invalid::one("amount", range).into()
        }
        RefundError::UnknownReturn => {
            Invalid::one("returnId", Reason::Rule("is not a return on this order")).into()
        }
        other => ChangeStatusError::Refund(other),
    }
}
