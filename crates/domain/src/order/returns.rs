//! Returns: units that left in a shipment and come back. A return is asked
//! for (by the order's customer within the shop's window, or by staff any
//! time), then received (each line restocked or not) or rejected. Every
//! step is an activity entry; a return as it stands is folded from them.

use std::time::Duration;

use super::activity::Change;
use super::shipment::{ShipItemError, check_items};
use super::{Order, OrderError};
use crate::ids::ProductId;
use crate::note::Note;
use crate::quantity::Quantity;
use crate::timestamp::Timestamp;
use crate::user::Actor;

/// A return as asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReturnRequest {
    /// Its number on the order: 1, 2, …
    pub id: u32,
    /// The units asked to take back, one entry per product.
    pub items: Vec<(ProductId, Quantity)>,
    /// Why.
    pub reason: Note,
}

/// One line of what came back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReceivedItem {
    /// The product.
    pub product: ProductId,
    /// Units that came back.
    pub quantity: Quantity,
    /// Whether they go back on the shelf.
    pub restock: bool,
}

/// Where a return stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReturnStatus {
    /// Asked for, not yet decided.
    Requested,
    /// Came back.
    Received,
    /// Refused; its units may be asked for again.
    Rejected,
}

impl ReturnStatus {
    /// The status's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ReturnStatus::Requested => "requested",
            ReturnStatus::Received => "received",
            ReturnStatus::Rejected => "rejected",
        }
    }
}

/// A return as it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Return {
    /// What was asked.
    pub request: ReturnRequest,
    /// When it was asked.
    pub requested_at: Timestamp,
    /// Who asked.
    pub requested_by: Actor,
    /// Where it stands.
    pub status: ReturnStatus,
    /// What came back, once received.
    pub received: Vec<ReceivedItem>,
    /// When and by whom it was received or rejected.
    pub decided: Option<(Timestamp, Actor)>,
    /// Why it was rejected.
    pub rejection: Option<Note>,
}

/// Why a return cannot be asked for, received or rejected as asked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReturnError {
    /// Nothing has shipped, so nothing can come back.
    #[error("nothing on this order has shipped")]
    NothingShipped,
    /// A customer asked after the shop's window closed.
    #[error("the time to ask for a return has passed")]
    WindowClosed,
    /// Items the return cannot hold, each with its place in the request.
    #[error("{} item(s) cannot be returned", .0.len())]
    Items(Vec<ShipItemError>),
    /// No return has that number.
    #[error("the order has no such return")]
    UnknownReturn,
    /// The return was already received or rejected.
    #[error("the return is already {}", .0.as_str())]
    NotOpen(ReturnStatus),
    /// The order's rules refuse it.
    #[error(transparent)]
    Order(#[from] OrderError),
}

impl Order {
    /// Every return, first first, as it stands.
    pub fn returns(&self) -> Vec<Return> {
        let mut returns: Vec<Return> = Vec::new();
        for activity in &self.activity {
            match &activity.change {
                Change::ReturnRequested(request) => returns.push(Return {
                    request: (**request).clone(),
                    requested_at: activity.at,
                    requested_by: activity.by,
                    status: ReturnStatus::Requested,
                    received: Vec::new(),
                    decided: None,
                    rejection: None,
                }),
                Change::ReturnReceived { id, items } => {
                    if let Some(r) = returns.iter_mut().find(|r| r.request.id == *id) {
                        r.status = ReturnStatus::Received;
                        r.received.clone_from(items);
                        r.decided = Some((activity.at, activity.by));
                    }
                }
                Change::ReturnRejected { id, reason } => {
                    if let Some(r) = returns.iter_mut().find(|r| r.request.id == *id) {
                        r.status = ReturnStatus::Rejected;
                        r.rejection = Some(reason.clone());
                        r.decided = Some((activity.at, activity.by));
                    }
                }
                _ => {}
            }
        }
        returns
    }

    /// Units of `product` in returns asked for and not rejected (the
    /// units received, once received).
    pub fn returned_units(&self, product: ProductId) -> u64 {
        let units = |items: &mut dyn Iterator<Item = (ProductId, Quantity)>| -> u64 {
            items
                .filter(|&(p, _)| p == product)
                .map(|(_, q)| u64::from(q.get()))
                .sum()
        };
        self.returns()
            .iter()
            .map(|r| match r.status {
                ReturnStatus::Requested => units(&mut r.request.items.iter().copied()),
                ReturnStatus::Received => {
                    units(&mut r.received.iter().map(|i| (i.product, i.quantity)))
                }
                ReturnStatus::Rejected => 0,
            })
            .sum()
    }

