//! The `oms` command line.

use clap::{Parser, Subcommand, ValueEnum};

/// What `oms --help` opens with.
const ABOUT: &str = "oms: an order management service. It takes orders, reserves stock, tracks orders live, \
and serves the shop's pages: /order for customers, /admin for the dashboard, /docs for the API.";

const LONG_ABOUT: &str = "oms: an order management service. It takes orders, reserves stock, tracks orders live \
(WebSocket), and serves the shop's pages (/order for customers, /track-order, /admin for the staff's \
dashboard) and its API (/docs).\n\n\
With no command it serves on http://127.0.0.1:8080 (OMS_BIND), keeping data in an SQLite file in \
OMS_DATA_DIR (default ./data); MONGODB_URI (with OMS_STORE=mongodb) keeps it in MongoDB instead. \
Every setting is an OMS_* environment variable, or a line of the --config file; docs/configuration.md lists them.";

/// The command line.
#[derive(Debug, Parser)]
#[command(name = "oms", version, about = ABOUT, long_about = LONG_ABOUT)]
pub struct Cli {
    /// A TOML file of `NAME = "value"` settings; the environment wins over it.
    #[arg(long, env = "OMS_CONFIG", global = true)]
    pub config: Option<String>,
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (the default).
    Serve,
    /// Apply pending store migrations, then exit.
    Migrate,
    /// Load the demo fixtures from `seed/` into the store, then exit.
    Seed {
        /// Instead of the demo orders, place N bench orders by N customers
        /// over the past year (for benchmarks); the store must hold no
        /// order yet.
        #[arg(long, value_name = "N")]
        orders: Option<u64>,
    },
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Write a consistent copy of the SQLite store to PATH (a new file),
    /// also while a server is running on it.
    Backup {
        /// Where the copy goes; must not exist yet.
        #[arg(value_name = "PATH")]
        to: std::path::PathBuf,
    },
    /// Put a copy made by `oms backup` in place of the SQLite store. Stop
    /// the server first; what the store held is kept aside beside it.
    Restore {
        /// The backup to restore.
        #[arg(value_name = "BACKUP")]
        from: std::path::PathBuf,
    },
    /// Ask the server at the configured address (OMS_BIND, or PORT in
    /// production) whether it is alive (`GET /healthz`): exit 0 when it
    /// answers 200, else 1. For container health checks.
    Health,
    /// Write the pages to DIR (new or empty) as static files that call the
    /// API at --api-url, with a vercel.json for hosting them on Vercel. The
    /// API must then allow their origin in OMS_CORS_ORIGINS. Reads no
    /// settings.
    ExportPages {
        /// Where the files go.
        #[arg(value_name = "DIR")]
        dir: std::path::PathBuf,
        /// The API's origin, e.g. https://api.shop.example.
        #[arg(long, value_name = "URL")]
        api_url: String,
    },
}

/// Account subcommands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; the password is read from `OMS_USER_PASSWORD`.
    /// Works while a server runs on the store. An address that has an
    /// account is refused unless --update is given.
    Create {
        /// The account's role.
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Sign-in address.
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// Give an existing account with this address this name, role and
        /// password (ending its tokens when the password or role changes).
        #[arg(long)]
        update: bool,
    },
    /// End every token issued to an account so far (a lost laptop, a
    /// colleague who left): its holder must sign in again.
    Revoke {
        /// The account's sign-in address.
        email: String,
    },
}

/// Roles as typed on the command line.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum RoleArg {
    /// Everything.
    Admin,
    /// Orders and customers.
    Staff,
    /// Own orders only.
    Customer,
}

impl From<RoleArg> for oms_domain::user::Role {
    fn from(role: RoleArg) -> Self {
        match role {
            RoleArg::Admin => oms_domain::user::Role::Admin,
            RoleArg::Staff => oms_domain::user::Role::Staff,
            RoleArg::Customer => oms_domain::user::Role::Customer,
        }
    }
}
