//! The staff's names, kept for a moment: every view of an order for the
//! staff names who did what, and reading every staff account for each
//! view cost more than the view itself. A name changed on this instance
//! shows at once (its writes forget what was kept); one changed on another
//! within [`FRESH`].

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use oms_domain::ids::UserId;
use oms_domain::name::Name;

/// How long the names read are used before they are read again.
pub const FRESH: Duration = Duration::from_secs(2);

/// The names by account, as last read; cheap to clone (shared).
#[derive(Clone, Debug, Default)]
pub struct StaffNames {
    names: Arc<[(UserId, Name)]>,
    read: u64,
}

/// Numbers each list read, so what was made from one can be told apart
/// from what was made from another (0: none read).
static READS: AtomicU64 = AtomicU64::new(1);

impl StaffNames {
    /// The names of `pairs`, in order of account for lookup.
    pub fn new(pairs: impl IntoIterator<Item = (UserId, Name)>) -> StaffNames {
        let mut pairs: Vec<(UserId, Name)> = pairs.into_iter().collect();
        pairs.sort_unstable_by_key(|(id, _)| *id);
        StaffNames {
            names: pairs.into(),
            read: READS.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// Which read this is: equal for clones of one list, different for
    /// lists made apart (which may hold other names).
    pub fn read(&self) -> u64 {
        self.read
    }

    /// The name of account `id`, when it is staff's.
    pub fn name_of(&self, id: UserId) -> Option<&Name> {
        let at = self.names.binary_search_by_key(&id, |(id, _)| *id).ok()?;
        Some(&self.names[at].1)
    }

    /// Every account and its name, in order of account.
    pub fn iter(&self) -> std::slice::Iter<'_, (UserId, Name)> {
        self.names.iter()
    }
}

#[derive(Debug, Default)]
struct State {
    names: Option<(Instant, StaffNames)>,
    /// Raised by every write, so a read begun before it is not kept.
    writes: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Kept(Mutex<State>);

impl Kept {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The names read within [`FRESH`]; else the mark to keep a new read by.
    pub(crate) fn fresh(&self) -> Result<StaffNames, Mark> {
        let state = self.state();
        match &state.names {
            Some((at, names)) if at.elapsed() < FRESH => Ok(names.clone()),
            _ => Err(Mark {
                asked: Instant::now(),
                writes: state.writes,
            }),
        }
    }

    /// Keeps `names`, read since `mark`, unless an account was written since.
    pub(crate) fn keep(&self, mark: Mark, names: &StaffNames) {
        let mut state = self.state();
        if state.writes == mark.writes {
            state.names = Some((mark.asked, names.clone()));
        }
    }

    /// Drops what was kept: an account was written.
    pub(crate) fn forget(&self) {
        let mut state = self.state();
        state.names = None;
        state.writes += 1;
    }
}

/// When a read of the names began.
#[derive(Debug)]
pub(crate) struct Mark {
    asked: Instant,
    writes: u64,
}
