//! Running one business step as a MongoDB transaction: reading a snapshot,
//! committed with write concern majority and journaling (whatever the URI
//! says), committed again when the commit's outcome is unknown, aborted on
//! any refusal. A conflict
//! with another transaction (the server labels it transient) ends the step
//! in [`Abort::Retry`], which callers report as contended: the use cases
//! try again under their one contention policy, stores never do.

use futures::future::BoxFuture;
use mongodb::ClientSession;
use mongodb::error::Error;
use mongodb::options::{ReadConcern, WriteConcern};

use crate::MongoStore;
use crate::errors::{is_transient, is_unknown_commit};

/// Why a transaction body stopped.
#[derive(Debug)]
pub(crate) enum Abort<E> {
    /// The driver failed (a transient conflict becomes [`Abort::Retry`]).
    Driver(Error),
    /// A lost race: a conflict with another transaction, or one the body
    /// detected itself (a duplicate key from a concurrent insert). Nothing
    /// was written; the next attempt sees the winner.
    Retry,
    /// The business step is refused; nothing is written.
    Refused(E),
}

impl<E> From<Error> for Abort<E> {
    fn from(e: Error) -> Self {
        Abort::Driver(e)
    }
}

/// One business step, run again from the start on each attempt.
pub(crate) trait Body: Sync {
    /// What a committed step returns.
    type Output: Send;
    /// Why the step may be refused.
    type Refusal: Send;
    /// One attempt, inside `session`'s transaction.
    fn attempt<'a>(
        &'a self,
        session: &'a mut ClientSession,
    ) -> BoxFuture<'a, Result<Self::Output, Abort<Self::Refusal>>>;
}

impl MongoStore {
    /// Runs `body` once in a transaction.
    pub(crate) async fn transaction<B: Body>(
        &self,
        body: &B,
    ) -> Result<B::Output, Abort<B::Refusal>> {
        let mut session = self.client.start_session().await?;
        session
            .start_transaction()
            .read_concern(ReadConcern::snapshot())
            .write_concern(durable())
            .await?;
        let collided = match body.attempt(&mut session).await {
            Ok(value) => match commit(&mut session).await {
                Ok(()) => return Ok(value),
                Err(e) if is_transient(&e) => e.to_string(),
                Err(e) => return Err(Abort::Driver(e)),
            },
            Err(Abort::Driver(e)) if is_transient(&e) => {
                let _ = session.abort_transaction().await;
                e.to_string()
            }
            Err(Abort::Retry) => {
                let _ = session.abort_transaction().await;
                "a concurrent insert won".to_owned()
            }
            Err(refused) => {
                let _ = session.abort_transaction().await;
                return Err(refused);
            }
        };
        tracing::debug!(last = %collided, "transaction lost a race");
        Err(Abort::Retry)
    }
}

/// A commit is acknowledged once a majority of the replica set has it in
/// its journal: an order answered 201 survives the primary's loss and a
/// power cut, whatever the connection string asks for.
pub(crate) fn durable() -> WriteConcern {
    let mut concern = WriteConcern::majority();
    concern.journal = Some(true);
    concern
}

async fn commit(session: &mut ClientSession) -> Result<(), Error> {
    let mut tries = 0;
    loop {
        match session.commit_transaction().await {
            Err(e) if is_unknown_commit(&e) && tries < 3 => tries += 1,
            other => return other,
        }
    }
}
