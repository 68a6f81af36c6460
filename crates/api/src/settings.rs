//! Configuration: read once from the environment (and an optional TOML file
//! of the same variable names), validated as a whole so an operator sees
//! every mistake in one go. The types live here; reading them is in
//! `parser.rs`, and where the values come from in `source.rs`.

mod durations;
mod parser;
mod source;
pub mod webhooks;

use crate::currency::Currency;
use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use oms_app::passwords::Argon2Hashing;
use oms_commit::group::Limits;
use oms_ports::events::EventRetention;
use oms_ws::hub::HubSettings;

use crate::secret::Secret;
use parser::Parser;
pub use source::Source;

/// Where the service keeps its data (`OMS_STORE`).
#[derive(Clone, Debug)]
pub enum StoreSettings {
    /// In process, lost at exit.
    Memory,
    /// One SQLite file on this machine: the default.
    Sqlite {
        /// The database file, `oms.db` in `OMS_DATA_DIR` (default `./data`).
        path: std::path::PathBuf,
    },
    /// A MongoDB deployment.
    Mongo {
        /// The connection string (may carry credentials).
        uri: Secret,
    },
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// One JSON object per line, for collectors.
    Json,
    /// Human-readable, for a terminal.
    Pretty,
}

/// Token signing and lifetime.
#[derive(Clone, Debug)]
pub struct JwtSettings {
    /// HMAC key for HS256.
    pub secret: Secret,
    /// True when no secret was configured and one was made up at start:
    /// tokens then die with the process.
    pub generated: bool,
    /// The `iss` claim written and required.
    pub issuer: String,
    /// The `aud` claim written and required.
    pub audience: String,
    /// How long a token lives.
    pub ttl: Duration,
}

/// Per-client request budgets (a client is its IP address).
#[derive(Clone, Debug)]
pub struct RateLimits {
    /// Sustained requests per second to everything but sign-in.
    pub per_second: u32,
    /// Requests a client may make at once before the rate applies.
    pub burst: u32,
    /// Sustained sign-in and registration attempts per minute.
    pub auth_per_minute: u32,
    /// Sign-in and registration attempts allowed at once.
    pub auth_burst: u32,
    /// `OMS_TRUSTED_PROXIES`: the proxies whose `X-Forwarded-For` is
    /// believed (`client_ip.rs`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// `/ws` upgrades a client may make per minute, sustained.
    pub ws_upgrades_per_minute: u32,
    /// `/ws` upgrades a client may make at once.
    pub ws_upgrade_burst: u32,
    /// Failed sign-ins a client may make in a row before 429.
    pub login_failures: u32,
    /// Failed sign-ins a client regains per minute.
    pub login_failures_per_minute: u32,
}

/// The live feed and the event log it follows.
#[derive(Clone, Copy, Debug)]
pub struct FeedSettings {
    /// `OMS_WS_MAX_CONNECTIONS` and `OMS_WS_QUEUE_LENGTH` (messages a
    /// connection may have waiting before it is dropped as lagging).
    pub hub: HubSettings,
    /// `OMS_WS_PING_SECONDS`: how often connections are pinged; three
    /// silent intervals close one.
    pub ping_every: Duration,
    /// `OMS_EVENT_RETENTION_DAYS`, and `OMS_EVENT_LOG_MAX_EVENTS` for the
    /// in-memory store.
    pub retention: EventRetention,
}

/// The administrator kept in line with the configuration at every start.
#[derive(Clone, Debug)]
pub struct AdminSettings {
    /// Sign-in address.
    pub email: String,
    /// Password.
    pub password: Secret,
}

/// Everything the service reads from its environment.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Listen address (`OMS_BIND`, or `PORT` in production).
    pub bind: SocketAddr,
    /// Where `/metrics` is served (`OMS_METRICS_BIND`), apart from the
    /// API; `None` when it is `off`.
    pub metrics_bind: Option<SocketAddr>,
    /// `OMS_ENV=production` makes missing secrets fatal.
    pub production: bool,
    /// `OMS_STORE`, `OMS_DATA_DIR` and `MONGODB_URI`.
    pub store: StoreSettings,
    /// `OMS_DATA_DIR` (default `./data`): the SQLite store's file, and in
    /// development the kept signing key.
    pub data_dir: std::path::PathBuf,
    /// `OMS_DEMO_DATA`: load the fixtures from `seed/` into an empty
    /// catalogue at start (default: on, except in production).
    pub demo_data: bool,
    /// `OMS_JWT_*`.
    pub jwt: JwtSettings,
    /// `OMS_ADMIN_EMAIL` and `OMS_ADMIN_PASSWORD`.
    pub admin: Option<AdminSettings>,
    /// `OMS_STAFF_PASSWORD` for the demo staff user.
    pub demo_staff_password: Option<Secret>,
    /// `OMS_LOG_FORMAT`.
    pub log_format: LogFormat,
    /// `RUST_LOG`, checked (default `info`).
    pub log_filter: String,
    /// `SENTRY_DSN`.
    pub sentry_dsn: Option<Secret>,
    /// `OMS_RATE_LIMIT_*`, `OMS_AUTH_RATE_LIMIT_*`.
    pub rate_limits: RateLimits,
    /// `OMS_CORS_ORIGINS`, comma-separated.
    pub cors_origins: Vec<String>,
    /// `OMS_HSTS=true` behind TLS.
    pub hsts: bool,
    /// `OMS_ARGON2_MEMORY_KIB` and `OMS_ARGON2_PASSES`.
    pub argon2: (u32, u32),
    /// `OMS_SHUTDOWN_TIMEOUT_SECONDS`: how long in-flight requests get.
    pub shutdown_timeout: Duration,
    /// `OMS_WRITE_QUEUE_MAX` and `OMS_WRITE_DEADLINE_SECONDS`: how many
    /// order writes may wait for the store, and how long each may take.
    pub writes: Limits,
    /// `OMS_MONGODB_CONNECT_ATTEMPTS`: tries before giving up at start.
    pub mongo_connect_attempts: u32,
    /// `OMS_MIGRATE_ON_START`: apply pending migrations before serving.
    pub migrate_on_start: bool,
    /// `OMS_USER_PASSWORD`, for `oms user create`.
    pub user_password: Option<Secret>,
    /// `OMS_WS_*` and `OMS_EVENT_*`.
    pub feed: FeedSettings,
    /// `OMS_CURRENCY` (ISO 4217, default `USD`): what every amount counts.
    pub currency: Currency,
    /// `OMS_SHIPPING_ADDRESS_REQUIRED` (true): a shipment of an order
    /// without a shipping address is refused.
    pub shipping_address_required: bool,
    /// `OMS_UNPAID_HOLD` (off): how long a pending order nobody has paid
    /// for keeps its stock before the shop cancels it.
    pub unpaid_hold: Option<Duration>,
    /// `OMS_RETURN_WINDOW_DAYS` (30): how long after delivery (or the last
    /// shipment) a customer may ask for a return.
    pub return_window: Duration,
    /// `OMS_WEBHOOK_*`.
    pub webhooks: WebhookSettings,
}

