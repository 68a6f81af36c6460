//! What the `oms` commands do: serve, migrate, seed, create accounts and
//! back up, over the store the settings choose. Which store, how it is
//! opened and what each command means on it are decided here and nowhere
//! else; past [`run`], every command is written once for any store.

use std::io::Write;
use std::path::Path;

use oms_app::users::{Register, RegisterError};
use oms_domain::user::Role;
use oms_memory::MemoryStore;
use oms_mongo::MongoStore;
use oms_ports::store::{Store, UserStore};
use oms_sqlite::{OpenError, SharedUsers, SqliteStore};

use crate::cli::{Command, UserCommand};
use crate::seed::{self, SeedReport};
use crate::settings::{Settings, StoreSettings};
use crate::startup::{Application, services, users};

/// Runs `command` over the configured store.
///
/// # Errors
/// A message for the operator: what failed and, where it helps, what to do.
pub async fn run(command: Command, settings: Settings) -> Result<(), String> {
    match settings.store.clone() {
        StoreSettings::Memory => match command {
            Command::Serve => {
                tracing::info!(
                    store = "memory",
                    "keeping data in memory only: everything is lost when the process exits"
                );
                let store = MemoryStore::with_event_retention(settings.feed.retention);
                serve(settings, store).await
            }
            Command::Migrate => {
                tracing::info!("the in-memory store needs no migrations");
                Ok(())
            }
            _ => Err("this command works on a durable store: the in-memory store (OMS_STORE=memory) lives only inside `oms serve`; use the default SQLite store (OMS_DATA_DIR) or MongoDB (MONGODB_URI)".to_owned()),
        },
        StoreSettings::Sqlite { path } => {
            match &command {
                Command::Backup { to } => return backup(&path, to),
                Command::Restore { from } => return restore(&path, from),
                _ => {}
            }
            let (retention, limits) = (settings.feed.retention, settings.writes);
            let opened = path.clone();
            let open = move || SqliteStore::open_with_limits(opened, retention, limits);
            let store = match tokio::task::spawn_blocking(open)
                .await
                .map_err(|e| e.to_string())?
            {
                Ok(store) => store,
                // A running server holds the store: accounts are written
                // beside it, so adding a colleague needs no stop.
                Err(OpenError::Locked { .. }) if let Command::User(user) = command => {
                    tracing::info!(path = %path.display(), "a server holds the store; changing the account beside it");
                    let users = SharedUsers::open(&path).map_err(|e| e.to_string())?;
                    return account(&settings, users, user).await;
                }
                Err(e @ OpenError::Locked { .. }) => {
                    return Err(format!(
                        "{e}. While it runs: `oms user` and `oms backup` work beside it, and the dashboard's Accounts tab manages accounts"
                    ));
                }
                Err(e) => return Err(e.to_string()),
            };
            tracing::info!(store = "sqlite", path = %path.display(), "keeping data in {} (SQLite; move it with OMS_DATA_DIR)", path.display());
            on(command, settings, store).await
        }
        StoreSettings::Mongo { uri } => {
            let store = MongoStore::connect(uri.expose(), settings.mongo_connect_attempts)
                .await
                .map_err(|e| e.to_string())?
                .with_event_retention(settings.feed.retention)
                .with_write_limits(settings.writes);
            tracing::info!(store = "mongodb", database = %store.database().name(), "connected to MongoDB");
            let serving = matches!(command, Command::Serve);
            if matches!(command, Command::Migrate) || (serving && settings.migrate_on_start) {
                migrate(&store).await?;
            }
            if serving {
                store.apply_retention().await.map_err(|e| {
                    format!("the event retention cannot be applied: {}", causes(&e))
                })?;
            }
            on(command, settings, store).await
        }
    }
}

/// `command` over an opened durable store.
async fn on<S: Store>(command: Command, settings: Settings, store: S) -> Result<(), String> {
    match command {
        Command::Serve => serve(settings, store).await,
        Command::Migrate => {
            tracing::info!("the store schema is up to date");
            Ok(())
        }
        Command::Seed { orders } => seed(settings, store, orders).await,
        Command::User(user) => account(&settings, store, user).await,
        // `main` answers these before any store or runtime is set up.
        Command::Health | Command::ExportPages { .. } => {
            Err("this command opens no store".to_owned())
        }
        Command::Backup { .. } | Command::Restore { .. } => Err(
            "oms backup and oms restore work on the SQLite store; back up and restore MongoDB with its own tools (mongodump and mongorestore, snapshots)"
                .to_owned(),
        ),
    }
}

/// A consistent copy of the SQLite database at `path`, taken while a server
/// may be writing it.
fn backup(path: &Path, to: &Path) -> Result<(), String> {
    SqliteStore::backup(path, to).map_err(|e| e.to_string())?;
    tracing::info!(from = %path.display(), to = %to.display(), "backup written");
    Ok(())
}

/// The backup at `from` in place of the SQLite database at `path`.
fn restore(path: &Path, from: &Path) -> Result<(), String> {
    let aside = SqliteStore::restore(path, from).map_err(|e| match e {
        OpenError::Locked { .. } => format!("{e}: a store is restored while no server runs on it"),
        other => other.to_string(),
    })?;
    match aside {
        Some(aside) => {
            tracing::info!(from = %from.display(), to = %path.display(), kept = %aside.display(), "backup restored; what the store held is kept aside")
        }
        None => tracing::info!(from = %from.display(), to = %path.display(), "backup restored"),
    }
    Ok(())
}

