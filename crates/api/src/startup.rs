//! Building and running the server: services over the chosen store, the
//! middleware stack, the routes, and graceful shutdown.

use std::net::TcpListener;
use std::num::NonZeroU32;

use actix_governor::Governor;
use actix_web::dev::Server;
use actix_web::middleware::{Condition, ErrorHandlers, from_fn};
use actix_web::{App, HttpServer, web};
use oms_app::passwords::Argon2Hashing;
use oms_app::system::{RandomIds, SystemClock};
use oms_app::users::UserService;
use oms_ports::store::{Store, UserStore};
use tracing_actix_web::TracingLogger;
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::auth::{Accounts, Tokens};
use crate::feed::{Feed, LiveFeed};
use crate::metrics::Metrics;
use crate::openapi;
use crate::rate_limit::{self, ClientIp, budgets};
use crate::routes;
use crate::seed::{self, SeedReport};
use crate::settings::{RateLimits, Settings};
use crate::sign_in::SignInFailures;
use crate::state::{AppState, Users};
use crate::telemetry::RequestSpan;
use crate::{fallback, headers, pages, peer, request_id};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The metrics address could not be bound.
    #[error("cannot serve metrics on {addr} (OMS_METRICS_BIND; `off` serves none): {source}")]
    MetricsBind {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// Demo data or the configured administrator could not be written.
    #[error(transparent)]
    Seed(#[from] seed::SeedError),
    /// The store's event log, which the live feed follows, cannot be read.
    #[error("the event log cannot be read")]
    Events(#[source] oms_ports::error::StoreError),
    /// Anything else that is wrong with the configuration.
    #[error("{0}")]
    Config(String),
}

/// A server bound to its port, not yet running.
pub struct Application<S> {
    server: Server,
    port: u16,
    /// `/metrics`, on a listener of its own, and its port.
    metrics: Option<(Server, u16)>,
    state: AppState<S>,
    seeded: SeedReport,
    feed: Feed,
    delivery: crate::webhooks::Delivery,
    holds: Option<crate::holds::HoldSweep>,
}

/// Stops a running [`Application`].
#[derive(Clone, Debug)]
pub struct AppHandle {
    server: actix_web::dev::ServerHandle,
    metrics: Option<actix_web::dev::ServerHandle>,
    hub: oms_ws::hub::Hub,
}

impl AppHandle {
    /// Closes every feed connection (close code 1001, so clients resume
    /// elsewhere), then stops the server; `graceful` lets in-flight
    /// requests finish (up to the configured shutdown timeout).
    pub async fn stop(&self, graceful: bool) {
        self.hub.stop();
        self.server.stop(graceful).await;
        if let Some(metrics) = &self.metrics {
            metrics.stop(false).await;
        }
    }
}

impl<S> std::fmt::Debug for Application<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl<S: Store> Application<S> {
    /// Wires services over `store`, loads demo data and the configured
    /// administrator, and binds the listener.
    ///
    /// # Errors
    /// [`StartupError`].
    pub async fn build(settings: Settings, store: S) -> Result<Application<S>, StartupError> {
        let config = |e: &dyn std::fmt::Display| StartupError::Config(e.to_string());
        let (state, metrics) = services_with_metrics(&settings, store)?;
        // Demo data goes only into an empty catalogue: a new database, or
        // the memory store at every start; never over a shop's own data.
        let seeded = if settings.demo_data && seed::catalogue_is_empty(&state).await? {
            let mut loaded = seed::load(&state, &settings).await?;
            loaded.orders = seed::demo_orders(&state).await?;
            tracing::info!(
                products = loaded.products,
                customers = loaded.customers,
                orders = loaded.orders,
                "loaded the demo data from seed/ into the empty store (OMS_DEMO_DATA=false to start empty)"
            );
            loaded
        } else {
            SeedReport::default()
        };
        seed::ensure_admin(&state, &settings)
            .await
            .map_err(seed::SeedError::from)?;
        let listener = TcpListener::bind(settings.bind).map_err(|source| StartupError::Bind {
            addr: settings.bind,
            source,
        })?;
        let port = listener.local_addr().map_err(|e| config(&e))?.port();
        let metrics_listener = match settings.metrics_bind {
            Some(addr) => Some(
                TcpListener::bind(addr)
                    .map_err(|source| StartupError::MetricsBind { addr, source })?,
            ),
            None => None,
        };
        let feed = Feed::start(
            &state.store,
            &settings.feed,
            metrics.feed.clone(),
            settings.currency,
        )
        .await
        .map_err(StartupError::Events)?;
        let delivery =
            crate::webhooks::Delivery::start(state.dispatcher.clone()).map_err(|e| config(&e))?;
        let holds = settings
            .unpaid_hold
            .map(|hold| crate::holds::HoldSweep::start(state.orders.clone(), hold));
        let metrics = web::Data::new(metrics);
        let server = serve(
            &settings,
            state.clone(),
            &metrics,
            feed.live.clone(),
            listener,
        )?;
        let metrics = match metrics_listener {
            Some(listener) => {
                let port = listener.local_addr().map_err(|e| config(&e))?.port();
                Some((serve_metrics(metrics, listener)?, port))
            }
            None => None,
        };
        Ok(Application {
            server,
            port,
            metrics,
            state,
            seeded,
            feed,
            delivery,
            holds,
        })
    }
}

impl<S: Store> Application<S> {
    /// The port the listener got (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port `/metrics` is served on, unless metrics are off.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().map(|(_, port)| *port)
    }

    /// The services, for embedders and the test harness.
    pub fn state(&self) -> &AppState<S> {
        &self.state
    }

    /// What the demo seed created, including passwords to show once.
    pub fn seeded(&self) -> &SeedReport {
        &self.seeded
    }

    /// A handle to stop the server.
    pub fn handle(&self) -> AppHandle {
        AppHandle {
            server: self.server.handle(),
            metrics: self.metrics.as_ref().map(|(server, _)| server.handle()),
            hub: self.feed.live.hub.clone(),
        }
    }

    /// Serves until stopped through [`Application::handle`].
    ///
    /// # Errors
    /// I/O errors from the server.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let metrics = self
            .metrics
            .map(|(server, _)| (server.handle(), tokio::spawn(server)));
        let served = self.server.await;
        if let Some((handle, serving)) = metrics {
            handle.stop(false).await;
            let _ = serving.await;
        }
        self.feed.stop();
        self.delivery.stop();
        if let Some(holds) = &self.holds {
            holds.stop();
        }
        // Writes queued by requests that were cut off at the shutdown
        // timeout still get their group's answer before the process ends.
        self.state.store.drain().await;
        served
    }
}