/// How webhooks are delivered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookSettings {
    /// `OMS_WEBHOOK_ALLOW_PRIVATE`: `http` and private addresses allowed
    /// (link-local ones never are).
    pub allow_private: bool,
    /// `OMS_WEBHOOK_TIMEOUT_SECONDS` (15): how long an endpoint has to answer.
    pub timeout: Duration,
    /// `OMS_WEBHOOK_RETRY_SCHEDULE`: the pause before each attempt.
    pub schedule: oms_domain::webhook::delivery::RetrySchedule,
    /// `OMS_WEBHOOK_DISABLE_AFTER` (`5d`): how long an endpoint may fail
    /// every delivery before it is disabled.
    pub disable_after: Duration,
    /// `OMS_EVENT_RETENTION_DAYS`: how long a finished delivery stays in
    /// the log.
    pub keep_done: Duration,
}

/// Every problem found in the configuration, one line each.
#[derive(Debug, PartialEq, Eq)]
pub struct SettingsError(pub Vec<String>);

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "invalid configuration:")?;
        for problem in &self.0 {
            writeln!(f, "  - {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SettingsError {}

impl Settings {
    /// Reads and validates everything, reporting all problems at once.
    ///
    /// # Errors
    /// [`SettingsError`] listing each bad or missing variable.
    pub fn load(source: &Source) -> Result<Settings, SettingsError> {
        let mut problems = Vec::new();
        let mut p = Parser {
            source,
            problems: &mut problems,
        };
        let production = p.production();
        let bind = p.bind(production);
        let store = p.store();
        let feed = p.feed();
        let settings = Settings {
            bind,
            metrics_bind: p.metrics_bind(),
            production,
            store,
            data_dir: p.data_dir(),
            // Demo accounts have published addresses: never by default in production.
            demo_data: p.flag("OMS_DEMO_DATA", !production),
            jwt: p.jwt(production),
            admin: p.admin(),
            demo_staff_password: p.password("OMS_STAFF_PASSWORD"),
            log_format: p.log_format(),
            log_filter: p.log_filter(),
            sentry_dsn: p.sentry_dsn(),
            rate_limits: p.rate_limits(),
            cors_origins: p.origins(),
            hsts: p.flag("OMS_HSTS", false),
            argon2: (
                p.positive("OMS_ARGON2_MEMORY_KIB", Argon2Hashing::MEMORY_KIB),
                p.positive("OMS_ARGON2_PASSES", Argon2Hashing::PASSES),
            ),
            shutdown_timeout: Duration::from_secs(u64::from(
                p.positive("OMS_SHUTDOWN_TIMEOUT_SECONDS", 30),
            )),
            writes: Limits {
                queue: usize::try_from(p.positive("OMS_WRITE_QUEUE_MAX", 4096))
                    .unwrap_or(usize::MAX),
                deadline: Duration::from_secs(u64::from(
                    p.positive("OMS_WRITE_DEADLINE_SECONDS", 10),
                )),
            },
            mongo_connect_attempts: p.positive("OMS_MONGODB_CONNECT_ATTEMPTS", 10),
            migrate_on_start: p.flag("OMS_MIGRATE_ON_START", true),
            user_password: p.password("OMS_USER_PASSWORD"),
            currency: p.currency(),
            shipping_address_required: p.flag("OMS_SHIPPING_ADDRESS_REQUIRED", true),
            unpaid_hold: p.optional_duration("OMS_UNPAID_HOLD"),
            return_window: Duration::from_secs(
                u64::from(p.positive("OMS_RETURN_WINDOW_DAYS", 30)) * 86_400,
            ),
            webhooks: p.webhooks(feed.retention.max_age),
            feed,
        };
        if problems.is_empty() {
            Ok(settings)
        } else {
            Err(SettingsError(problems))
        }
    }
}

#[cfg(test)]
mod tests;
