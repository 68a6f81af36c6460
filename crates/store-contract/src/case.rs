//! A case of the suite, and the macro that declares a module's cases so
//! each is named once: by its function.

use futures::future::BoxFuture;
use oms_ports::events::EventRetention;

/// One promise of the ports, checked on a fresh store.
pub struct Case<S> {
    /// The case's function, which names the promise.
    pub name: &'static str,
    /// How long the store must keep events.
    pub retention: EventRetention,
    /// The check; it panics when the store breaks the promise.
    pub check: fn(S) -> BoxFuture<'static, ()>,
}

impl<S> std::fmt::Debug for Case<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// Declares a module's cases: each `pub async fn name<S: Store>(store: S)`
/// stays an ordinary public function, and the module gets `cases()`, which
/// lists them under their names. `#[keeping(RETENTION)]` (after the doc
/// comment) asks for a store that keeps events that long; the default is
/// [`EventRetention::default`].
macro_rules! cases {
    ($(
        $(#[doc = $doc:literal])*
        $(#[keeping($retention:expr)])?
        pub async fn $name:ident<S: Store>($store:ident: S $(,)?) $body:block
    )+) => {
        $(
            $(#[doc = $doc])*
            pub async fn $name<S: Store>($store: S) $body
        )+

        /// This module's cases.
        pub(crate) fn cases<S: Store>() -> Vec<crate::Case<S>> {
            vec![$(
                crate::Case {
                    name: stringify!($name),
                    retention: cases!(@retention $($retention)?),
                    check: |store| Box::pin($name(store)),
                },
            )+]
        }
    };
    (@retention $retention:expr) => { $retention };
    (@retention) => { oms_ports::events::EventRetention::default() };
}
