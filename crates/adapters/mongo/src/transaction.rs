//! Running one business step as a MongoDB transaction: retried from the
//! start when the server says the conflict is transient (another
//! transaction wrote the same document), committed again when the commit's
//! outcome is unknown, and aborted on any refusal.

use std::time::Duration;

use futures::future::BoxFuture;
use mongodb::ClientSession;
use mongodb::error::Error;

use crate::MongoStore;
use crate::errors::{is_transient, is_unknown_commit};

/// Why a transaction body stopped.
#[derive(Debug)]
pub(crate) enum Abort<E> {
    /// The driver failed; retried when transient.
    Driver(Error),
    /// A race the body detected itself (a duplicate key from a concurrent
    /// insert): run again, and the next attempt sees the winner.
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

/// Attempts before a contended step is reported as unavailable: the one
/// contention policy of this store, for transactions and for
/// compare-and-set writes alike.
pub(crate) const ATTEMPTS: u32 = 30;

/// Waits before attempt `attempt` (from 1) of a step that collided with
/// another: a random pause up to a bound that grows with the attempts, so
/// steps that collided do not collide again in lockstep (full jitter).
pub(crate) async fn pause_before(attempt: u32) {
    // A randomly keyed hasher is a random number that needs no generator.
    let noise = {
        use std::hash::{BuildHasher, Hasher};
        std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish()
    };
    let pause = noise % ((u64::from(attempt) * 4).min(50) + 1);
    tokio::time::sleep(Duration::from_millis(pause)).await;
}

impl MongoStore {
    /// Runs `body` in a transaction until it commits, is refused, or fails
    /// for good.
    pub(crate) async fn transaction<B: Body>(
        &self,
        body: &B,
    ) -> Result<B::Output, Abort<B::Refusal>> {
        let mut last = None;
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                pause_before(attempt).await;
            }
            let mut session = self.client.start_session().await?;
            session.start_transaction().await?;
            match body.attempt(&mut session).await {
                Ok(value) => match commit(&mut session).await {
                    Ok(()) => return Ok(value),
                    Err(e) if is_transient(&e) => last = Some(e),
                    Err(e) => return Err(Abort::Driver(e)),
                },
                Err(Abort::Driver(e)) if is_transient(&e) => {
                    let _ = session.abort_transaction().await;
                    last = Some(e);
                }
                Err(Abort::Retry) => {
                    let _ = session.abort_transaction().await;
                }
                Err(refused) => {
                    let _ = session.abort_transaction().await;
                    return Err(refused);
                }
            }
        }
        tracing::warn!(attempts = ATTEMPTS, "transaction kept conflicting");
        Err(last.map_or(Abort::Retry, Abort::Driver))
    }
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
