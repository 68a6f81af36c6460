//! Whether the caller of a write still waits for its answer. A server
//! whose handlers run to the end after the client hangs up (actix-web's
//! do) tells the queue how to ask, for the request being served, with
//! [`scope`]; a job whose caller has gone is skipped when its group forms
//! instead of being written with nobody to hear of it.

use std::future::Future;
use std::sync::Arc;

/// Asks whether the caller is still there.
pub type StillWaiting = Arc<dyn Fn() -> bool + Send + Sync>;

tokio::task_local! {
    static WAITING: StillWaiting;
}

/// Runs `work` with `still_waiting` answering for its caller.
pub async fn scope<F: Future>(still_waiting: StillWaiting, work: F) -> F::Output {
    WAITING.scope(still_waiting, work).await
}

/// The check for the task being run, if its server gave one.
pub(crate) fn current() -> Option<StillWaiting> {
    WAITING.try_with(Arc::clone).ok()
}
