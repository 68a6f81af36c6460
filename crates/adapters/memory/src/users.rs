//! Users in memory, unique by e-mail address.

use async_trait::async_trait;
use oms_domain::email::Email;
use oms_domain::ids::UserId;
use oms_domain::user::User;
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
        let old_email = match state.users.get(&user.id) {
            Some(stored) => stored.email.clone(),
            None => return Err(UpdateUserError::NotFound),
        };
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
