//! Accounts in the `users` collection, unique by e-mail address.

use async_trait::async_trait;
use mongodb::bson::doc;
use oms_domain::email::Email;
use oms_domain::ids::UserId;
use oms_domain::user::User;
use oms_ports::error::{InsertError, StoreError, UpdateUserError};
use oms_ports::store::UserStore;

use crate::MongoStore;
use crate::deadline::read;
use crate::documents::{UserDoc, corrupt};
use crate::errors::{is_duplicate_key, store_error};

#[async_trait]
impl UserStore for MongoStore {
    async fn insert_user(&self, user: &User) -> Result<(), InsertError> {
        match self.users().insert_one(UserDoc::from(user)).await {
            Ok(_) => Ok(()),
            Err(e) if is_duplicate_key(&e) => {
                if self.get_user(user.id).await?.is_some() {
                    Err(corrupt("a user with this id exists").into())
                } else {
                    Err(InsertError::DuplicateEmail)
                }
            }
            Err(e) => Err(store_error(e).into()),
        }
    }

    async fn update_user(&self, user: &User) -> Result<(), UpdateUserError> {
        let next = UserDoc::from(user);
        match self
            .users()
            .replace_one(doc! { "_id": &next.id }, &next)
            .await
        {
            Ok(r) if r.matched_count == 0 => Err(UpdateUserError::NotFound),
            Ok(_) => Ok(()),
            Err(e) if is_duplicate_key(&e) => Err(UpdateUserError::DuplicateEmail),
            Err(e) => Err(store_error(e).into()),
        }
    }

    async fn get_user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        let found = read(self.users().find_one(doc! { "_id": id.to_string() })).await;
        found?.map(User::try_from).transpose()
    }

    async fn find_user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        let found = read(self.users().find_one(doc! { "email": email.as_str() })).await;
        found?.map(User::try_from).transpose()
    }
}
