//! Users: register, sign in, and the administrator's create-or-update.
//!
//! Hashing runs on tokio's blocking pool: an Argon2id hash takes tens of
//! milliseconds of CPU, which would stall every request sharing the thread.

use std::sync::Arc;

use oms_domain::email::Email;
use oms_domain::ids::UserId;
use oms_domain::invalid::{Invalid, Validation};
use oms_domain::name::Name;
use oms_domain::password::{Password, PasswordHash};
use oms_domain::user::{Role, User};
use oms_ports::clock::Clock;
use oms_ports::error::{InsertError, StoreError, UpdateUserError};
use oms_ports::ids::IdSource;
use oms_ports::passwords::{HashingError, PasswordHashing};
use oms_ports::store::UserStore;
use tokio::sync::OnceCell;

use crate::hashing_threads::HashingThreads;

mod accounts;
mod staff_names;

pub use accounts::{AccountChange, AccountError};
pub use staff_names::{FRESH as STAFF_NAMES_FRESH, StaffNames};

/// The user use cases, over a store `S`, a hasher `H`, a clock `C` and ids `I`.
#[derive(Debug)]
pub struct UserService<S, H, C, I> {
    store: S,
    hashing: Arc<H>,
    clock: C,
    ids: I,
    /// A hash no password matches, verified when there is no real one to
    /// verify, so an unknown address costs as much time as a wrong password.
    decoy: Arc<OnceCell<PasswordHash>>,
    /// One hash per core at a time: each takes megabytes and a core, so a
    /// burst of sign-ins queues instead of exhausting memory.
    hashing_threads: Arc<HashingThreads>,
    staff_names: Arc<staff_names::Kept>,
}

impl<S: Clone, H, C: Clone, I: Clone> Clone for UserService<S, H, C, I> {
    fn clone(&self) -> Self {
        UserService {
            store: self.store.clone(),
            hashing: Arc::clone(&self.hashing),
            clock: self.clock.clone(),
            ids: self.ids.clone(),
            decoy: Arc::clone(&self.decoy),
            hashing_threads: Arc::clone(&self.hashing_threads),
            staff_names: Arc::clone(&self.staff_names),
        }
    }
}

/// A new user's details, as the client sent them.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Register {
    /// Display name.
    pub name: String,
    /// Sign-in address.
    pub email: String,
    /// The chosen password.
    pub password: String,
}

impl std::fmt::Debug for Register {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Register")
            .field("name", &self.name)
            .field("email", &self.email)
            .field("password", &"[redacted]")
            .finish()
    }
}

