//! Whether the account a token speaks for still stands as the token says:
//! it exists, has the token's role, and has not raised its token
//! generation since (a new password, a new role, `oms user revoke`). Read
//! from the store at most every [`FRESH`] per account, so a revocation
//! takes effect within that on every instance, and a busy client costs one
//! read per account every few seconds, not one per request.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use oms_domain::ids::UserId;
use oms_domain::user::{Actor, Role};
use oms_ports::error::StoreError;
use oms_ports::store::UserStore;
use parking_lot::Mutex;

use crate::problem::ApiError;

/// How long an account's standing is trusted before it is read again.
pub const FRESH: Duration = Duration::from_secs(2);

/// How long reading an account may take: a store that hangs must not hang
/// every signed-in request with it.
const READ_DEADLINE: Duration = Duration::from_secs(2);

/// While the store cannot be read, a standing read this recently still
/// serves, so an outage of the store fails only what needs the store.
const STALE_LIMIT: Duration = Duration::from_secs(60);

/// Accounts remembered at most; past this the cache starts again empty.
const CAPACITY: usize = 10_000;

/// What a token must agree with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Standing {
    role: Role,
    generation: u32,
}

type Lookup =
    dyn Fn(UserId) -> BoxFuture<'static, Result<Option<Standing>, StoreError>> + Send + Sync;

/// The accounts' standings, read through from the store.
pub struct Accounts {
    lookup: Arc<Lookup>,
    cache: Mutex<HashMap<UserId, (Instant, Option<Standing>)>>,
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
                Ok(user.map(|u| Standing {
                    role: u.role,
                    generation: u.token_generation,
                }))
            })
        };
        Accounts {
            lookup: Arc::new(lookup),
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// Whether a token for `actor` issued under `generation` still holds.
    ///
    /// # Errors
    /// 401 when it does not; 503 when the account cannot be read.
    pub async fn check(&self, actor: Actor, generation: u32) -> Result<(), ApiError> {
        let now = Instant::now();
        let cached = self.cache.lock().get(&actor.user).copied();
        let standing = match cached {
            Some((at, standing)) if now.duration_since(at) < FRESH => standing,
            _ => {
                let read = tokio::time::timeout(READ_DEADLINE, (self.lookup)(actor.user)).await;
                let read = match read {
                    Ok(read) => read,
                    Err(_) => Err(StoreError::Unavailable(
                        "the account was not read in time".into(),
                    )),
                };
                match (read, cached) {
                    (Ok(read), _) => {
                        let mut cache = self.cache.lock();
                        if cache.len() >= CAPACITY {
                            cache.clear();
                        }
                        cache.insert(actor.user, (now, read));
                        read
                    }
                    (Err(StoreError::Unavailable(_)), Some((at, standing)))
                        if now.duration_since(at) < STALE_LIMIT =>
                    {
                        standing
                    }
                    (Err(e), _) => return Err(ApiError::from_store(&e)),
                }
            }
        };
        let holds = standing
            == Some(Standing {
                role: actor.role,
                generation,
            });
        if holds {
            Ok(())
        } else {
            tracing::info!(user = %actor.user, "a revoked token was refused");
            Err(ApiError::unauthorized(
                "the token was revoked (a new password or role); sign in again",
                true,
            ))
        }
    }
}