async fn migrate(store: &MongoStore) -> Result<(), String> {
    let applied = store
        .migrate()
        .await
        .map_err(|e| format!("migrations failed: {}", causes(&e)))?;
    tracing::info!(applied = applied.len(), "the store schema is up to date");
    Ok(())
}

/// Loads `seed/` (idempotently) and ensures the configured administrator.
async fn seed<S: Store>(settings: Settings, store: S, orders: Option<u64>) -> Result<(), String> {
    let state = services(&settings, store).map_err(|e| e.to_string())?;
    let report = seed::load(&state, &settings)
        .await
        .map_err(|e| causes(&e))?;
    seed::ensure_admin(&state, &settings)
        .await
        .map_err(|e| causes(&e))?;
    if let Some(orders) = orders {
        let started = std::time::Instant::now();
        let placed = seed::bench_orders(&state, orders)
            .await
            .map_err(|e| causes(&e))?;
        let seconds = started.elapsed().as_secs_f64();
        tracing::info!(orders = placed, seconds, "bench orders placed");
    }
    tracing::info!(
        products = report.products,
        customers = report.customers,
        "seed loaded"
    );
    show_generated_passwords(&report);
    Ok(())
}

/// `oms user ...` over any store of accounts.
async fn account<U: UserStore>(
    settings: &Settings,
    store: U,
    command: UserCommand,
) -> Result<(), String> {
    let users = users(settings, store).map_err(|e| e.to_string())?;
    match command {
        UserCommand::Create {
            role,
            email,
            name,
            update,
        } => {
            let Some(password) = settings.user_password.clone() else {
                return Err("set OMS_USER_PASSWORD to the new account's password".to_owned());
            };
            let role: Role = role.into();
            let cmd = Register {
                name,
                email,
                password: password.expose().to_owned(),
            };
            let user = if update {
                users.ensure(cmd, role).await
            } else {
                users.create(cmd, role).await
            };
            let user = user.map_err(|e| match e {
                RegisterError::DuplicateEmail => "an account with this address exists; add --update to give it this name, role and password".to_owned(),
                other => causes(&other),
            })?;
            let done = if update {
                "account created or updated"
            } else {
                "account created"
            };
            tracing::info!(user = %user.id, email = %user.email, %role, "{done}");
            Ok(())
        }
        UserCommand::Revoke { email } => {
            let user = users.revoke(&email).await.map_err(|e| causes(&e))?;
            tracing::info!(user = %user.id, email = %user.email, "every token issued so far is revoked");
            Ok(())
        }
    }
}

/// Serves until SIGINT or SIGTERM, then lets in-flight requests finish.
async fn serve<S: Store>(mut settings: Settings, store: S) -> Result<(), String> {
    if settings.jwt.generated {
        settings.jwt.secret = crate::kept_key::kept_in(&settings.data_dir)?;
        tracing::warn!(
            file = %settings.data_dir.join(crate::kept_key::FILE).display(),
            "OMS_JWT_SECRET is not set: signing tokens with a key made at the first start and kept in the data directory (production needs OMS_JWT_SECRET)"
        );
    }
    let bind = settings.bind;
    let metrics_bind = settings.metrics_bind;
    let app = Application::build(settings, store)
        .await
        .map_err(|e| causes(&e))?;
    show_generated_passwords(app.seeded());
    let handle = app.handle();
    actix_web::rt::spawn(async move {
        let signal = shutdown_signal().await;
        tracing::info!(signal, "stopping: in-flight requests may finish");
        handle.stop(true).await;
    });
    let address = format!("http://{}:{}", bind.ip(), app.port());
    tracing::info!(address = %address, port = app.port(), "listening");
    match (metrics_bind, app.metrics_port()) {
        (Some(at), Some(port)) => {
            let metrics = format!("http://{}:{port}/metrics", at.ip());
            tracing::info!(address = %metrics, "serving metrics apart from the API (OMS_METRICS_BIND)");
        }
        _ => tracing::info!("serving no metrics (OMS_METRICS_BIND=off)"),
    }
    app.run_until_stopped().await.map_err(|e| e.to_string())
}

/// Made-up demo passwords go to the terminal once, never to the log.
fn show_generated_passwords(report: &SeedReport) {
    let generated = &report.generated_passwords;
    if generated.is_empty() {
        return;
    }
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "\nDemo accounts, shown this once (they last as long as the store does):"
    );
    for (email, password) in generated {
        let _ = writeln!(err, "  {email}  {}", password.expose());
    }
    let _ = writeln!(
        err,
        "To choose them, set OMS_ADMIN_EMAIL/OMS_ADMIN_PASSWORD and OMS_STAFF_PASSWORD before the first start.\n\
         To give one a new password: OMS_USER_PASSWORD=... oms user create --update --role ROLE --email ADDRESS --name NAME\n"
    );
}

/// Resolves on the first SIGINT (Ctrl-C) or SIGTERM (orchestrators), naming it.
async fn shutdown_signal() -> &'static str {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(term) => term,
        Err(e) => {
            tracing::warn!(error = %e, "cannot listen for SIGTERM; only Ctrl-C stops the server");
            let _ = tokio::signal::ctrl_c().await;
            return "SIGINT";
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => "SIGINT",
        _ = term.recv() => "SIGTERM",
    }
}

/// An error and every cause under it, for an operator's terminal: "the
/// store failed" alone would not say what to fix.
fn causes(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
