//! `oms`: serve the API, or run a maintenance command, over the configured store.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use oms_api::cli::{Cli, Command};
use oms_api::commands::run;
use oms_api::settings::{Settings, Source};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Writes files for another host: none of this server's settings apply.
    if let Some(Command::ExportPages { dir, api_url }) = &cli.command {
        return match oms_api::static_pages::export(dir, api_url) {
            Ok(written) => {
                let _ = writeln!(std::io::stdout(), "{written}");
                ExitCode::SUCCESS
            }
            Err(message) => failed(&message),
        };
    }
    let settings = match Source::from_env(cli.config.as_deref()).and_then(|s| Settings::load(&s)) {
        Ok(settings) => settings,
        Err(problems) => {
            let _ = write!(std::io::stderr(), "{problems}");
            // A health check may only say 0 or 1: Docker reserves 2.
            let health = matches!(cli.command, Some(Command::Health));
            return ExitCode::from(if health { 1 } else { 2 });
        }
    };
    // Runs every few seconds in a container: no logging, Sentry or runtime.
    if let Some(Command::Health) = cli.command {
        return match oms_api::probe::healthz(settings.bind) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => failed(&message),
        };
    }
    let _sentry = oms_api::telemetry::init(&settings);
    let command = cli.command.unwrap_or(Command::Serve);
    match actix_web::rt::System::new().block_on(run(command, settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!(reason = %message, "oms stopped");
            failed(&message)
        }
    }
}

/// Tells the terminal why, and exits 1.
fn failed(message: &str) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "oms: {message}");
    ExitCode::FAILURE
}
