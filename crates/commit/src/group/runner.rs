//! The thread groups are committed on, with a runtime of its own (timers
//! and I/O enabled, for stores whose drivers need them). It stops once the
//! queue is dropped, which a running group prevents: it holds the store,
//! and so the queue, until it has answered.

use std::future::Future;

use tokio::runtime::Handle;
use tokio::sync::oneshot;

pub(super) struct Runner {
    /// `None` only if no thread could be started: then groups run on the
    /// submitter's runtime, as a last resort.
    handle: Option<Handle>,
    /// Dropped with the queue, which ends the thread.
    _stop: Option<oneshot::Sender<()>>,
}

impl Runner {
    pub(super) fn start() -> Runner {
        let none = || Runner {
            handle: None,
            _stop: None,
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build();
        let Ok(runtime) = runtime else {
            return none();
        };
        let handle = runtime.handle().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("oms-group-commit".to_owned())
            .spawn(move || {
                runtime.block_on(async {
                    let _ = stopped.await;
                });
            });
        match thread {
            Ok(_) => Runner {
                handle: Some(handle),
                _stop: Some(stop),
            },
            Err(_) => none(),
        }
    }

    pub(super) fn spawn<F: Future<Output = ()> + Send + 'static>(&self, task: F) {
        match &self.handle {
            Some(handle) => drop(handle.spawn(task)),
            None => drop(tokio::spawn(task)),
        }
    }
}
