//! Running one business step as a MongoDB transaction: reading a snapshot,
//! committed with write concern majority and journaling (whatever the URI
//! says), committed again when the commit's outcome is unknown, aborted on
//! any refusal, and all of it by a deadline. A conflict with another
//! transaction (the server labels it transient) ends the step in
//! [`Abort::Retry`], which callers report as contended: the use cases try
//! again under their one contention policy, stores never do.
//!
//! A commit can be sent and never answered (the connection drops, the
//! server stops answering, the driver's retries of it run out): the step
//! then ends [`Ended::Unknown`], with what the caller needs to find out.

use futures::future::BoxFuture;
use mongodb::ClientSession;
use mongodb::bson::doc;
use mongodb::error::Error;
use mongodb::options::{ReadConcern, WriteConcern};
use oms_ports::error::StoreError;
use std::time::Duration;
use tokio::time::Instant;

use crate::MongoStore;
use crate::errors::{is_transient, is_unknown_commit, is_unreachable, store_error};

/// How often, and how many times, a session that could not be ended is
/// tried again: for a minute, MongoDB's default transaction lifetime.
const ENDING_PAUSE: Duration = Duration::from_millis(500);
const ENDING_TRIES: u32 = 120;

/// Why a transaction body stopped, having committed nothing.
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
    /// The server did not answer before the deadline, before the commit
    /// was sent.
    Late,
}

impl<E> Abort<E> {
    /// The refusal, or the store error every other way of stopping is
    /// answered as: a lost race is contended, a late server unavailable.
    pub(crate) fn refusal(self) -> Result<E, StoreError> {
        match self {
            Abort::Refused(why) => Ok(why),
            Abort::Driver(e) => Err(store_error(e)),
            Abort::Retry => Err(StoreError::Contended),
            Abort::Late => Err(late_write()),
        }
    }
}

/// A write the server did not answer before its deadline.
pub(crate) fn late_write() -> StoreError {
    StoreError::Unavailable("MongoDB did not answer before the deadline".into())
}

impl<E> From<Error> for Abort<E> {
    fn from(e: Error) -> Self {
        Abort::Driver(e)
    }
}

/// How a transaction ended.
pub(crate) enum Ended<T, E> {
    /// Committed; the body's output.
    Committed(T),
    /// Nothing was committed.
    Aborted(Abort<E>),
    /// The commit was sent and no answer said whether it took.
    Unknown {
        /// What the body returned.
        output: T,
        /// The session, to end whatever may still run under it; held
        /// until then, so the driver gives its id to no other transaction.
        session: Box<ClientSession>,
        /// Why the outcome is unknown, for the log.
        cause: String,
    },
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
    /// Runs `body` once in a transaction, ending by `deadline`.
    pub(crate) async fn transaction<B: Body>(
        &self,
        body: &B,
        deadline: Instant,
    ) -> Ended<B::Output, B::Refusal> {
        let mut session = match by(deadline, self.client.start_session()).await {
            Ok(session) => session,
            Err(abort) => return Ended::Aborted(abort),
        };
        let started = session
            .start_transaction()
            .read_concern(ReadConcern::snapshot())
            .write_concern(durable());
        if let Err(abort) = by(deadline, started).await {
            return Ended::Aborted(abort);
        }
        let attempted = match tokio::time::timeout_at(deadline, body.attempt(&mut session)).await {
            Ok(attempted) => attempted,
            Err(_) => {
                // Dropped unfinished, the session sends one abort, which a
                // server that stopped answering never hears: what the
                // attempt wrote would stay held, and every later write to
                // it conflict, until the transaction's lifetime ran out.
                self.end_later(session);
                return Ended::Aborted(Abort::Late);
            }
        };
        let collided = match attempted {
            Ok(output) => match tokio::time::timeout_at(deadline, commit(&mut session)).await {
                Ok(Ok(())) => return Ended::Committed(output),
                Ok(Err(e)) if is_transient(&e) => e.to_string(),
                Ok(Err(e)) if is_unknown_commit(&e) || is_unreachable(&e) => {
                    return unknown(output, session, e.to_string());
                }
                Ok(Err(e)) => return Ended::Aborted(Abort::Driver(e)),
                Err(_) => {
                    let cause = "the commit was not answered before the deadline";
                    return unknown(output, session, cause.to_owned());
                }
            },
            Err(Abort::Driver(e)) if is_transient(&e) => {
                self.abort(session, deadline).await;
                e.to_string()
            }
            Err(Abort::Retry) => {
                self.abort(session, deadline).await;
                "a concurrent insert won".to_owned()
            }
            Err(refused) => {
                if let Abort::Driver(e) = &refused {
                    tracing::debug!(error = %e, "transaction failed");
                }
                self.abort(session, deadline).await;
                return Ended::Aborted(refused);
            }
        };
        tracing::debug!(last = %collided, "transaction lost a race");
        Ended::Aborted(Abort::Retry)
    }
}

impl MongoStore {
    /// Aborts `session`'s transaction by `deadline`, or ends the session
    /// later when the server does not answer in time.
    async fn abort(&self, mut session: ClientSession, deadline: Instant) {
        let aborted = tokio::time::timeout_at(deadline, session.abort_transaction()).await;
        if !matches!(aborted, Ok(Ok(()))) {
            self.end_later(session);
        }
    }

    /// Ends `session` on the server (`killSessions`), now.
    pub(crate) async fn end(&self, session: &ClientSession) -> Result<(), Error> {
        end(&self.client, session).await
    }

    /// Keeps trying to end `session` for a while: a transaction left open
    /// on the server holds the documents it wrote, and every later write
    /// to them conflicts until it ends. The session is held meanwhile, so
    /// the driver cannot give its id to a new transaction the kill would
    /// end instead.
    pub(crate) fn end_later(&self, session: ClientSession) {
        let client = self.client.clone();
        tokio::spawn(async move {
            for tries in 1..=ENDING_TRIES {
                match end(&client, &session).await {
                    Ok(()) => {
                        tracing::info!(tries, session = %session.id(), "ended a session left in a transaction");
                        return;
                    }
                    Err(e) => {
                        tracing::debug!(tries, error = %e, "a session could not be ended yet")
                    }
                }
                tokio::time::sleep(ENDING_PAUSE).await;
            }
            tracing::error!(
                "a session left in a transaction could not be ended; the server ends its transaction when its lifetime runs out"
            );
        });
    }
}

async fn end(client: &mongodb::Client, session: &ClientSession) -> Result<(), Error> {
    let kill = doc! { "killSessions": [session.id()] };
    client.database("admin").run_command(kill).await.map(drop)
}

fn unknown<T, E>(output: T, session: ClientSession, cause: String) -> Ended<T, E> {
    Ended::Unknown {
        output,
        session: Box::new(session),
        cause,
    }
}

/// `step`, or [`Abort::Late`] when `deadline` comes first.
async fn by<T, E>(
    deadline: Instant,
    step: impl IntoFuture<Output = Result<T, Error>>,
) -> Result<T, Abort<E>> {
    match tokio::time::timeout_at(deadline, step.into_future()).await {
        Ok(done) => Ok(done?),
        Err(_) => Err(Abort::Late),
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
