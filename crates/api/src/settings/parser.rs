//! Reading one variable at a time, collecting every problem instead of
//! stopping at the first.

use crate::currency::Currency;
use std::net::SocketAddr;
use std::time::Duration;

use ipnet::IpNet;
use oms_domain::email::Email;

use oms_ports::events::EventRetention;
use oms_ws::hub::HubSettings;

use super::{
    AdminSettings, FeedSettings, JwtSettings, LogFormat, RateLimits, Source, StoreSettings,
};
use crate::secret::Secret;

/// The longest a token may live.
const MAX_TOKEN_SECONDS: u32 = 86_400;

pub(super) struct Parser<'a> {
    pub(super) source: &'a Source,
    pub(super) problems: &'a mut Vec<String>,
}

impl<'a> Parser<'a> {
    pub(super) fn get(&self, name: &str) -> Option<&'a str> {
        self.source.get(name)
    }

    /// `OMS_STORE` (`sqlite`, `memory` or `mongodb`), else MongoDB when
    /// `MONGODB_URI` is set, else SQLite in `OMS_DATA_DIR`.
    pub(super) fn store(&mut self) -> StoreSettings {
        let uri = self.get("MONGODB_URI").map(Secret::new);
        let sqlite = |p: &mut Self| StoreSettings::Sqlite {
            path: p.data_dir().join("oms.db"),
        };
        match (self.get("OMS_STORE"), uri) {
            (None, Some(uri)) | (Some("mongodb"), Some(uri)) => StoreSettings::Mongo { uri },
            (None | Some("sqlite"), _) => sqlite(self),
            (Some("memory"), _) => StoreSettings::Memory,
            (Some("mongodb"), None) => {
                self.fail("OMS_STORE=mongodb needs MONGODB_URI".to_owned());
                StoreSettings::Memory
            }
            (Some(other), _) => {
                self.fail(format!(
                    "OMS_STORE must be sqlite, memory or mongodb, not {other:?}"
                ));
                StoreSettings::Memory
            }
        }
    }

    /// `OMS_DATA_DIR`, else `./data`.
    pub(super) fn data_dir(&self) -> std::path::PathBuf {
        std::path::PathBuf::from(self.get("OMS_DATA_DIR").unwrap_or("data"))
    }

    pub(super) fn fail(&mut self, problem: String) {
        self.problems.push(problem);
    }

    pub(super) fn parse<T: std::str::FromStr>(
        &mut self,
        name: &str,
        default: Option<T>,
    ) -> Option<T> {
        match self.get(name) {
            None => default,
            Some(raw) => match raw.parse() {
                Ok(value) => Some(value),
                Err(_) => {
                    self.fail(format!("{name} is not valid: {raw:?}"));
                    None
                }
            },
        }
    }

    /// `OMS_BIND`; else, in production, every interface on `PORT`, as
    /// hosting platforms (Railway, Heroku, Render, Cloud Run) announce the
    /// port to listen on; else `127.0.0.1:8080`. A developer's shell that
    /// happens to set `PORT` leaves a development server on loopback.
    pub(super) fn bind(&mut self, production: bool) -> SocketAddr {
        let loopback = SocketAddr::from(([127, 0, 0, 1], 8080));
        if self.get("OMS_BIND").is_some() || !production {
            return self.parse("OMS_BIND", Some(loopback)).unwrap_or(loopback);
        }
        match self.parse::<u16>("PORT", None) {
            Some(port) => SocketAddr::from(([0, 0, 0, 0], port)),
            None => loopback,
        }
    }

    /// `OMS_METRICS_BIND`: an address, or `off`; `127.0.0.1:9464` unless
    /// set. Metrics say how busy the shop is and which routes exist: they
    /// are for the scraper, not the public port.
    pub(super) fn metrics_bind(&mut self) -> Option<SocketAddr> {
        let loopback = SocketAddr::from(([127, 0, 0, 1], 9464));
        match self.get("OMS_METRICS_BIND") {
            Some("off") => None,
            _ => self.parse("OMS_METRICS_BIND", Some(loopback)),
        }
    }

    pub(super) fn positive(&mut self, name: &str, default: u32) -> u32 {
        match self.parse::<u32>(name, Some(default)) {
            Some(0) => {
                self.fail(format!("{name} must be at least 1"));
                default
            }
            other => other.unwrap_or(default),
        }
    }

    /// `OMS_CURRENCY`: an ISO 4217 code with minor units, `USD` unless set.
    pub(super) fn currency(&mut self) -> Currency {
        let code = self.get("OMS_CURRENCY").unwrap_or(Currency::DEFAULT_CODE);
        match Currency::parse(code) {
            Ok(currency) => currency,
            Err(why) => {
                self.fail(format!("OMS_CURRENCY: {why}"));
                Currency::default()
            }
        }
    }

    pub(super) fn flag(&mut self, name: &str, default: bool) -> bool {
        match self.get(name) {
            None => default,
            Some("1" | "true" | "yes" | "on") => true,
            Some("0" | "false" | "no" | "off") => false,
            Some(other) => {
                self.fail(format!("{name} must be true or false, not {other:?}"));
                default
            }
        }
    }

    pub(super) fn jwt(&mut self, production: bool) -> JwtSettings {
        let (secret, generated) = match self.get("OMS_JWT_SECRET") {
            Some(s) if s.len() < 32 => {
                self.fail("OMS_JWT_SECRET must be at least 32 characters".to_owned());
                (Secret::new(s), false)
            }
            Some(s) => (Secret::new(s), false),
            None if production => {
                self.fail("OMS_JWT_SECRET is required when OMS_ENV=production".to_owned());
                (Secret::random(), true)
            }
            None => (Secret::random(), true),
        };
        let mut ttl = self.positive("OMS_JWT_TTL_SECONDS", 3600);
        // A token outlives any revocation that cannot reach it (a store
        // that cannot be read refuses it anyway): a day at most.
        if ttl > MAX_TOKEN_SECONDS {
            self.fail(format!(
                "OMS_JWT_TTL_SECONDS must be at most {MAX_TOKEN_SECONDS} (a day), not {ttl}"
            ));
            ttl = MAX_TOKEN_SECONDS;
        }
        JwtSettings {
            secret,
            generated,
            issuer: self.get("OMS_JWT_ISSUER").unwrap_or("oms").to_owned(),
            audience: self.get("OMS_JWT_AUDIENCE").unwrap_or("oms-api").to_owned(),
            ttl: Duration::from_secs(u64::from(ttl)),
        }
    }

    pub(super) fn feed(&mut self) -> FeedSettings {
        let count = |n: u32| usize::try_from(n).unwrap_or(usize::MAX);
        let days = self.positive("OMS_EVENT_RETENTION_DAYS", 7);
        FeedSettings {
            hub: HubSettings {
                queue: count(self.positive("OMS_WS_QUEUE_LENGTH", 1_024)),
                max_connections: count(self.positive("OMS_WS_MAX_CONNECTIONS", 10_000)),
                max_per_client: count(self.positive("OMS_WS_MAX_PER_CLIENT", 32)),
                ..HubSettings::default()
            },
            ping_every: Duration::from_secs(u64::from(self.positive("OMS_WS_PING_SECONDS", 5))),
            retention: EventRetention {
                max_age: Duration::from_secs(u64::from(days) * 86_400),
                max_events: count(self.positive("OMS_EVENT_LOG_MAX_EVENTS", 10_000)),
                idempotency_keys: Duration::from_secs(
                    u64::from(self.positive("OMS_IDEMPOTENCY_DAYS", 7)) * 86_400,
                ),
            },
        }
    }

    pub(super) fn admin(&mut self) -> Option<AdminSettings> {
        match (self.get("OMS_ADMIN_EMAIL"), self.get("OMS_ADMIN_PASSWORD")) {
            (Some(email), Some(_)) => {
                if let Err(e) = Email::parse(email) {
                    self.fail(format!("OMS_ADMIN_EMAIL {e}"));
                }
                let password = self.password("OMS_ADMIN_PASSWORD")?;
                Some(AdminSettings {
                    email: email.to_owned(),
                    password,
                })
            }
            (None, None) => None,
            (Some(_), None) => {
                self.fail("OMS_ADMIN_EMAIL is set without OMS_ADMIN_PASSWORD".to_owned());
                None
            }
            (None, Some(_)) => {
                self.fail("OMS_ADMIN_PASSWORD is set without OMS_ADMIN_EMAIL".to_owned());
                None
            }
        }
    }

    pub(super) fn origins(&mut self) -> Vec<String> {
        let Some(raw) = self.get("OMS_CORS_ORIGINS") else {
            return Vec::new();
        };
        let origins: Vec<String> = raw
            .split(',')
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(str::to_owned)
            .collect();
        for origin in &origins {
            if !is_origin(origin) {
                self.fail(format!(
                    "OMS_CORS_ORIGINS: {origin:?} is not an origin like https://shop.example"
                ));
            }
        }
        origins
    }

    pub(super) fn production(&mut self) -> bool {
        match self.get("OMS_ENV") {
            None | Some("development") => false,
            Some("production") => true,
            Some(other) => {
                self.fail(format!(
                    "OMS_ENV must be development or production, not {other:?}"
                ));
                false
            }
        }
    }

    /// A password setting, checked by the same rules as any password.
    pub(super) fn password(&mut self, name: &str) -> Option<Secret> {
        let raw = self.get(name)?;
        if let Err(e) = oms_app::passwords::chosen(raw) {
            self.fail(format!("{name} {e}"));
        }
        Some(Secret::new(raw))
    }

    pub(super) fn log_format(&mut self) -> LogFormat {
        match self.get("OMS_LOG_FORMAT") {
            None => default_log_format(),
            Some("json") => LogFormat::Json,
            Some("pretty") => LogFormat::Pretty,
            Some(other) => {
                self.fail(format!(
                    "OMS_LOG_FORMAT must be json or pretty, not {other:?}"
                ));
                LogFormat::Json
            }
        }
    }

    pub(super) fn log_filter(&mut self) -> String {
        let filter = self.get("RUST_LOG").unwrap_or("info").to_owned();
        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&filter) {
            self.fail(format!("RUST_LOG is not a valid filter: {e}"));
        }
        filter
    }

    pub(super) fn sentry_dsn(&mut self) -> Option<Secret> {
        let raw = self.get("SENTRY_DSN")?;
        if raw.parse::<sentry::types::Dsn>().is_err() {
            // The DSN holds a key: name the variable, not the value.
            self.fail("SENTRY_DSN is not a valid Sentry DSN".to_owned());
            return None;
        }
        Some(Secret::new(raw))
    }

    /// `OMS_TRUSTED_PROXIES`: comma-separated networks (`10.0.0.0/8`) or
    /// addresses.
    fn trusted_proxies(&mut self) -> Vec<IpNet> {
        if self.get("OMS_TRUST_FORWARDED_FOR").is_some() {
            self.fail(
                "OMS_TRUST_FORWARDED_FOR is replaced by OMS_TRUSTED_PROXIES: list the addresses your proxies connect from (10.0.0.0/8, 192.0.2.10)"
                    .to_owned(),
            );
        }
        let Some(raw) = self.get("OMS_TRUSTED_PROXIES") else {
            return Vec::new();
        };
        let mut proxies = Vec::new();
        for entry in raw.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            match crate::client_ip::parse_proxy(entry) {
                Some(net) => proxies.push(net),
                None => self.fail(format!(
                    "OMS_TRUSTED_PROXIES: {entry:?} is not an address or a network like 10.0.0.0/8"
                )),
            }
        }
        proxies
    }

    pub(super) fn rate_limits(&mut self) -> RateLimits {
        RateLimits {
            per_second: self.positive("OMS_RATE_LIMIT_PER_SECOND", 100),
            burst: self.positive("OMS_RATE_LIMIT_BURST", 500),
            auth_per_minute: self.positive("OMS_AUTH_RATE_LIMIT_PER_MINUTE", 60),
            auth_burst: self.positive("OMS_AUTH_RATE_LIMIT_BURST", 100),
            trusted_proxies: self.trusted_proxies(),
            ws_upgrades_per_minute: self.positive("OMS_WS_UPGRADES_PER_MINUTE", 120),
            ws_upgrade_burst: self.positive("OMS_WS_UPGRADE_BURST", 60),
            login_failures: self.positive("OMS_LOGIN_FAILURES", 10),
            login_failures_per_minute: self.positive("OMS_LOGIN_FAILURES_PER_MINUTE", 10),
        }
    }
}

fn default_log_format() -> LogFormat {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal() {
        LogFormat::Pretty
    } else {
        LogFormat::Json
    }
}

/// A browser origin exactly as the `Origin` header carries it:
/// `scheme://host[:port]`, no path, no trailing slash.
fn is_origin(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once("://") else {
        return false;
    };
    let host = rest.rsplit_once(':').map_or(rest, |(host, port)| {
        if port.parse::<u16>().is_ok() {
            host
        } else {
            ""
        }
    });
    matches!(scheme, "http" | "https")
        && !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':'))
}
