//! Whether the account a token speaks for still stands as the token says:
//! it exists, is not disabled, has the token's role, and has not raised its token
//! generation since (a new password, a new role, `oms user revoke`). Read
//! from the store at most every [`FRESH`] per account, so a revocation
//! takes effect within that on every instance, and a busy client costs one
//! read per account every few seconds, not one per request.
//!
//! A store that stops answering must not hold every signed-in request: a
//! request waits at most [`STALE_WAIT`] for a new read when a standing
//! read within [`STALE_LIMIT`] is at hand (and serves with that one), and
//! one read per account is in flight at a time; it lands in the cache
//! whenever it finishes.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use oms_domain::ids::UserId;
use oms_domain::user::{Actor, Role};
use oms_ports::error::StoreError;
use oms_ports::store::UserStore;
use parking_lot::Mutex;
use tokio::sync::watch;

use crate::problem::ApiError;

/// How long an account's standing is trusted before it is read again.
pub const FRESH: Duration = Duration::from_secs(2);

/// How long a request waits for a read of an account it has no recent
/// standing for.
const READ_DEADLINE: Duration = Duration::from_secs(2);

/// How long a request waits for a new read when a recent standing is at
/// hand: a store answering as usual answers well within it.
const STALE_WAIT: Duration = Duration::from_millis(200);

/// How recent a standing must be to serve while the store does not answer.
const STALE_LIMIT: Duration = Duration::from_secs(60);

/// Accounts remembered at most; past this the cache starts again empty.
const CAPACITY: usize = 10_000;

/// What a token must agree with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Standing {
    role: Role,
    generation: u32,
}

/// A read's outcome: the standing (`None`: no such account), or that the
/// store could not be read.
type Read = Result<Option<Standing>, ()>;

type Lookup =
    dyn Fn(UserId) -> BoxFuture<'static, Result<Option<Standing>, StoreError>> + Send + Sync;

#[derive(Default)]
struct Known {
    /// The last standing read, and when.
    standing: Option<(Instant, Option<Standing>)>,
    /// The read in flight, if any.
    reading: Option<watch::Receiver<Option<Read>>>,
}

/// The accounts' standings, read through from the store.
pub struct Accounts {
    lookup: Arc<Lookup>,
    known: Arc<Mutex<HashMap<UserId, Known>>>,
}

impl std::fmt::Debug for Accounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Accounts").finish_non_exhaustive()
    }
}

impl Accounts {
    /// Reading accounts from `store`.
    pub fn over<S: UserStore + Clone>(store: S) -> Accounts {
        let lookup = move |id: UserId| -> BoxFuture<'static, _> {
            let store = store.clone();
            Box::pin(async move {
                let user = store.get_user(id).await?;
                // A disabled account stands as no account: every token refused.
                Ok(user.filter(|u| !u.disabled).map(|u| Standing {
                    role: u.role,
                    generation: u.token_generation,
                }))
            })
        };
        Accounts {
            lookup: Arc::new(lookup),
            known: Arc::default(),
        }
    }

    /// Whether a token for `actor` issued under `generation` still holds.
    ///
    /// # Errors
    /// 401 when it does not; 503 when the account cannot be read.
    pub async fn check(&self, actor: Actor, generation: u32) -> Result<(), ApiError> {
        let standing = self.standing(actor.user).await?;
        let expected = Standing {
            role: actor.role,
            generation,
        };
        if standing == Some(expected) {
            Ok(())
        } else {
            tracing::info!(user = %actor.user, "a revoked token was refused");
            Err(ApiError::unauthorized(
                "the token was revoked (a new password or role, or the account was disabled); sign in again",
                true,
            ))
        }
    }

    /// Forgets what was read of `user`: changed here, its next request
    /// reads it again rather than trusting the standing for [`FRESH`].
    pub fn forget(&self, user: UserId) {
        if let Some(entry) = self.known.lock().get_mut(&user) {
            entry.standing = None;
        }
    }

    async fn standing(&self, user: UserId) -> Result<Option<Standing>, ApiError> {
        let now = Instant::now();
        let (recent, mut reading) = {
            let mut known = self.known.lock();
            if known.len() >= CAPACITY {
                known.clear();
            }
            let entry = known.entry(user).or_default();
            if let Some((at, standing)) = entry.standing
                && now.duration_since(at) < FRESH
            {
                return Ok(standing);
            }
            let recent = entry
                .standing
                .filter(|(at, _)| now.duration_since(*at) < STALE_LIMIT)
                .map(|(_, standing)| standing);
            let reading = match &entry.reading {
                Some(reading) => reading.clone(),
                None => {
                    let reading = self.read(user);
                    entry.reading = Some(reading.clone());
                    reading
                }
            };
            (recent, reading)
        };
        let wait = if recent.is_some() {
            STALE_WAIT
        } else {
            READ_DEADLINE
        };
        let read = tokio::time::timeout(wait, reading.wait_for(Option::is_some)).await;
        match (read.ok().and_then(|r| r.ok().and_then(|r| *r)), recent) {
            (Some(Ok(standing)), _) => Ok(standing),
            (_, Some(standing)) => Ok(standing),
            (_, None) => Err(ApiError::from_store(&StoreError::Unavailable(
                "the account was not read in time".into(),
            ))),
        }
    }

    /// Starts a read of `user`'s standing, which updates the cache when it
    /// finishes, however long that takes.
    fn read(&self, user: UserId) -> watch::Receiver<Option<Read>> {
        let (done, reading) = watch::channel(None);
        let lookup = (self.lookup)(user);
        let known = Arc::clone(&self.known);
        tokio::spawn(async move {
            let read = match tokio::time::timeout(READ_DEADLINE, lookup).await {
                Ok(read) => read,
                Err(_) => Err(StoreError::Unavailable(
                    "the account was not read in time".into(),
                )),
            };
            let mut known = known.lock();
            let entry = known.entry(user).or_default();
            entry.reading = None;
            if let Ok(standing) = &read {
                entry.standing = Some((Instant::now(), *standing));
            }
            drop(known);
            let _ = done.send(Some(read.map_err(|_| ())));
        });
        reading
    }
}
