//! Configuration: read once from the environment (and an optional TOML file
//! of the same variable names), validated as a whole so an operator sees
//! every mistake in one go.

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use crate::secret::Secret;

/// Where the service keeps its data.
#[derive(Clone, Debug)]
pub enum StoreSettings {
    /// In process, lost at exit; loaded with the demo data when `demo` is set.
    Memory {
        /// Load the fixtures from `seed/` at start.
        demo: bool,
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
#[derive(Clone, Copy, Debug)]
pub struct RateLimits {
    /// Sustained requests per second to everything but sign-in.
    pub per_second: u32,
    /// Requests a client may make at once before the rate applies.
    pub burst: u32,
    /// Sustained sign-in and registration attempts per minute.
    pub auth_per_minute: u32,
    /// Sign-in and registration attempts allowed at once.
    pub auth_burst: u32,
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
    /// Listen address (`OMS_BIND`).
    pub bind: SocketAddr,
    /// `OMS_ENV=production` makes missing secrets fatal.
    pub production: bool,
    /// `MONGODB_URI`, or the in-memory store.
    pub store: StoreSettings,
    /// `OMS_JWT_*`.
    pub jwt: JwtSettings,
    /// `OMS_ADMIN_EMAIL` and `OMS_ADMIN_PASSWORD`.
    pub admin: Option<AdminSettings>,
    /// `OMS_STAFF_PASSWORD` for the demo staff user.
    pub demo_staff_password: Option<Secret>,
    /// `OMS_LOG_FORMAT`.
    pub log_format: LogFormat,
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

/// Variables looked up by name: the environment first, then the file.
#[derive(Debug, Default)]
pub struct Source {
    env: HashMap<String, String>,
    file: HashMap<String, String>,
}

impl Source {
    /// The process environment plus, when given, a TOML file of
    /// `NAME = "value"` pairs.
    ///
    /// # Errors
    /// When the file cannot be read or is not such a table.
    pub fn from_env(config_file: Option<&str>) -> Result<Source, SettingsError> {
        let env = std::env::vars().collect();
        let file = match config_file {
            Some(path) => read_file(path).map_err(|e| SettingsError(vec![e]))?,
            None => HashMap::new(),
        };
        Ok(Source { env, file })
    }

    /// Only these variables, as a test or embedder would pass them.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Source {
        let env = pairs
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        Source {
            env,
            file: HashMap::new(),
        }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.env
            .get(name)
            .or_else(|| self.file.get(name))
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }
}

fn read_file(path: &str) -> Result<HashMap<String, String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("config file {path}: {e}"))?;
    let table: toml::Table = text
        .parse()
        .map_err(|e| format!("config file {path}: {e}"))?;
    table
        .into_iter()
        .map(|(k, v)| match v {
            toml::Value::String(s) => Ok((k, s)),
            toml::Value::Integer(n) => Ok((k, n.to_string())),
            toml::Value::Boolean(b) => Ok((k, b.to_string())),
            other => Err(format!(
                "config file {path}: {k} must be a string, number or boolean, not {}",
                other.type_str()
            )),
        })
        .collect()
}

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
        let production = match p.get("OMS_ENV") {
            None | Some("development") => false,
            Some("production") => true,
            Some(other) => {
                p.fail(format!(
                    "OMS_ENV must be development or production, not {other:?}"
                ));
                false
            }
        };
        let bind = p.parse("OMS_BIND", "127.0.0.1:8080".parse().ok());
        let store = match p.get("MONGODB_URI") {
            Some(uri) => StoreSettings::Mongo {
                uri: Secret::new(uri),
            },
            None => StoreSettings::Memory {
                demo: p.flag("OMS_DEMO_DATA", true),
            },
        };
        let jwt = p.jwt(production);
        let admin = p.admin();
        let log_format = match p.get("OMS_LOG_FORMAT") {
            None => default_log_format(),
            Some("json") => LogFormat::Json,
            Some("pretty") => LogFormat::Pretty,
            Some(other) => {
                p.fail(format!(
                    "OMS_LOG_FORMAT must be json or pretty, not {other:?}"
                ));
                LogFormat::Json
            }
        };
        let rate_limits = RateLimits {
            per_second: p.positive("OMS_RATE_LIMIT_PER_SECOND", 100),
            burst: p.positive("OMS_RATE_LIMIT_BURST", 500),
            auth_per_minute: p.positive("OMS_AUTH_RATE_LIMIT_PER_MINUTE", 10),
            auth_burst: p.positive("OMS_AUTH_RATE_LIMIT_BURST", 10),
        };
        let settings = Settings {
            bind: bind.unwrap_or(SocketAddr::from(([127, 0, 0, 1], 8080))),
            production,
            store,
            jwt,
            admin,
            demo_staff_password: p.get("OMS_STAFF_PASSWORD").map(Secret::new),
            log_format,
            sentry_dsn: p.get("SENTRY_DSN").map(Secret::new),
            rate_limits,
            cors_origins: p.origins(),
            hsts: p.flag("OMS_HSTS", false),
            argon2: (
                p.positive("OMS_ARGON2_MEMORY_KIB", 19_456),
                p.positive("OMS_ARGON2_PASSES", 2),
            ),
            shutdown_timeout: Duration::from_secs(u64::from(
                p.positive("OMS_SHUTDOWN_TIMEOUT_SECONDS", 30),
            )),
        };
        if problems.is_empty() {
            Ok(settings)
        } else {
            Err(SettingsError(problems))
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

struct Parser<'a> {
    source: &'a Source,
    problems: &'a mut Vec<String>,
}

