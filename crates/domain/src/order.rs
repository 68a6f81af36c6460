//! Orders: placed once with their lines priced, then moved through the
//! status machine. Fields are private so the total always equals the sum of
//! the lines and every status change lands in the history.

pub mod activity;
pub mod edit;
mod error;
mod fulfilment;
pub mod hold;
pub mod line;
pub mod number;
pub mod refunds;
mod restore;
pub mod returns;
pub mod shipment;
pub mod status;
mod timeline;

use std::collections::HashSet;

use crate::address::ShippingAddress;
use crate::email::Email;
use crate::ids::{CustomerId, OrderId, ProductId, UserId};
use crate::money::{Money, MoneyError};
use crate::name::Name;
use crate::note::Note;
use crate::quantity::Quantity;
use crate::timestamp::Timestamp;
use crate::user::Actor;
use activity::{Activity, Change};
pub use error::OrderError;
pub use fulfilment::{DeliverError, ShipError};
use line::OrderLine;
use number::OrderNumber;
pub use restore::OrderParts;
use shipment::Shipment;
use status::OrderStatus;
pub use timeline::Moment;

/// An order as the business sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Order {
    id: OrderId,
    number: OrderNumber,
    customer: CustomerSnapshot,
    // Boxed: most of an order's size otherwise, and often absent.
    shipping_address: Option<Box<ShippingAddress>>,
    lines: Vec<OrderLine>,
    total: Money,
    payment_collected: bool,
    status: OrderStatus,
    history: Vec<StatusEntry>,
    shipments: Vec<Shipment>,
    activity: Vec<Activity>,
    placed_by: Actor,
    created_at: Timestamp,
    updated_at: Timestamp,
    version: u64,
}

/// Who an order is for, as they were known when it was placed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerSnapshot {
    /// The customer record.
    pub id: CustomerId,
    /// Name at order time.
    pub name: Name,
    /// Address at order time.
    pub email: Email,
}

/// One step of an order's history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusEntry {
    /// The status left.
    pub from: OrderStatus,
    /// The status entered.
    pub to: OrderStatus,
    /// When.
    pub at: Timestamp,
    /// Who.
    pub by: Actor,
    /// Why, when the person said (a cancellation's reason).
    pub reason: Option<Note>,
}

/// What a status change means beyond the order itself; the store performs
/// it atomically with writing the order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusChange {
    /// The status left.
    pub from: OrderStatus,
    /// The status entered.
    pub to: OrderStatus,
    /// The order's reserved units go back on the shelf.
    pub releases_stock: bool,
}

/// Everything needed to place an order whose lines are already priced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewOrder {
    /// The id drawn for it.
    pub id: OrderId,
    /// The number the store gave it.
    pub number: OrderNumber,
    /// Who it is for.
    pub customer: CustomerSnapshot,
    /// Where it goes, when the placer said.
    pub shipping_address: Option<ShippingAddress>,
    /// One priced line per product.
    pub lines: Vec<OrderLine>,
    /// Whether payment was taken when the order was placed.
    pub payment_collected: bool,
    /// Who placed it.
    pub placed_by: Actor,
    /// When.
    pub at: Timestamp,
}

impl Order {
    /// Keeps one order's reservation bounded and its page readable.
    pub const MAX_LINES: usize = 100;

    /// A new pending order at version 1.
    ///
    /// # Errors
    /// [`OrderError`] when the lines are empty, too many, repeat a product,
    /// or their total is past [`Money::MAX_EXACT`] (only prices stored
    /// before the bound on them can reach it).
    pub fn place(new: NewOrder) -> Result<Order, OrderError> {
        let total = check_lines(&new.lines)?;
        if total.minor() > Money::MAX_EXACT {
            return Err(OrderError::TotalOverflow);
        }
        Ok(Order {
            id: new.id,
            number: new.number,
            customer: new.customer,
            shipping_address: new.shipping_address.map(Box::new),
            lines: new.lines,
            total,
            payment_collected: new.payment_collected,
            status: OrderStatus::Pending,
            history: Vec::new(),
            shipments: Vec::new(),
            activity: Vec::new(),
            placed_by: new.placed_by,
            created_at: new.at,
            updated_at: new.at,
            version: 1,
        })
    }

    /// Moves the order to `to`, or says why not. Moving to `Shipped` sends
    /// every unit left in one shipment; moving to `Delivered` marks every
    /// shipment arrived. `PartiallyShipped` is never asked for: a shipment
    /// that leaves units behind moves the order there ([`Order::ship`]).
    ///
    /// # Errors
    /// [`OrderError::IllegalTransition`] when the status machine forbids it;
    /// the order is unchanged.
    pub fn change_status(
        &mut self,
        to: OrderStatus,
        by: Actor,
        at: Timestamp,
    ) -> Result<StatusChange, OrderError> {
        self.change_status_because(to, by, at, None)
    }

    /// As [`Order::change_status`], keeping `reason` in the history entry.
    ///
    /// # Errors
    /// [`OrderError::IllegalTransition`] when the status machine forbids it;
    /// the order is unchanged.
    pub fn change_status_because(
        &mut self,
        to: OrderStatus,
        by: Actor,
        at: Timestamp,
        reason: Option<Note>,
    ) -> Result<StatusChange, OrderError> {
        let from = self.status;
        if !from.may_become(to) || !to.may_be_asked_for() {
            return Err(OrderError::IllegalTransition { from, to });
        }
        self.fulfil_for(to, by, at);
        self.enter(to, by, at, reason);
        Ok(StatusChange {
            from,
            to,
            releases_stock: from.releases_stock_on(to),
        })
    }

