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
use oms_app::webhooks::WebhookService;
use oms_app::webhooks::dispatch::{Delivering, Dispatcher};
use oms_domain::webhook::address::AddressPolicy;
use oms_ports::store::Store;
use oms_webhooks::HttpTransport;

use crate::currency::Currency;
use crate::metrics::{BusinessMetrics, WebhookMetrics};
use crate::settings::WebhookSettings;

/// The order use cases as the API runs them.
pub type Orders<S> = OrderService<S, SystemClock, RandomIds>;
/// The catalogue use cases.
pub type Catalog<S> = CatalogService<S, SystemClock, RandomIds>;
/// The customer use cases.
pub type Customers<S> = CustomerService<S, SystemClock, RandomIds>;
/// The account use cases.
pub type Users<S> = UserService<S, Argon2Hashing, SystemClock, RandomIds>;

/// The webhook use cases.
pub type Webhooks<S> = WebhookService<S, HttpTransport, SystemClock, RandomIds>;
/// The process's webhook dispatcher.
pub type Dispatch<S> = Dispatcher<S, HttpTransport, SystemClock, RandomIds>;

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
    /// Webhook endpoints and deliveries.
    pub webhooks: Webhooks<S>,
    /// The one dispatcher the server runs.
    pub dispatcher: Dispatch<S>,
    /// The store itself, for readiness checks only.
    pub store: S,
    /// Orders placed, stock conflicts.
    pub metrics: BusinessMetrics,
    /// What every amount counts (`OMS_CURRENCY`).
    pub currency: Currency,
}

impl<S: Store> AppState<S> {
    /// Services over `store`.
    ///
    /// # Errors
    /// When the HTTP client for webhooks cannot be built.
    pub fn new(
        store: S,
        hashing: Argon2Hashing,
        metrics: BusinessMetrics,
        currency: Currency,
        webhooks: (&WebhookSettings, WebhookMetrics),
    ) -> Result<AppState<S>, oms_webhooks::BuildError> {
        // Every write that loses a race is tried again under this one policy.
        let contention = Contention::DEFAULT;
        let (settings, observer) = webhooks;
        let policy = AddressPolicy {
            allow_private: settings.allow_private,
        };
        let transport = std::sync::Arc::new(HttpTransport::new(policy)?);
        let dispatcher = Dispatcher::new(
            store.clone(),
            std::sync::Arc::clone(&transport),
            SystemClock,
            RandomIds,
            Delivering {
                timeout: settings.timeout,
                schedule: settings.schedule.clone(),
                disable_after: settings.disable_after,
                user_agent: format!("oms/{}", env!("CARGO_PKG_VERSION")),
                keep_done: settings.keep_done,
            },
            policy,
            crate::webhooks::bodies(currency),
            std::sync::Arc::new(observer),
        );
        let webhooks = WebhookService::new(
            store.clone(),
            transport,
            SystemClock,
            RandomIds,
            policy,
            &dispatcher,
        );
        Ok(AppState {
            orders: OrderService::new(store.clone(), SystemClock, RandomIds)
                .with_contention(contention),
            catalog: CatalogService::new(store.clone(), SystemClock, RandomIds)
                .with_contention(contention),
            customers: CustomerService::new(store.clone(), SystemClock, RandomIds)
                .with_contention(contention),
            users: UserService::new(store.clone(), hashing, SystemClock, RandomIds),
            webhooks,
            dispatcher,
            store,
            metrics,
            currency,
        })
    }
}
