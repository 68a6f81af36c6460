//! Users in memory, unique by e-mail address.

use async_trait::async_trait;
use oms_domain::email::Email;
use oms_domain::ids::UserId;
use oms_domain::user::{Role, User};
use oms_ports::error::{InsertError, StoreError, UpdateUserError};
use oms_ports::store::UserStore;

use crate::MemoryStore;

#[async_trait]
impl UserStore for MemoryStore {
    async fn insert_user(&self, user: &User) -> Result<(), InsertError> {
        let mut state = self.state.write();
        if state.user_emails.contains_key(&user.email) {
            return Err(InsertError::DuplicateEmail);
        }
        state.user_emails.insert(user.email.clone(), user.id);
        state.users.insert(user.id, user.clone());
        Ok(())
    }

    async fn update_user(&self, user: &User) -> Result<(), UpdateUserError> {
        let mut state = self.state.write();
        let Some(stored) = state.users.get(&user.id) else {
            return Err(UpdateUserError::NotFound);
        };
        let old_email = stored.email.clone();
        if stored.is_active_admin()
            && !user.is_active_admin()
            && !state
                .users
                .values()
                .any(|other| other.id != user.id && other.is_active_admin())
        {
            return Err(UpdateUserError::LastAdmin);
        }
        if state
            .user_emails
            .get(&user.email)
            .is_some_and(|owner| *owner != user.id)
        {
            return Err(UpdateUserError::DuplicateEmail);
        }
        state.user_emails.remove(&old_email);
        state.user_emails.insert(user.email.clone(), user.id);
        state.users.insert(user.id, user.clone());
        Ok(())
    }

    async fn staff_accounts(&self) -> Result<Vec<User>, StoreError> {
        let state = self.state.read();
        let mut staff: Vec<User> = state
            .users
            .values()
            .filter(|u| u.role != Role::Customer)
            .cloned()
            .collect();
        staff.sort_by_key(|u| (u.created_at, u.id));
        Ok(staff)
    }

    async fn get_user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        Ok(self.state.read().users.get(&id).cloned())
    }

    async fn find_user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        let state = self.state.read();
        Ok(state
            .user_emails
            .get(email)
            .and_then(|id| state.users.get(id))
            .cloned())
    }
}
