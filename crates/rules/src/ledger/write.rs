//! One write of a group and its answer, as a group commit carries them.

use oms_domain::order::Order;

use oms_ports::draft::{OrderDraft, OrderRevision, Placement};
use oms_ports::error::{PlaceError, ReviseError, StoreError};

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