/// Why a user was not created or updated. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    /// The request breaks field rules.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// A user with this e-mail address already exists.
    #[error("a user with this e-mail address already exists")]
    DuplicateEmail,
    /// The caller may not create accounts.
    #[error(transparent)]
    Forbidden(#[from] oms_domain::user::Forbidden),
    /// The password could not be hashed.
    #[error(transparent)]
    Hashing(#[from] HashingError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why tokens could not be revoked.
#[derive(Debug, thiserror::Error)]
pub enum RevokeError {
    /// No account has this address.
    #[error("no account has this e-mail address")]
    NoSuchAccount,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why signing in failed.
#[derive(Debug, thiserror::Error)]
pub enum AuthenticateError {
    /// Unknown address, wrong password or malformed input: one answer for
    /// all, so the response does not tell which addresses have accounts.
    #[error("invalid e-mail address or password")]
    InvalidCredentials,
    /// The right password for an account an admin has disabled.
    #[error("this account is disabled")]
    Disabled,
    /// The hasher failed (e.g. a corrupt stored hash).
    #[error(transparent)]
    Hashing(#[from] HashingError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A valid password that protects nothing, for the decoy hash.
const DECOY_PASSWORD: &str = "decoy password, never a real one";

impl<S, H, C, I> UserService<S, H, C, I> {
    /// A service over these ports.
    pub fn new(store: S, hashing: H, clock: C, ids: I) -> Self {
        UserService {
            store,
            hashing: Arc::new(hashing),
            clock,
            ids,
            decoy: Arc::new(OnceCell::new()),
            hashing_threads: Arc::new(HashingThreads::new()),
            staff_names: Arc::default(),
        }
    }
}

impl<S: UserStore, H: PasswordHashing, C: Clock, I: IdSource> UserService<S, H, C, I> {
    /// Signs up a new customer: the role is always `Customer`.
    ///
    /// # Errors
    /// [`RegisterError::DuplicateEmail`] when the address is taken,
    /// [`RegisterError::Invalid`] naming every bad field.
    #[tracing::instrument(skip_all)]
    pub async fn register(&self, cmd: Register) -> Result<User, RegisterError> {
        self.create(cmd, Role::Customer).await
    }

    /// Creates a user with any role; for operators (the command line, the
    /// configured administrator), never for a public endpoint.
    ///
    /// # Errors
    /// As [`UserService::register`].
    #[tracing::instrument(skip_all, fields(%role))]
    pub async fn create(&self, cmd: Register, role: Role) -> Result<User, RegisterError> {
        let user = self.new_user(&cmd, role).await?;
        match self.save_new(&user).await {
            Ok(()) => Ok(user),
            Err(InsertError::DuplicateEmail) => Err(RegisterError::DuplicateEmail),
            Err(InsertError::Store(e)) => Err(e.into()),
        }
    }

    /// Creates the user, or, when the address exists, gives it this name,
    /// password and role: how a configured administrator is kept in line
    /// with the configuration at every start.
    ///
    /// # Errors
    /// [`RegisterError::Invalid`] naming every bad field.
    #[tracing::instrument(skip_all, fields(%role))]
    pub async fn ensure(&self, cmd: Register, role: Role) -> Result<User, RegisterError> {
        let mut user = self.new_user(&cmd, role).await?;
        // Two passes cover a concurrent start that inserts between our read
        // and our insert: the second pass finds that user and updates it.
        for _ in 0..2 {
            if let Some(existing) = self.store.find_user_by_email(&user.email).await? {
                user.id = existing.id;
                user.created_at = existing.created_at;
                user.disabled = existing.disabled;
                // A new password or role ends the tokens issued under the
                // old; the same ones (a restart with the same configuration)
                // keep them working.
                let password =
                    Password::typed(&cmd.password).map_err(|e| HashingError(e.to_string()))?;
                let unchanged = existing.role == role
                    && self
                        .verify(password, existing.password_hash.clone())
                        .await?;
                user.token_generation = if unchanged {
                    existing.token_generation
                } else {
                    existing.token_generation.saturating_add(1)
                };
                return match self.save(&user).await {
                    Ok(()) => Ok(user),
                    Err(UpdateUserError::DuplicateEmail) => Err(RegisterError::DuplicateEmail),
                    Err(UpdateUserError::LastAdmin) => Err(StoreError::Internal(
                        "the last admin would lose its role".into(),
                    )
                    .into()),
                    Err(UpdateUserError::NotFound) => {
                        Err(StoreError::Internal("user vanished".into()).into())
                    }
                    Err(UpdateUserError::Store(e)) => Err(e.into()),
                };
            }
            match self.save_new(&user).await {
                Ok(()) => return Ok(user),
                Err(InsertError::DuplicateEmail) => continue,
                Err(InsertError::Store(e)) => return Err(e.into()),
            }
        }
        Err(RegisterError::DuplicateEmail)
    }

    /// Ends every token issued to the account at `email` so far.
    ///
    /// # Errors
    /// [`RevokeError::NoSuchAccount`], or the store failing.
    #[tracing::instrument(skip_all)]
    pub async fn revoke(&self, email: &str) -> Result<User, RevokeError> {
        let email = Email::parse(email).map_err(|_| RevokeError::NoSuchAccount)?;
        let Some(mut user) = self.store.find_user_by_email(&email).await? else {
            return Err(RevokeError::NoSuchAccount);
        };
        user.token_generation = user.token_generation.saturating_add(1);
        user.updated_at = self.clock.now();
        match self.save(&user).await {
            Ok(()) => Ok(user),
            Err(UpdateUserError::NotFound) => Err(RevokeError::NoSuchAccount),
            Err(UpdateUserError::DuplicateEmail | UpdateUserError::LastAdmin) => Err(
                StoreError::Internal("revoking changed the account's address or role".into())
                    .into(),
            ),
            Err(UpdateUserError::Store(e)) => Err(e.into()),
        }
    }

    /// The user whose address and password these are.
    ///
    /// # Errors
    /// [`AuthenticateError::InvalidCredentials`] for any mismatch, after the
    /// same amount of hashing work whatever the reason.
    #[tracing::instrument(skip_all)]
    pub async fn authenticate(
        &self,
        email: &str,
        password: &str,
    ) -> Result<User, AuthenticateError> {
        let password = Password::typed(password).ok();
        let user = match (Email::parse(email), &password) {
            (Ok(email), Some(_)) => self.store.find_user_by_email(&email).await?,
            _ => None,
        };
        match (user, password) {
            (Some(user), Some(password)) => {
                if !self.verify(password, user.password_hash.clone()).await? {
                    Err(AuthenticateError::InvalidCredentials)
                } else if user.disabled {
                    Err(AuthenticateError::Disabled)
                } else {
                    Ok(user)
                }
            }
            _ => {
                let decoy = self.decoy().await?;
                let password =
                    Password::typed(DECOY_PASSWORD).map_err(|e| HashingError(e.to_string()))?;
                self.verify(password, decoy).await?;
                Err(AuthenticateError::InvalidCredentials)
            }
        }
    }

    /// The user with this id, if any.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    pub async fn get(&self, id: UserId) -> Result<Option<User>, StoreError> {
        self.store.get_user(id).await
    }

    /// Inserts `user`; whatever the outcome, the staff's names are read
    /// again next time.
    async fn save_new(&self, user: &User) -> Result<(), InsertError> {
        let saved = self.store.insert_user(user).await;
        self.staff_names.forget();
        saved
    }

    /// Writes `user` over its stored self, as [`UserService::save_new`].
    async fn save(&self, user: &User) -> Result<(), UpdateUserError> {
        let saved = self.store.update_user(user).await;
        self.staff_names.forget();
        saved
    }

    async fn new_user(&self, cmd: &Register, role: Role) -> Result<User, RegisterError> {
        let mut v = Validation::new();
        let name = v.check("name", Name::parse(&cmd.name));
        let email = v.check("email", Email::parse(&cmd.email));
        let password = v.check("password", crate::passwords::chosen(&cmd.password));
        let ((name, email), password) = v.finish_with("name", name.zip(email).zip(password))?;
        let password_hash = self.hash(password).await?;
        let at = self.clock.now();
        Ok(User {
            id: self.ids.user_id(),
            name,
            email,
            password_hash,
            role,
            token_generation: 0,
            disabled: false,
            created_at: at,
            updated_at: at,
        })
    }

    async fn hash(&self, password: Password) -> Result<PasswordHash, HashingError> {
        let hashing = Arc::clone(&self.hashing);
        self.run_blocking(move || hashing.hash(&password)).await
    }

    async fn verify(&self, password: Password, hash: PasswordHash) -> Result<bool, HashingError> {
        let hashing = Arc::clone(&self.hashing);
        self.run_blocking(move || hashing.verify(&password, &hash))
            .await
    }

    async fn run_blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, HashingError> + Send + 'static,
    ) -> Result<T, HashingError> {
        self.hashing_threads.run(work).await?
    }

    async fn decoy(&self) -> Result<PasswordHash, HashingError> {
        let hash = self
            .decoy
            .get_or_try_init(|| async {
                let password =
                    Password::new(DECOY_PASSWORD).map_err(|e| HashingError(e.to_string()))?;
                self.hash(password).await
            })
            .await?;
        Ok(hash.clone())
    }
}