/// The use-case services over `store`, as the commands other than `serve` need them.
///
/// # Errors
/// [`StartupError::Config`] for a hashing cost Argon2 refuses.
pub fn services<S: Store>(settings: &Settings, store: S) -> Result<AppState<S>, StartupError> {
    services_with_metrics(settings, store).map(|(state, _)| state)
}

fn services_with_metrics<S: Store>(
    settings: &Settings,
    store: S,
) -> Result<(AppState<S>, Metrics), StartupError> {
    let config = |e: &dyn std::fmt::Display| StartupError::Config(e.to_string());
    let metrics = Metrics::new().map_err(|e| config(&e))?;
    let mut state = AppState::new(
        store,
        hashing(settings)?,
        metrics.business.clone(),
        settings.currency,
        (&settings.webhooks, metrics.webhooks.clone()),
    )
    .map_err(|e| config(&e))?;
    state.orders = state
        .orders
        .with_address_required(settings.shipping_address_required)
        .with_return_window(settings.return_window);
    Ok((state, metrics))
}

/// The account use cases alone, over any store of accounts: the command
/// line's, beside a server that holds the rest of the store.
///
/// # Errors
/// [`StartupError::Config`] for Argon2 settings the hasher refuses.
pub fn users<U: UserStore>(settings: &Settings, store: U) -> Result<Users<U>, StartupError> {
    Ok(UserService::new(
        store,
        hashing(settings)?,
        SystemClock,
        RandomIds,
    ))
}

/// The password hasher the settings ask for.
fn hashing(settings: &Settings) -> Result<Argon2Hashing, StartupError> {
    let (memory_kib, passes) = settings.argon2;
    Argon2Hashing::with_cost(memory_kib, passes).map_err(|e| StartupError::Config(e.to_string()))
}

