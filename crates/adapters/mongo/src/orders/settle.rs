//! A group whose commit was sent and never answered is read back rather
//! than guessed: its callers hear what it did, so a caller that sends an
//! order again without an idempotency key does not place it twice.
//!
//! The session is ended first (`killSessions`): a transaction the server
//! has not committed by then never will be, so what the read finds stays
//! true. The read looks for the first event the group wrote, an `_id` and
//! content only this attempt can have stored. Found as durable (majority),
//! the group committed; found nowhere, it did not; otherwise (the read
//! fails, or finds it only on the primary) the outcome stays unknown and
//! the callers are told so.

use mongodb::ClientSession;
use mongodb::bson::{Document, doc, to_document};
use mongodb::error::Error;
use mongodb::options::{CollectionOptions, ReadConcern};
use oms_ports::error::StoreError;
use oms_rules::ledger::Decision;
use std::time::Duration;
use tokio::time::Instant;

use super::group::Attempted;
use crate::MongoStore;
use crate::documents::events::EventDoc;

/// The least time the read back gets, even past the group's deadline:
/// the write's answer allowance is spent on learning what it should be.
const SETTLE_AT_LEAST: Duration = Duration::from_millis(400);

/// What reading back found.
enum Found {
    /// Committed, and durable.
    Committed,
    /// Not committed, and now never will be.
    Absent,
    /// On the primary only: it may yet be rolled back.
    NotDurable,
}

impl MongoStore {
    /// The answers to a group whose commit went unanswered.
    pub(super) async fn settle(
        &self,
        attempted: Attempted,
        session: Box<ClientSession>,
        cause: &str,
        deadline: Instant,
    ) -> Vec<Decision> {
        let Attempted {
            decisions, witness, ..
        } = attempted;
        let Some(witness) = witness else {
            // Nothing was to be written: every answer stands as decided.
            return decisions;
        };
        let until = deadline.max(Instant::now() + SETTLE_AT_LEAST);
        let found = tokio::time::timeout_at(until, self.look_for(session, &witness)).await;
        let writes = decisions.len();
        match found {
            Ok(Ok(Found::Committed)) => {
                tracing::warn!(
                    cause,
                    writes,
                    "a commit went unanswered; read back, it had committed"
                );
                decisions
            }
            Ok(Ok(Found::Absent)) => {
                tracing::warn!(
                    cause,
                    writes,
                    "a commit went unanswered; read back, it had not committed"
                );
                let not = || StoreError::Unavailable("the commit did not take".into());
                decisions.into_iter().map(|d| d.uncommitted(not)).collect()
            }
            read => {
                let why = match read {
                    Ok(Ok(_)) => "committed on the primary only".to_owned(),
                    Ok(Err(e)) => e.to_string(),
                    Err(_) => "the read back was not answered in time".to_owned(),
                };
                tracing::error!(cause, writes, read_back = %why, "a commit went unanswered and could not be read back");
                let unknown = || StoreError::OutcomeUnknown(why.clone().into());
                decisions
                    .into_iter()
                    .map(|d| d.uncommitted(unknown))
                    .collect()
            }
        }
    }

    async fn look_for(
        &self,
        session: Box<ClientSession>,
        witness: &EventDoc,
    ) -> Result<Found, Error> {
        if let Err(e) = self.end(&session).await {
            self.end_later(*session);
            return Err(e);
        }
        let expected = to_document(witness)?;
        let filter = doc! { "_id": &witness.id };
        let read = |concern| {
            let options = CollectionOptions::builder().read_concern(concern).build();
            self.database()
                .collection_with_options::<Document>("events", options)
        };
        // An event of that id with other content is another write's: the
        // order moved on by another instance, and this group's insert of
        // the same id could not have committed.
        let durable = read(ReadConcern::majority())
            .find_one(filter.clone())
            .await?;
        if let Some(found) = durable {
            return Ok(if found == expected {
                Found::Committed
            } else {
                Found::Absent
            });
        }
        let local = read(ReadConcern::local()).find_one(filter).await?;
        Ok(match local {
            Some(found) if found == expected => Found::NotDurable,
            _ => Found::Absent,
        })
    }
}
