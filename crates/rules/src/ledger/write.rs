//! One write of a group and its answer, as a group commit carries them,
//! and everything a group's decided writes store.

use oms_domain::customer::Customer;
use oms_domain::event::OrderEvent;
use oms_domain::idempotency::IdempotencyKey;
use oms_domain::ids::UserId;
use oms_domain::order::Order;
use oms_domain::product::Product;

use super::UsedKey;
use crate::summary::kept::{TallyDelta, TallyKey};

use oms_ports::draft::{OrderDraft, OrderRevision, Placement};
use oms_ports::error::{PlaceError, ReviseError, StoreError};

/// A product to write, and the version it was read at (for a store that
/// must check nobody else wrote it since).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangedProduct {
    /// The product as it is now to be stored.
    pub product: Product,
    /// Its version when read.
    pub read_version: u64,
}

/// An order to rewrite, and the version it was read at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevisedOrder {
    /// The order as it is now to be stored.
    pub order: Order,
    /// Its version when read.
    pub read_version: u64,
}

/// Everything a group of decided writes stores, in the order decided.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Products whose stock moved.
    pub products: Vec<ChangedProduct>,
    /// New customers.
    pub customers: Vec<Customer>,
    /// New orders.
    pub placed: Vec<Order>,
    /// Stored orders that changed.
    pub revised: Vec<RevisedOrder>,
    /// Idempotency keys used for the first time, by user.
    pub keys: Vec<(UserId, IdempotencyKey, UsedKey)>,
    /// One event per change, in commit order.
    pub events: Vec<OrderEvent>,
    /// What the orders placed and revised change in the kept summary
    /// tallies, each tally once.
    pub tallies: Vec<(TallyKey, TallyDelta)>,
}

impl Changes {
    /// Whether nothing is to be written.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty() && self.customers.is_empty()
    }
}

/// One write of a group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Write {
    /// Place an order.
    Place(OrderDraft),
    /// Revise an order.
    Revise(OrderRevision),
}

/// The answer to one [`Write`].
#[derive(Debug)]
pub enum Decision {
    /// What placing answered.
    Placed(Result<Placement, PlaceError>),
    /// What revising answered.
    Revised(Result<Order, ReviseError>),
}

impl Write {
    /// The answer when the store failed for the whole group.
    pub fn failed(&self, error: StoreError) -> Decision {
        match self {
            Write::Place(_) => Decision::Placed(Err(error.into())),
            Write::Revise(_) => Decision::Revised(Err(error.into())),
        }
    }
}

impl Decision {
    /// Whether the store could not be reached for it.
    pub fn unreachable(&self) -> bool {
        matches!(
            self,
            Decision::Placed(Err(PlaceError::Store(StoreError::Unavailable(_))))
                | Decision::Revised(Err(ReviseError::Store(StoreError::Unavailable(_))))
        )
    }

    /// Whether committing its group writes something for it (a refusal or
    /// a replayed placement writes nothing).
    pub fn writes(&self) -> bool {
        match self {
            Decision::Placed(placed) => placed.as_ref().is_ok_and(|p| !p.replayed),
            Decision::Revised(revised) => revised.is_ok(),
        }
    }

    /// The answer when its group's commit did not take, or may not have:
    /// `error` if it writes something, else the answer as decided (a
    /// refusal read from a consistent snapshot stands either way).
    pub fn uncommitted(self, error: impl FnOnce() -> StoreError) -> Decision {
        if !self.writes() {
            return self;
        }
        match self {
            Decision::Placed(_) => Decision::Placed(Err(error().into())),
            Decision::Revised(_) => Decision::Revised(Err(error().into())),
        }
    }

    /// The answer to a [`Write::Place`].
    ///
    /// # Errors
    /// The placement's refusal; an internal error if this answers a
    /// revision, which only a bug can cause.
    pub fn into_placed(self) -> Result<Placement, PlaceError> {
        match self {
            Decision::Placed(placed) => placed,
            Decision::Revised(_) => Err(mismatched().into()),
        }
    }

    /// The answer to a [`Write::Revise`].
    ///
    /// # Errors
    /// The revision's refusal; an internal error if this answers a
    /// placement.
    pub fn into_revised(self) -> Result<Order, ReviseError> {
        match self {
            Decision::Revised(revised) => revised,
            Decision::Placed(_) => Err(mismatched().into()),
        }
    }
}

fn mismatched() -> StoreError {
    StoreError::Internal("a write was answered with another kind of write's answer".into())
}
