//! What can go wrong in a store: one infrastructure error, plus a typed
//! outcome per operation where the store is the one that decides.

use oms_domain::ids::ProductId;
use oms_domain::name::Name;
use oms_domain::order::OrderError;
use oms_domain::quantity::Quantity;
use oms_domain::stock::{Stock, StockError};

/// Any error, boxed, for causes the core only logs.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The store itself failed; nothing about the request was wrong.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store cannot be reached or timed out; retrying later may work.
    #[error("the store is unavailable")]
    Unavailable(#[source] BoxError),
    /// The write lost a race with a concurrent one (a compare-and-set
    /// that missed, a transaction's write conflict) and wrote nothing;
    /// sending it again may work. Stores report it at once; the use cases
    /// try again and report it only when their deadline has passed.
    #[error("the change kept colliding with others")]
    Contended,
    /// Too many writes are waiting for the store; this one was not taken
    /// (nothing written). Sending it again shortly may work.
    #[error("too many writes are waiting for the store")]
    Busy,
    /// The write was sent, but whether the store carried it out cannot be
    /// learned now (the answer to a commit was lost and the store could
    /// not be read back). Sending it again is safe only where a repeat is
    /// recognised: an order with the same idempotency key, a status change
    /// as it was.
    #[error("whether the write was carried out is unknown")]
    OutcomeUnknown(#[source] BoxError),
    /// Anything else: corrupt data, a bug, a driver error we did not expect.
    #[error("the store failed")]
    Internal(#[source] BoxError),
}

/// An error that may be a lost race ([`StoreError::Contended`]): nothing
/// was written, and the same write sent again may succeed.
pub trait LostRace {
    /// Whether this is a lost race.
    fn lost_race(&self) -> bool;
}

impl LostRace for StoreError {
    fn lost_race(&self) -> bool {
        matches!(self, StoreError::Contended)
    }
}

macro_rules! lost_race_in_store {
    ($($error:ty),+) => {$(
        impl LostRace for $error {
            fn lost_race(&self) -> bool {
                matches!(self, Self::Store(StoreError::Contended))
            }
        }
    )+};
}

lost_race_in_store!(PlaceError, ReviseError, UpdateProductError, UpdateUserError);

/// Stored data that breaks a rule it was written under (damage, or a bug
/// in whatever wrote it): reported as the store failing, never trusted.
pub fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Internal(format!("corrupt stored data: {what}").into())
}

/// `parsed`, a stored field named `name`, with any failure as [`corrupt`].
///
/// # Errors
/// [`StoreError::Internal`] naming the field and what was wrong with it.
pub fn field<T, E: std::fmt::Display>(name: &str, parsed: Result<T, E>) -> Result<T, StoreError> {
    parsed.map_err(|e| corrupt(format_args!("{name}: {e}")))
}

/// Why an order was not placed. In every case nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum PlaceError {
    /// A line names a product that does not exist.
    #[error("product {0} does not exist")]
    UnknownProduct(ProductId),
    /// A line names a product the shop no longer sells.
    #[error("{name} ({product}) is no longer sold")]
    ProductArchived {
        /// The archived product.
        product: ProductId,
        /// Its name, for the message a buyer sees.
        name: Name,
    },
    /// A line asks for more than is left.
    #[error("only {} of {name} left, {} requested", available.units(), requested.get())]
    OutOfStock {
        /// The product that is short.
        product: ProductId,
        /// Its name, for the message a buyer sees.
        name: Name,
        /// What the line asked for.
        requested: Quantity,
        /// What was left.
        available: Stock,
    },
    /// The priced order breaks an order rule (its total overflows).
    #[error(transparent)]
    Order(#[from] OrderError),
    /// The idempotency key was used before for a different request.
    #[error("the idempotency key was already used for a different order")]
    KeyReused,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why an order revision was not written. In every case nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ReviseError {
    /// No order has that id.
    #[error("no such order")]
    NotFound,
    /// Someone else changed the order first.
    #[error("the order is at version {current}, not the expected one")]
    VersionMismatch {
        /// The version now stored.
        current: u64,
    },
    /// An edit of the lines asks for more units of a product than the
    /// shelf and the order hold together.
    #[error("only {available} of {name} left, {requested} requested")]
    OutOfStock {
        /// The product that is short.
        product: ProductId,
        /// Its name.
        name: Name,
        /// The units the edited line asks for.
        requested: u64,
        /// The most the line could have: what the order holds and the
        /// shelf has left.
        available: u64,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why a product change was not written.
#[derive(Debug, thiserror::Error)]
pub enum UpdateProductError {
    /// No product has that id.
    #[error("no such product")]
    NotFound,
    /// The product is no longer at the version the caller expected.
    #[error("the product is at version {current}")]
    VersionMismatch {
        /// The version now stored.
        current: u64,
    },
    /// The change would leave the stock level out of range.
    #[error(transparent)]
    Stock(#[from] StockError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why a customer or user was not inserted.
#[derive(Debug, thiserror::Error)]
pub enum InsertError {
    /// Another record already has this e-mail address.
    #[error("the e-mail address is already taken")]
    DuplicateEmail,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why a user was not updated.
#[derive(Debug, thiserror::Error)]
pub enum UpdateUserError {
    /// No user has that id.
    #[error("no such user")]
    NotFound,
    /// Another user already has the new e-mail address.
    #[error("the e-mail address is already taken")]
    DuplicateEmail,
    /// It would leave no active admin.
    #[error("the last active admin cannot be demoted or disabled")]
    LastAdmin,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}
