//! The store's own threads (the checkpointer, the search indexer): each
//! waits between rounds on a channel that dropping its handle closes, and
//! the drop waits for the thread, so nothing touches the files after the
//! store is gone.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

/// A running thread of the store; dropping it stops the thread and waits
/// for it.
#[derive(Debug)]
pub(crate) struct Background {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Background {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// What a store thread waits on between rounds.
pub(crate) struct Rounds {
    stopped: Receiver<()>,
}

impl Rounds {
    /// Waits `pause`; false once the store is being dropped.
    pub(crate) fn wait(&self, pause: Duration) -> bool {
        matches!(
            self.stopped.recv_timeout(pause),
            Err(RecvTimeoutError::Timeout)
        )
    }
}

/// Runs `work` on a thread named `name` until its handle is dropped; a
/// thread that cannot start is logged, with `without` saying what the
/// store does instead.
pub(crate) fn spawn(
    name: &str,
    without: &'static str,
    work: impl FnOnce(&Rounds) + Send + 'static,
) -> Background {
    let (stop, stopped) = mpsc::channel::<()>();
    let thread = std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || work(&Rounds { stopped }))
        .inspect_err(|error| tracing::error!(%error, thread = name, "{without}"))
        .ok();
    Background {
        stop: Some(stop),
        thread,
    }
}