impl<'a> Parser<'a> {
    fn get(&self, name: &str) -> Option<&'a str> {
        self.source.get(name)
    }

    fn fail(&mut self, problem: String) {
        self.problems.push(problem);
    }

    fn parse<T: std::str::FromStr>(&mut self, name: &str, default: Option<T>) -> Option<T> {
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

    fn positive(&mut self, name: &str, default: u32) -> u32 {
        match self.parse::<u32>(name, Some(default)) {
            Some(0) => {
                self.fail(format!("{name} must be at least 1"));
                default
            }
            other => other.unwrap_or(default),
        }
    }

    fn flag(&mut self, name: &str, default: bool) -> bool {
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

    fn jwt(&mut self, production: bool) -> JwtSettings {
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
        let ttl = self.positive("OMS_JWT_TTL_SECONDS", 3600);
        JwtSettings {
            secret,
            generated,
            issuer: self.get("OMS_JWT_ISSUER").unwrap_or("oms").to_owned(),
            audience: self.get("OMS_JWT_AUDIENCE").unwrap_or("oms-api").to_owned(),
            ttl: Duration::from_secs(u64::from(ttl)),
        }
    }

    fn admin(&mut self) -> Option<AdminSettings> {
        match (self.get("OMS_ADMIN_EMAIL"), self.get("OMS_ADMIN_PASSWORD")) {
            (Some(email), Some(password)) => Some(AdminSettings {
                email: email.to_owned(),
                password: Secret::new(password),
            }),
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

    fn origins(&mut self) -> Vec<String> {
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
            if !(origin.starts_with("http://") || origin.starts_with("https://")) {
                self.fail(format!(
                    "OMS_CORS_ORIGINS: {origin:?} is not an http(s) origin"
                ));
            }
        }
        origins
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_serve_a_local_demo() {
        let settings = Settings::load(&Source::from_pairs([])).unwrap();
        assert_eq!(settings.bind.to_string(), "127.0.0.1:8080");
        assert!(matches!(
            settings.store,
            StoreSettings::Memory { demo: true }
        ));
        assert!(settings.jwt.generated);
        assert_eq!(settings.jwt.ttl, Duration::from_secs(3600));
        assert!(settings.admin.is_none());
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let source = Source::from_pairs([
            ("OMS_ENV", "production"),
            ("OMS_BIND", "nowhere"),
            ("OMS_ADMIN_EMAIL", "a@example.com"),
            ("OMS_RATE_LIMIT_BURST", "0"),
            ("OMS_LOG_FORMAT", "xml"),
        ]);
        let SettingsError(problems) = Settings::load(&source).unwrap_err();
        let text = problems.join("\n");
        for needle in [
            "OMS_BIND",
            "OMS_JWT_SECRET is required",
            "OMS_ADMIN_PASSWORD",
            "OMS_RATE_LIMIT_BURST",
            "OMS_LOG_FORMAT",
        ] {
            assert!(text.contains(needle), "{needle} missing from {text}");
        }
        assert_eq!(problems.len(), 5, "{text}");
    }

    #[test]
    fn a_short_jwt_secret_is_refused() {
        let source = Source::from_pairs([("OMS_JWT_SECRET", "short")]);
        let SettingsError(problems) = Settings::load(&source).unwrap_err();
        assert_eq!(problems, ["OMS_JWT_SECRET must be at least 32 characters"]);
    }

    #[test]
    fn the_environment_wins_over_the_file() {
        let dir = std::env::temp_dir().join(format!("oms-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("oms.toml");
        std::fs::write(&path, "OMS_BIND = \"127.0.0.1:9000\"\nOMS_HSTS = true\n").unwrap();
        let mut source = Source::from_env(path.to_str()).unwrap();
        source.env = HashMap::from([("OMS_BIND".to_owned(), "127.0.0.1:9001".to_owned())]);
        let settings = Settings::load(&source).unwrap();
        assert_eq!(settings.bind.port(), 9001);
        assert!(settings.hsts);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
