//! Password hashing, as a port: slow on purpose in production, fast in tests.

use oms_domain::password::{Password, PasswordHash};

/// The hashing itself failed (bad parameters, a malformed stored hash).
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashingError(pub String);

/// Hashes and verifies passwords. Calls are CPU-bound and may take tens of
/// milliseconds; callers run them off the async executor.
#[cfg_attr(feature = "mock", mockall::automock)]
pub trait PasswordHashing: Send + Sync + 'static {
    /// A salted hash of `password`.
    ///
    /// # Errors
    /// [`HashingError`] when the hasher cannot run.
    fn hash(&self, password: &Password) -> Result<PasswordHash, HashingError>;

    /// Whether `password` matches `hash`.
    ///
    /// # Errors
    /// [`HashingError`] when `hash` is not a hash this hasher can read.
    fn verify(&self, password: &Password, hash: &PasswordHash) -> Result<bool, HashingError>;
}
