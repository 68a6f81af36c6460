//! The `oms` command line.

use clap::{Parser, Subcommand, ValueEnum};

/// Order management service.
#[derive(Debug, Parser)]
#[command(name = "oms", version, about)]
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
    Seed,
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
    /// Create an account (or update the one with this address). The password
    /// is read from `OMS_USER_PASSWORD`.
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
