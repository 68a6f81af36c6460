//! The staff's accounts as an admin manages them: listed, created with any
//! role, disabled and enabled, given another role. A store keeps one
//! active admin whatever is asked ([`oms_ports::store::UserStore::update_user`]).

use oms_domain::ids::UserId;
use oms_domain::user::{Actor, Forbidden, Permission, Role, User};
use oms_ports::clock::Clock;
use oms_ports::error::{StoreError, UpdateUserError};
use oms_ports::ids::IdSource;
use oms_ports::passwords::PasswordHashing;
use oms_ports::store::UserStore;

use super::{Register, RegisterError, StaffNames, UserService};
use crate::contention::{Attempt, Contention};

/// An admin's change to an account: what is given changes, the rest stays.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AccountChange {
    /// The account's new role.
    pub role: Option<Role>,
    /// Whether it may sign in.
    pub disabled: Option<bool>,
}

/// Why an account was not listed or changed. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The caller may not manage accounts.
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    /// No account has this id.
    #[error("no such account")]
    NotFound,
    /// The change would leave no active admin.
    #[error("the last active admin cannot be demoted or disabled")]
    LastAdmin,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl<S: UserStore, H: PasswordHashing, C: Clock, I: IdSource> UserService<S, H, C, I> {
    /// The admin and staff accounts, oldest first.
    ///
    /// # Errors
    /// [`AccountError::Forbidden`] unless `by` may manage users.
    pub async fn accounts(&self, by: Actor) -> Result<Vec<User>, AccountError> {
        by.require(Permission::ManageUsers)?;
        Ok(self.store.staff_accounts().await?)
    }

    /// The names of the admin and staff accounts by id, for whoever sees
    /// every order to tell who on the staff did what.
    ///
    /// # Errors
    /// [`AccountError::Forbidden`] unless `by` may see every order.
    pub async fn staff_names(&self, by: Actor) -> Result<StaffNames, AccountError> {
        by.require(Permission::ViewAllOrders)?;
        let mark = match self.staff_names.fresh() {
            Ok(names) => return Ok(names),
            Err(mark) => mark,
        };
        let staff = self.store.staff_accounts().await?;
        let names = StaffNames::new(staff.into_iter().map(|u| (u.id, u.name)));
        self.staff_names.keep(mark, &names);
        Ok(names)
    }

    /// A new account with `role`, made by an admin.
    ///
    /// # Errors
    /// As [`UserService::register`], and [`RegisterError::Forbidden`]
    /// unless `by` may manage users.
    #[tracing::instrument(skip_all, fields(%role))]
    pub async fn create_account(
        &self,
        by: Actor,
        cmd: Register,
        role: Role,
    ) -> Result<User, RegisterError> {
        by.require(Permission::ManageUsers)?;
        self.create(cmd, role).await
    }

    /// Applies `change` to the account `id`. A new role, or disabling,
    /// ends the tokens issued before (the account's next request is
    /// refused, on every instance within the standing's freshness).
    ///
    /// # Errors
    /// [`AccountError::NotFound`], [`AccountError::LastAdmin`], or
    /// [`AccountError::Forbidden`] unless `by` may manage users.
    #[tracing::instrument(skip_all, fields(user = %id))]
    pub async fn change_account(
        &self,
        by: Actor,
        id: UserId,
        change: AccountChange,
    ) -> Result<User, AccountError> {
        by.require(Permission::ManageUsers)?;
        Contention::DEFAULT
            .retry(|| async { Attempt::of(self.change_once(id, change).await) })
            .await
            .map_err(|e| match e {
                UpdateUserError::NotFound => AccountError::NotFound,
                UpdateUserError::LastAdmin => AccountError::LastAdmin,
                UpdateUserError::DuplicateEmail => AccountError::Store(StoreError::Internal(
                    "the account's own address is taken".into(),
                )),
                UpdateUserError::Store(e) => AccountError::Store(e),
            })
    }

    async fn change_once(
        &self,
        id: UserId,
        change: AccountChange,
    ) -> Result<User, UpdateUserError> {
        let Some(stored) = self.store.get_user(id).await? else {
            return Err(UpdateUserError::NotFound);
        };
        let mut user = stored.clone();
        user.role = change.role.unwrap_or(stored.role);
        user.disabled = change.disabled.unwrap_or(stored.disabled);
        if user == stored {
            return Ok(stored);
        }
        if user.role != stored.role || (user.disabled && !stored.disabled) {
            user.token_generation = stored.token_generation.saturating_add(1);
        }
        user.updated_at = self.clock.now();
        self.save(&user).await?;
        Ok(user)
    }
}
