//! What the `oms` commands do: serve, migrate, seed and create accounts,
//! over the in-memory store or MongoDB as configured.

use std::io::Write;

use oms_app::users::Register;
use oms_domain::user::Role;
use oms_memory::MemoryStore;
use oms_mongo::MongoStore;
use oms_ports::store::Store;

use crate::cli::{Command, UserCommand};
use crate::seed::{self, SeedReport};
use crate::settings::{Settings, StoreSettings};
use crate::startup::{Application, services};

/// Runs `command` over the configured store.
///
/// # Errors
/// A message for the operator: what failed and, where it helps, what to do.
pub async fn run(command: Command, settings: Settings) -> Result<(), String> {
    let uri = match &settings.store {
        StoreSettings::Mongo { uri } => uri.clone(),
        StoreSettings::Memory { .. } => return run_in_memory(command, settings).await,
    };
    let store = MongoStore::connect(uri.expose(), settings.mongo_connect_attempts)
        .await
        .map_err(|e| e.to_string())?
        .with_event_retention(settings.feed.retention);
    tracing::info!(store = "mongodb", database = %store.database().name(), "connected to MongoDB");
    match command {
        Command::Serve => {
            if settings.migrate_on_start {
                migrate(&store).await?;
            }
            store
                .apply_event_retention()
                .await
                .map_err(|e| format!("the event retention cannot be applied: {}", causes(&e)))?;
            serve(settings, store).await
        }
        Command::Migrate => migrate(&store).await,
        Command::Seed => seed(settings, store).await,
        Command::User(UserCommand::Create { role, email, name }) => {
            create_user(settings, store, role.into(), email, name).await
        }
    }
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
async fn seed<S: Store>(settings: Settings, store: S) -> Result<(), String> {
    let state = services(&settings, store).map_err(|e| e.to_string())?;
    let report = seed::load(&state, &settings)
        .await
        .map_err(|e| causes(&e))?;
    seed::ensure_admin(&state, &settings)
        .await
        .map_err(|e| causes(&e))?;
    tracing::info!(
        products = report.products,
        customers = report.customers,
        "seed loaded"
    );
    show_generated_passwords(&report);
    Ok(())
}

async fn create_user<S: Store>(
    settings: Settings,
    store: S,
    role: Role,
    email: String,
    name: String,
) -> Result<(), String> {
    let Some(password) = settings.user_password.clone() else {
        return Err("set OMS_USER_PASSWORD to the new account's password".to_owned());
    };
    let state = services(&settings, store).map_err(|e| e.to_string())?;
    let cmd = Register {
        name,
        email,
        password: password.expose().to_owned(),
    };
    let user = state
        .users
        .ensure(cmd, role)
        .await
        .map_err(|e| causes(&e))?;
    tracing::info!(user = %user.id, email = %user.email, %role, "account created or updated");
    Ok(())
}

async fn run_in_memory(command: Command, settings: Settings) -> Result<(), String> {
    match (&settings.store, command) {
        (StoreSettings::Memory { demo }, Command::Serve) => {
            tracing::info!(
                store = "memory",
                demo_data = demo,
                "using the embedded in-memory store: data lasts until the process exits"
            );
            let store = MemoryStore::with_event_retention(settings.feed.retention);
            serve(settings, store).await
        }
        (StoreSettings::Memory { .. }, Command::Migrate) => {
            tracing::info!("the in-memory store needs no migrations");
            Ok(())
        }
        (StoreSettings::Memory { .. }, Command::Seed | Command::User(_)) => Err(
            "this command writes to a persistent store: set MONGODB_URI (the in-memory store lives only inside `oms serve`, which loads the demo data itself)"
                .to_owned(),
        ),
        (StoreSettings::Mongo { .. }, _) => Err("MONGODB_URI is set".to_owned()),
    }
}

/// Serves until SIGINT or SIGTERM, then lets in-flight requests finish.
async fn serve<S: Store>(settings: Settings, store: S) -> Result<(), String> {
    if settings.jwt.generated {
        tracing::warn!(
            "OMS_JWT_SECRET is not set: signing tokens with a random key, so tokens stop working at restart"
        );
    }
    let bind = settings.bind;
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
        "\nDemo accounts (passwords generated for this run only):"
    );
    for (email, password) in generated {
        let _ = writeln!(err, "  {email}  {}", password.expose());
    }
    let _ = writeln!(
        err,
        "Set OMS_ADMIN_EMAIL/OMS_ADMIN_PASSWORD and OMS_STAFF_PASSWORD to choose them.\n"
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