    /// When the oldest return still open (asked for, neither received nor
    /// rejected) was asked for; `None` when none is. Stores keep it beside
    /// the order, so lists find the orders awaiting a return and the
    /// returns queue runs oldest first.
    pub fn open_return_since(&self) -> Option<Timestamp> {
        self.returns()
            .iter()
            .filter(|r| r.status == ReturnStatus::Requested)
            .map(|r| r.requested_at)
            .min()
    }

    /// Units of `product` that came back and went on the shelf.
    pub fn restocked_units(&self, product: ProductId) -> u64 {
        self.activity
            .iter()
            .filter_map(|a| match &a.change {
                Change::ReturnReceived { items, .. } => Some(items),
                _ => None,
            })
            .flatten()
            .filter(|i| i.restock && i.product == product)
            .map(|i| u64::from(i.quantity.get()))
            .sum()
    }

    /// Asks to take back `items` because of `reason`; returns the new
    /// return's number. `window`, for a customer, is how long after the
    /// last delivery (or, without one, the last shipment) a return may be
    /// asked for; staff pass `None`.
    ///
    /// # Errors
    /// [`ReturnError::NothingShipped`], [`ReturnError::WindowClosed`], or
    /// [`ReturnError::Items`] for items not shipped, already in a return or
    /// repeated. The order is unchanged on error.
    pub fn request_return(
        &mut self,
        items: Vec<(ProductId, Quantity)>,
        reason: Note,
        by: Actor,
        at: Timestamp,
        window: Option<Duration>,
    ) -> Result<u32, ReturnError> {
        let shipped = self
            .lines
            .iter()
            .any(|l| self.shipped_units(l.product_id()) > 0);
        if !shipped {
            return Err(ReturnError::NothingShipped);
        }
        if let Some(window) = window {
            let since = self
                .shipments
                .iter()
                .map(|s| s.delivered.map_or(s.shipped_at, |d| d.at))
                .max()
                .unwrap_or(self.updated_at);
            let allowed = i64::try_from(window.as_millis()).unwrap_or(i64::MAX);
            if at.unix_millis().saturating_sub(since.unix_millis()) > allowed {
                return Err(ReturnError::WindowClosed);
            }
        }
        let left = |product| {
            (self.units_of(product) > 0).then(|| {
                self.shipped_units(product)
                    .saturating_sub(self.returned_units(product))
            })
        };
        let refused = check_items(&items, left);
        if !refused.is_empty() {
            return Err(ReturnError::Items(refused));
        }
        let id = u32::try_from(self.returns().len() + 1).unwrap_or(u32::MAX);
        let request = ReturnRequest { id, items, reason };
        self.record(by, at, Change::ReturnRequested(Box::new(request)));
        Ok(id)
    }

    /// Records that return `id` came back with `items` (at most what was
    /// asked for each product), the restocked ones going back on the shelf
    /// with the revision that records it.
    ///
    /// # Errors
    /// [`ReturnError::UnknownReturn`], [`ReturnError::NotOpen`] once it
    /// was received or rejected, [`ReturnError::Items`] for more than was
    /// asked or a product not in the return.
    pub fn receive_return(
        &mut self,
        id: u32,
        items: Vec<ReceivedItem>,
        by: Actor,
        at: Timestamp,
    ) -> Result<(), ReturnError> {
        let open = self.open_return(id)?;
        let asked = |product| {
            open.request
                .items
                .iter()
                .find(|&&(p, _)| p == product)
                .map(|&(_, q)| u64::from(q.get()))
        };
        let pairs: Vec<_> = items.iter().map(|i| (i.product, i.quantity)).collect();
        let refused = check_items(&pairs, asked);
        if !refused.is_empty() {
            return Err(ReturnError::Items(refused));
        }
        self.record(by, at, Change::ReturnReceived { id, items });
        Ok(())
    }

    /// Refuses return `id` because of `reason`.
    ///
    /// # Errors
    /// [`ReturnError::UnknownReturn`], or [`ReturnError::NotOpen`] once it
    /// was received or rejected.
    pub fn reject_return(
        &mut self,
        id: u32,
        reason: Note,
        by: Actor,
        at: Timestamp,
    ) -> Result<(), ReturnError> {
        self.open_return(id)?;
        self.record(by, at, Change::ReturnRejected { id, reason });
        Ok(())
    }

    fn open_return(&self, id: u32) -> Result<Return, ReturnError> {
        let found = self
            .returns()
            .into_iter()
            .find(|r| r.request.id == id)
            .ok_or(ReturnError::UnknownReturn)?;
        match found.status {
            ReturnStatus::Requested => Ok(found),
            other => Err(ReturnError::NotOpen(other)),
        }
    }
}

#[cfg(test)]
mod tests;
