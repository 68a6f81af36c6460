//! `oms-load`: see the library's documentation.

// A command-line tool: its report goes to the terminal.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use oms_load::{feed, hot, http, webhooks};

#[derive(Debug, Parser)]
#[command(
    name = "oms-load",
    about = "Load a running oms server over HTTP and WebSocket"
)]
struct Cli {
    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Debug, Subcommand)]
enum Scenario {
    /// Event delivery latency: N `/ws` subscribers while orders are placed
    /// and moved at a fixed rate.
    Feed(feed::FeedArgs),
    /// A flash sale: concurrent clients placing orders for one product,
    /// over one or more instances, for a fixed time.
    Hot(hot::HotArgs),
    /// Requests per second and latency of reads, placements and a mix, as
    /// ratios to `/healthz`, over fixed connections for a fixed time.
    Http(http::HttpArgs),
    /// Webhook delivery latency: receivers on this machine, one endpoint
    /// each, while orders are placed and moved at a fixed rate.
    Webhooks(webhooks::WebhookArgs),
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.scenario {
        Scenario::Feed(args) => feed::run(&args).await.map(|report| print!("{report}")),
        Scenario::Hot(args) => hot::run(&args).await.map(|report| print!("{report}")),
        Scenario::Http(args) => http::run(&args).await.map(|report| print!("{report}")),
        Scenario::Webhooks(args) => webhooks::run(&args).await.map(|report| print!("{report}")),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("oms-load: {message}");
            ExitCode::FAILURE
        }
    }
}
