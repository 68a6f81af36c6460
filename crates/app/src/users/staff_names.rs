//! The staff's names, kept for a moment: every view of an order for the
//! staff names who did what, and reading every staff account for each
//! view cost more than the view itself. A name changed on this instance
//! shows at once (its writes forget what was kept); one changed on another
//! within [`FRESH`].

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use oms_domain::ids::UserId;
use oms_domain::name::Name;

/// How long the names read are used before they are read again.
pub const FRESH: Duration = Duration::from_secs(2);

/// The names by account, as last read.
pub type StaffNames = Arc<[(UserId, Name)]>;

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
            Some((at, names)) if at.elapsed() < FRESH => Ok(Arc::clone(names)),
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
            state.names = Some((mark.asked, Arc::clone(names)));
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
