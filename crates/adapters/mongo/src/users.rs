//! Accounts in the `users` collection, unique by e-mail address.

use async_trait::async_trait;
use futures::TryStreamExt;
use futures::future::BoxFuture;
use mongodb::ClientSession;
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
use crate::transaction::{Abort, Body, Ended};

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
        if !user.is_active_admin() {
            return self.demote(next).await;
        }
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

    async fn staff_accounts(&self) -> Result<Vec<User>, StoreError> {
        let found: Vec<UserDoc> = read(async {
            self.users()
                .find(doc! { "role": { "$ne": "customer" } })
                .sort(doc! { "createdAt": 1, "_id": 1 })
                .await?
                .try_collect()
                .await
        })
        .await?;
        found.into_iter().map(User::try_from).collect()
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

/// The counter every change that may take an admin away writes, so two at
/// once conflict instead of each counting the other's admin as kept.
const ADMIN_CHANGES: &str = "adminChanges";

/// How long a change of an account's standing may take.
const CHANGE_DEADLINE: std::time::Duration = std::time::Duration::from_secs(5);

impl MongoStore {
    /// Writes `next`, which is no active admin, unless the stored account
    /// is the last active admin: the count and the write in one
    /// transaction.
    async fn demote(&self, next: UserDoc) -> Result<(), UpdateUserError> {
        self.upsert_counter(ADMIN_CHANGES, doc! { "$setOnInsert": { "count": 0_i64 } })
            .await?;
        let deadline = tokio::time::Instant::now() + CHANGE_DEADLINE;
        let change = Demotion { store: self, next };
        match self.transaction(&change, deadline).await {
            Ended::Committed(()) => Ok(()),
            Ended::Aborted(abort) => Err(abort.refusal().unwrap_or_else(UpdateUserError::Store)),
            Ended::Unknown { session, cause, .. } => {
                self.end_later(*session);
                Err(StoreError::OutcomeUnknown(cause.into()).into())
            }
        }
    }
}

struct Demotion<'a> {
    store: &'a MongoStore,
    next: UserDoc,
}

impl Body for Demotion<'_> {
    type Output = ();
    type Refusal = UpdateUserError;

    fn attempt<'a>(
        &'a self,
        session: &'a mut ClientSession,
    ) -> BoxFuture<'a, Result<(), Abort<UpdateUserError>>> {
        Box::pin(async move {
            let users = self.store.users();
            let id = &self.next.id;
            let stored = users
                .find_one(doc! { "_id": id })
                .session(&mut *session)
                .await?;
            let Some(stored) = stored else {
                return Err(Abort::Refused(UpdateUserError::NotFound));
            };
            if stored.role == "admin" && !stored.disabled {
                let others = users
                    .count_documents(doc! {
                        "role": "admin",
                        "disabled": { "$ne": true },
                        "_id": { "$ne": id },
                    })
                    .session(&mut *session)
                    .await?;
                if others == 0 {
                    return Err(Abort::Refused(UpdateUserError::LastAdmin));
                }
            }
            self.store
                .counters()
                .update_one(
                    doc! { "_id": ADMIN_CHANGES },
                    doc! { "$inc": { "count": 1_i64 } },
                )
                .session(&mut *session)
                .await?;
            match users
                .replace_one(doc! { "_id": id }, &self.next)
                .session(&mut *session)
                .await
            {
                Err(e) if is_duplicate_key(&e) => {
                    Err(Abort::Refused(UpdateUserError::DuplicateEmail))
                }
                other => other.map(drop).map_err(Abort::from),
            }
        })
    }
}
