//! `oms`: serve the API, or run a maintenance command, over the configured store.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use oms_api::cli::{Cli, Command};
use oms_api::commands::run;
use oms_api::settings::{Settings, Source};

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
            tracing::error!(reason = %message, "oms stopped");
            let _ = writeln!(std::io::stderr(), "oms: {message}");
            ExitCode::FAILURE
        }
    }
}