    /// Records whether payment has been collected, and who said so;
    /// returns whether anything changed.
    ///
    /// # Errors
    /// [`OrderError::PaymentOnCancelled`] on a cancelled order.
    pub fn set_payment_collected(
        &mut self,
        collected: bool,
        by: Actor,
        at: Timestamp,
    ) -> Result<bool, OrderError> {
        if self.status == OrderStatus::Cancelled {
            return Err(OrderError::PaymentOnCancelled);
        }
        if self.payment_collected == collected {
            return Ok(false);
        }
        self.payment_collected = collected;
        self.record(by, at, Change::Payment { collected });
        Ok(true)
    }

    /// Whether a request by `by` to move the order to `to` repeats the
    /// move that put it there (a client sending again a change whose answer
    /// it never got): the order is at `to` and its latest status change was
    /// `by`'s move there. A request computed from version `from` repeats
    /// it only if that move came after `from` and is the order's latest
    /// change; a later change by anyone makes it stale.
    pub fn repeats_move(&self, to: OrderStatus, by: UserId, from: Option<u64>) -> bool {
        let Some(last) = self.history.last().filter(|_| to.may_be_asked_for()) else {
            return false;
        };
        let made_by = self.status == to && last.to == to && last.by.user == by;
        let still_latest = from.is_none_or(|v| self.version > v && last.at == self.updated_at);
        made_by && still_latest
    }

    /// Moves to `to` with its history entry when that is a move, and
    /// raises the version either way.
    fn enter(&mut self, to: OrderStatus, by: Actor, at: Timestamp, reason: Option<Note>) {
        if to != self.status {
            self.history.push(StatusEntry {
                from: self.status,
                to,
                at,
                by,
                reason,
            });
            self.status = to;
        }
        self.touch(at);
    }

    fn touch(&mut self, at: Timestamp) {
        self.updated_at = at;
        self.version += 1;
    }

    /// What this order holds back from stock while it is not cancelled.
    pub fn reserved(&self) -> impl Iterator<Item = (ProductId, Quantity)> + '_ {
        self.lines.iter().map(|l| (l.product_id(), l.quantity()))
    }

    /// Units of `product` this order holds.
    pub fn units_of(&self, product: ProductId) -> u64 {
        self.reserved()
            .filter(|&(p, _)| p == product)
            .map(|(_, q)| u64::from(q.get()))
            .sum()
    }

    /// Identity (also the public tracking code).
    pub fn id(&self) -> OrderId {
        self.id
    }
    /// The short number people use for it.
    pub fn number(&self) -> OrderNumber {
        self.number
    }
    /// Who it is for.
    pub fn customer(&self) -> &CustomerSnapshot {
        &self.customer
    }
    /// Where it goes, when known.
    pub fn shipping_address(&self) -> Option<&ShippingAddress> {
        self.shipping_address.as_deref()
    }
    /// The priced lines, one per product.
    pub fn lines(&self) -> &[OrderLine] {
        &self.lines
    }
    /// The sum of the line totals.
    pub fn total(&self) -> Money {
        self.total
    }
    /// Whether payment has been collected.
    pub fn payment_collected(&self) -> bool {
        self.payment_collected
    }
    /// The current status.
    pub fn status(&self) -> OrderStatus {
        self.status
    }
    /// Every status change, oldest first.
    pub fn history(&self) -> &[StatusEntry] {
        &self.history
    }
    /// Who placed it.
    pub fn placed_by(&self) -> Actor {
        self.placed_by
    }
    /// When it was placed.
    pub fn created_at(&self) -> Timestamp {
        self.created_at
    }
    /// When it last changed.
    pub fn updated_at(&self) -> Timestamp {
        self.updated_at
    }
    /// 1 when placed, plus one per change; the optimistic-concurrency token.
    pub fn version(&self) -> u64 {
        self.version
    }
}

/// The total of `lines`, when they keep the rules every order's lines
/// keep (at least one, at most [`Order::MAX_LINES`], one per product, a
/// sum that fits).
///
/// # Errors
/// [`OrderError`] for the first rule broken.
pub fn lines_total(lines: &[OrderLine]) -> Result<Money, OrderError> {
    check_lines(lines)
}

/// Checks the line rules and returns the total.
pub(crate) fn check_lines(lines: &[OrderLine]) -> Result<Money, OrderError> {
    if lines.is_empty() {
        return Err(OrderError::NoLines);
    }
    if lines.len() > Order::MAX_LINES {
        return Err(OrderError::TooManyLines {
            max: Order::MAX_LINES,
        });
    }
    let mut seen = HashSet::with_capacity(lines.len());
    let mut total = Money::ZERO;
    for line in lines {
        if !seen.insert(line.product_id()) {
            return Err(OrderError::DuplicateProduct(line.product_id()));
        }
        total = total
            .checked_add(line.line_total())
            .map_err(|_: MoneyError| OrderError::TotalOverflow)?;
    }
    Ok(total)
}

#[cfg(test)]
mod tests;
