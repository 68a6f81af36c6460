//! Threads that do background work at the lowest CPU priority (webhook
//! deliveries) say so here, so an adapter that starts helper threads on
//! their behalf starts them elsewhere: a thread inherits its creator's
//! priority, and a pool thread born low would later serve requests, or
//! hold a store's writer, at that priority.

use std::cell::Cell;

thread_local! {
    static LOWERED: Cell<bool> = const { Cell::new(false) };
}

/// Marks the calling thread as running at lowered priority.
pub fn mark_lowered() {
    LOWERED.with(|l| l.set(true));
}

/// Whether the calling thread was marked by [`mark_lowered`].
pub fn lowered() -> bool {
    LOWERED.with(Cell::get)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_marked_thread_is_lowered() {
        assert!(!lowered());
        std::thread::spawn(|| {
            mark_lowered();
            assert!(lowered());
        })
        .join()
        .unwrap();
        assert!(!lowered(), "the mark stays on the thread that made it");
    }
}
