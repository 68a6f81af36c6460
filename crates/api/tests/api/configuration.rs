//! docs/configuration.md against the code: every variable the settings
//! read is documented, every documented variable is read, and every
//! command and long flag of the command line is described.

use std::collections::BTreeSet;

use clap::CommandFactory;
use oms_api::cli::Cli;
use oms_api::settings::{Settings, Source};

fn page() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/configuration.md"
    ))
    .expect("docs/configuration.md is there")
}

/// The names the settings look up, over configurations that take every
/// branch (each store, production, an administrator).
pub fn names_read() -> BTreeSet<String> {
    let configurations: [&[(&str, &str)]; 4] = [
        &[],
        &[("OMS_STORE", "memory")],
        &[
            ("MONGODB_URI", "mongodb://127.0.0.1:1/oms"),
            ("OMS_ENV", "production"),
        ],
        &[
            ("OMS_ADMIN_EMAIL", "admin@example.com"),
            ("OMS_ADMIN_PASSWORD", "admin-password-1"),
            ("OMS_STORE", "sqlite"),
        ],
    ];
    let mut names = BTreeSet::new();
    for pairs in configurations {
        let source = Source::from_pairs(pairs.iter().copied());
        let _ = Settings::load(&source);
        names.extend(source.names_read());
    }
    // Read by the command line itself, before the settings.
    for arg in Cli::command().get_arguments() {
        if let Some(env) = arg.get_env() {
            names.insert(env.to_string_lossy().into_owned());
        }
    }
    names
}

/// The variables the page's table lists (first column, in backticks).
fn names_documented(page: &str) -> BTreeSet<String> {
    let section = page
        .split("## Variables")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("a Variables section");
    section
        .lines()
        .filter(|line| line.starts_with("| `"))
        .filter_map(|line| line.split('|').nth(1))
        .flat_map(|cell| {
            cell.split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn every_variable_read_is_documented_and_every_documented_one_is_read() {
    let page = page();
    let read = names_read();
    assert!(read.len() > 30, "the settings read only {read:?}");
    let undocumented: Vec<_> = read
        .iter()
        .filter(|name| !page.contains(&format!("`{name}`")))
        .collect();
    assert!(
        undocumented.is_empty(),
        "read but not in docs/configuration.md: {undocumented:?}"
    );
    let documented = names_documented(&page);
    let unread: Vec<_> = documented.difference(&read).collect();
    assert!(unread.is_empty(), "documented but never read: {unread:?}");
}

#[test]
fn every_command_and_flag_is_described() {
    let page = page();
    let mut missing = Vec::new();
    let mut stack = vec![(String::new(), Cli::command())];
    while let Some((prefix, command)) = stack.pop() {
        for arg in command.get_arguments() {
            if let Some(long) = arg.get_long()
                && !page.contains(&format!("`--{long}"))
            {
                missing.push(format!("{prefix} --{long}"));
            }
        }
        for sub in command.get_subcommands() {
            let name = format!("{prefix} {}", sub.get_name()).trim().to_owned();
            if !page.contains(&format!("oms {name}")) {
                missing.push(name.clone());
            }
            stack.push((name, sub.clone()));
        }
    }
    assert!(
        missing.is_empty(),
        "not described in docs/configuration.md: {missing:?}"
    );
}
