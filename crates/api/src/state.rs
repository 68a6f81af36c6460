//! What every handler can reach: the use-case services over one store, and
//! the counters they bump. Concrete choices (system clock, random ids,
//! Argon2) are made here and nowhere else.

use oms_app::catalog::CatalogService;
use oms_app::contention::Contention;
use oms_app::customers::CustomerService;
use oms_app::orders::OrderService;
use oms_app::passwords::Argon2Hashing;
use oms_app::system::{RandomIds, SystemClock};
use oms_app::users::UserService;
use oms_ports::store::Store;

use crate::currency::Currency;
use crate::metrics::BusinessMetrics;

/// The order use cases as the API runs them.
pub type Orders<S> = OrderService<S, SystemClock, RandomIds>;
/// The catalogue use cases.
pub type Catalog<S> = CatalogService<S, SystemClock, RandomIds>;
/// The customer use cases.
pub type Customers<S> = CustomerService<S, SystemClock, RandomIds>;
/// The account use cases.
pub type Users<S> = UserService<S, Argon2Hashing, SystemClock, RandomIds>;

/// Shared by every request; cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState<S> {
    /// Orders.
    pub orders: Orders<S>,
    /// Products.
    pub catalog: Catalog<S>,
    /// Customers.
    pub customers: Customers<S>,
    /// Accounts.
    pub users: Users<S>,
    /// The store itself, for readiness checks only.
    pub store: S,
    /// Orders placed, stock conflicts.
    pub metrics: BusinessMetrics,
    /// What every amount counts (`OMS_CURRENCY`).
    pub currency: Currency,
}

impl<S: Store> AppState<S> {
    /// Services over `store`.
    pub fn new(
        store: S,
        hashing: Argon2Hashing,
        metrics: BusinessMetrics,
        currency: Currency,
    ) -> AppState<S> {
        // Every write that loses a race is tried again under this one policy.
        let contention = Contention::DEFAULT;
        AppState {
            orders: OrderService::new(store.clone(), SystemClock, RandomIds)
                .with_contention(contention),
            catalog: CatalogService::new(store.clone(), SystemClock, RandomIds)
                .with_contention(contention),
            customers: CustomerService::new(store.clone(), SystemClock, RandomIds)
                .with_contention(contention),
            users: UserService::new(store.clone(), hashing, SystemClock, RandomIds),
            store,
            metrics,
            currency,
        }
    }
}