fn serve<S: Store>(
    settings: &Settings,
    state: AppState<S>,
    metrics: &Metrics,
    live: LiveFeed,
    listener: TcpListener,
) -> Result<Server, StartupError> {
    // Who a request is from, decided once for every budget and throttle.
    let client = ClientIp::new(&settings.rate_limits.trusted_proxies);
    let (general, route_budgets) =
        budgets(&settings.rate_limits, &client).map_err(|e| StartupError::Config(e.into()))?;
    rate_limit::forget_idle_clients(&route_budgets.with(&general));
    let prometheus = metrics
        .middleware()
        .map_err(|e| StartupError::Config(e.to_string()))?;
    let tokens = web::Data::new(Tokens::new(&settings.jwt));
    let accounts = web::Data::new(Accounts::over(state.store.clone()));
    let sign_in_failures = web::Data::new(sign_in_failures(&settings.rate_limits, client.clone())?);
    let client_ip = web::Data::new(client);
    let state = web::Data::new(state);
    let live = web::Data::new(live);
    let origins = settings.cors_origins.clone();
    let hsts = settings.hsts;
    let reporting = settings.sentry_dsn.is_some();
    openapi::document().map_err(StartupError::Config)?;
    let site = pages::site();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(tokens.clone())
            .app_data(accounts.clone())
            .app_data(client_ip.clone())
            .app_data(sign_in_failures.clone())
            .app_data(live.clone())
            .configure(|cfg| routes::configure::<S>(cfg, &route_budgets))
            .configure(|cfg| oms_web::configure(cfg, &site))
            .service(web::redirect("/docs", "/docs/"))
            .route(openapi::DOCUMENT_PATH, web::get().to(openapi::serve))
            .service(SwaggerUi::new("/docs/{_:.*}").config(Config::from(openapi::DOCUMENT_PATH)))
            .default_service(web::to(fallback::no_route))
            .app_data(web::QueryConfig::default().error_handler(fallback::query_error))
            .wrap(Governor::new(&general))
            .wrap(headers::cors(&origins))
            // Outside CORS, so its refusals become problems too.
            .wrap(ErrorHandlers::new().default_handler(fallback::to_problem))
            .wrap(headers::security_headers(hsts))
            .wrap(prometheus.clone())
            // Without a DSN there is nowhere to send a report: skip the
            // per-request work (building Sentry's copy of the request).
            .wrap(Condition::new(reporting, sentry_actix::Sentry::new()))
            .wrap(from_fn(peer::follow))
            .wrap(TracingLogger::<RequestSpan>::new())
            .wrap(from_fn(request_id::assign))
    })
    .on_connect(|connection, data| {
        if let Some(tcp) = connection.downcast_ref::<actix_web::rt::net::TcpStream>() {
            // Small writes (a feed event, a short answer) leave at once
            // instead of waiting behind the client's delayed ACK (40 ms).
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(error = %e, "TCP_NODELAY not set");
            }
            peer::remember(tcp, data);
        }
    })
    .listen(listener)
    .map_err(|e| StartupError::Config(e.to_string()))?
    .shutdown_timeout(settings.shutdown_timeout.as_secs())
    // `main` turns SIGINT and SIGTERM alike into a graceful stop.
    .disable_signals()
    .run();
    Ok(server)
}

/// `/metrics` alone, on its own listener and one worker: a scraper's
/// port, apart from the API's.
fn serve_metrics(
    metrics: web::Data<Metrics>,
    listener: TcpListener,
) -> Result<Server, StartupError> {
    let server = HttpServer::new(move || {
        App::new()
            .app_data(metrics.clone())
            .route("/metrics", web::get().to(routes::health::metrics))
    })
    .workers(1)
    .listen(listener)
    .map_err(|e| StartupError::Config(e.to_string()))?
    .disable_signals()
    .run();
    Ok(server)
}

fn sign_in_failures(limits: &RateLimits, client: ClientIp) -> Result<SignInFailures, StartupError> {
    let positive = |n: u32| {
        NonZeroU32::new(n)
            .ok_or_else(|| StartupError::Config("login failure limits must be positive".into()))
    };
    let per_minute = positive(limits.login_failures_per_minute)?;
    Ok(SignInFailures::new(
        client,
        per_minute,
        positive(limits.login_failures)?,
    ))
}
