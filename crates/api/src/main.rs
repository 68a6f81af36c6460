//! `oms`: serve the API, or run a maintenance command, over the configured store.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use oms_api::cli::{Cli, Command};
use oms_api::settings::{Settings, Source, StoreSettings};
use oms_api::startup::Application;
use oms_memory::MemoryStore;
use oms_ports::store::Store;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Source::from_env(cli.config.as_deref()).and_then(|s| Settings::load(&s)) {
        Ok(settings) => settings,
        Err(problems) => {
            let _ = write!(std::io::stderr(), "{problems}");
            return ExitCode::from(2);
        }
    };
    let _sentry = oms_api::telemetry::init(&settings);
    let command = cli.command.unwrap_or(Command::Serve);
    match actix_web::rt::System::new().block_on(run(command, settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!(%message, "oms stopped");
            let _ = writeln!(std::io::stderr(), "oms: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, settings: Settings) -> Result<(), String> {
    match (&settings.store, command) {
        (StoreSettings::Memory { demo }, Command::Serve) => {
            tracing::info!(
                store = "memory",
                demo_data = demo,
                "using the embedded in-memory store: data lasts until the process exits"
            );
            serve(settings, MemoryStore::default()).await
        }
        (StoreSettings::Memory { .. }, Command::Migrate) => {
            tracing::info!("the in-memory store needs no migrations");
            Ok(())
        }
        (StoreSettings::Memory { .. }, Command::Seed | Command::User(_)) => Err(
            "this command writes to a persistent store: set MONGODB_URI (the in-memory store lives only inside `oms serve`, which loads the demo data itself)"
                .to_owned(),
        ),
        (StoreSettings::Mongo { .. }, _) => Err(
            "MONGODB_URI is set, but this build has no MongoDB store yet; unset it to use the in-memory store"
                .to_owned(),
        ),
    }
}

async fn serve<S: Store>(settings: Settings, store: S) -> Result<(), String> {
    if settings.jwt.generated {
        tracing::warn!(
            "OMS_JWT_SECRET is not set: signing tokens with a random key, so tokens stop working at restart"
        );
    }
    let bind = settings.bind;
    let app = Application::build(settings, store)
        .await
        .map_err(|e| e.to_string())?;
    show_generated_passwords(&app);
    let handle = app.handle();
    actix_web::rt::spawn(async move {
        let signal = shutdown_signal().await;
        tracing::info!(signal, "stopping: in-flight requests may finish");
        handle.stop(true).await;
    });
    tracing::info!(address = %format!("http://{bind}"), port = app.port(), "listening");
    app.run_until_stopped().await.map_err(|e| e.to_string())
}

/// Made-up demo passwords go to the terminal once, never to the log.
fn show_generated_passwords<S>(app: &Application<S>) {
    let generated = &app.seeded().generated_passwords;
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
