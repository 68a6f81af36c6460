//! The `oms` binary itself: configuration errors, start-up, shutdown.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt};
use tokio::process::{Child, Command};

use crate::helpers::answers_within_10s;
use crate::stores::mongo_uri;

/// Sends `signal` (`TERM`, `INT`, `KILL`) to `child`, as an orchestrator,
/// a terminal or a crash would.
pub async fn signal(child: &Child, signal: &str) {
    let pid = child.id().expect("the child is running").to_string();
    let flag = format!("-{signal}");
    let sent = Command::new("kill")
        .args([flag.as_str(), &pid])
        .status()
        .await
        .unwrap();
    assert!(sent.success(), "kill {flag} {pid}");
}

/// A data directory of its own, so no test writes into the source tree and
/// no two share a database.
pub fn scratch_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("oms-binary-{}", crate::helpers::uuid()))
}

/// `oms` with an empty environment but for a data directory of its own.
pub fn oms() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_oms"));
    command
        .env_clear()
        .env("OMS_DATA_DIR", scratch_dir())
        // Many run at once: none may hold the default metrics port.
        .env("OMS_METRICS_BIND", "127.0.0.1:0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command.kill_on_drop(true);
    command
}

#[tokio::test]
async fn bad_configuration_is_refused_with_every_problem_listed() {
    let output = oms()
        .env("OMS_ENV", "production")
        .env("OMS_BIND", "not-an-address")
        .env("OMS_ADMIN_EMAIL", "admin@example.com")
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for needle in [
        "OMS_BIND",
        "OMS_JWT_SECRET is required",
        "OMS_ADMIN_PASSWORD",
    ] {
        assert!(stderr.contains(needle), "{needle} missing from:\n{stderr}");
    }
}

#[tokio::test]
async fn store_commands_on_the_memory_store_say_what_is_missing() {
    let output = oms()
        .env("OMS_STORE", "memory")
        .arg("seed")
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("works on a durable store"), "{stderr}");
    let output = oms()
        .env("OMS_STORE", "memory")
        .arg("migrate")
        .output()
        .await
        .unwrap();
    assert!(output.status.success());
}

pub type LogLines = tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>;

/// Starts `command` (JSON logs) on a port the system picks, so no other
/// test can take it between choosing and binding; returns the child, the
/// port from its `listening` log line, the log so far and the rest.
pub async fn start_on_any_port(command: &mut Command) -> (Child, u16, String, LogLines) {
    let mut child = command
        .env("OMS_BIND", "127.0.0.1:0")
        .env("OMS_LOG_FORMAT", "json")
        .spawn()
        .unwrap();
    let mut log = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = String::new();
    let read = async {
        while let Some(line) = log.next_line().await.unwrap() {
            seen.push_str(&line);
            seen.push('\n');
            let entry: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
            if entry["fields"]["message"] == "listening" {
                return entry["fields"]["port"].as_u64().unwrap();
            }
        }
        panic!("oms exited before listening");
    };
    let port = tokio::time::timeout(Duration::from_secs(20), read)
        .await
        .expect("oms listens within 20 s");
    (child, u16::try_from(port).unwrap(), seen, log)
}

/// `oms` on its default store, cheap to hash with, up and answering: the
/// child, its port, the log so far and the rest.
pub async fn start_answering() -> (Child, u16, String, LogLines) {
    let (child, port, seen, log) = start_on_any_port(
        oms()
            .env("OMS_ARGON2_MEMORY_KIB", "64")
            .env("OMS_ARGON2_PASSES", "1"),
    )
    .await;
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    wait_until_up(&http, port).await;
    (child, port, seen, log)
}

#[tokio::test]
async fn the_server_starts_on_the_default_store_and_stops_cleanly_on_ctrl_c() {
    let (mut child, port, mut stdout, log) = start_answering().await;
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let products = format!("http://127.0.0.1:{port}/api/products");
    assert_eq!(http.get(&products).send().await.unwrap().status(), 401);

    signal(&child, "INT").await;
    let status = tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "exit after SIGINT: {status}");

    log.into_inner().read_to_string(&mut stdout).await.unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .await
        .unwrap();
    assert!(stdout.contains("keeping data in"), "{stdout}");
    assert!(stdout.contains("oms.db (SQLite"), "{stdout}");
    assert!(stdout.contains("OMS_JWT_SECRET is not set"), "{stdout}");
    let password = stderr
        .lines()
        .find_map(|line| line.trim().strip_prefix("admin@example.com"))
        .map(str::trim)
        .expect("the demo admin's password is shown on the terminal");
    assert_eq!(password.len(), 20, "{stderr}");
    assert!(!stdout.contains(password), "but never in the log");
}

/// Waits up to 10 s for the server on `port` to answer.
pub async fn wait_until_up(http: &reqwest::Client, port: u16) {
    let url = format!("http://127.0.0.1:{port}/healthz");
    assert!(
        answers_within_10s(http, &url).await,
        "the server did not answer /healthz within 10 s"
    );
}

#[tokio::test]
async fn a_request_in_flight_at_sigterm_is_answered_before_exit() {
    // A costly hash makes sign-in slow enough to still be running at SIGTERM.
    let (mut child, port, _, mut log) = start_on_any_port(
        oms()
            .env("OMS_DEMO_DATA", "false")
            .env("OMS_ADMIN_EMAIL", "admin@example.com")
            .env("OMS_ADMIN_PASSWORD", "slow-admin-password")
            .env("OMS_ARGON2_MEMORY_KIB", "65536")
            .env("OMS_ARGON2_PASSES", "6")
            // A debug build on a loaded machine can take longer than the
            // default 30 s to hash; the stop must not cut the request off.
            .env("OMS_SHUTDOWN_TIMEOUT_SECONDS", "300")
            .env("RUST_LOG", "info,oms_api=debug"),
    )
    .await;
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    wait_until_up(&http, port).await;
    // The server's log says when the sign-in's body has been read and its
    // password is being checked (the request is in the handler's hands).
    let (started_tx, started) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let mut started_tx = Some(started_tx);
        while let Ok(Some(line)) = log.next_line().await {
            if line.contains("checking the credentials")
                && let Some(tx) = started_tx.take()
            {
                let _ = tx.send(());
            }
        }
    });
    // A connection of its own, as a client arriving now would have.
    let fresh = reqwest::Client::builder().no_proxy().build().unwrap();
    let login = fresh
        .post(format!("http://127.0.0.1:{port}/auth/login"))
        .json(
            &serde_json::json!({ "email": "admin@example.com", "password": "slow-admin-password" }),
        )
        .send();
    let login = tokio::spawn(async move {
        let response = login.await;
        (std::time::Instant::now(), response)
    });
    tokio::time::timeout(Duration::from_secs(10), started)
        .await
        .unwrap()
        .unwrap();
    let term_sent = std::time::Instant::now();
    signal(&child, "TERM").await;
    let (answered, response) = login.await.unwrap();
    assert!(
        answered > term_sent,
        "sign-in finished before SIGTERM; the hash is too cheap for this check"
    );
    let response = match response {
        Ok(response) => response,
        Err(e) => {
            let _ = tokio::time::timeout(Duration::from_secs(300), child.wait()).await;
            let mut stderr = String::new();
            if let Some(mut err) = child.stderr.take() {
                let _ = err.read_to_string(&mut stderr).await;
            }
            panic!("the in-flight sign-in got no answer: {e:?}\noms stderr:\n{stderr}");
        }
    };
    assert_eq!(response.status(), 200, "the in-flight sign-in completed");
    let status = tokio::time::timeout(Duration::from_secs(300), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "{status}");
}

#[tokio::test]
async fn an_unreachable_database_at_start_is_retried_then_a_clear_exit() {
    let output = oms()
        .env(
            "MONGODB_URI",
            "mongodb://127.0.0.1:1/?directConnection=true",
        )
        .env("OMS_MONGODB_CONNECT_ATTEMPTS", "2")
        .env("OMS_LOG_FORMAT", "json")
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout.matches("MongoDB is not answering yet").count(),
        2,
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("MongoDB did not answer after 2 attempts"),
        "{stderr}"
    );
}

/// The test server's URI with `database` as the default database, or
/// `None` as [`mongo_uri`] says (loudly).
fn database_uri(database: &str) -> Option<String> {
    let uri = mongo_uri()?;
    Some(match uri.split_once("/?") {
        Some((server, options)) => format!("{server}/{database}?{options}"),
        None => format!("{}/{database}", uri.trim_end_matches('/')),
    })
}

#[tokio::test]
async fn seeding_twice_loads_the_fixtures_once() {
    let Some(uri) = database_uri(&format!("oms_seed_{}", uuid::Uuid::new_v4().simple())) else {
        return;
    };
    let seed = || {
        oms()
            .arg("seed")
            .env("MONGODB_URI", &uri)
            .env("OMS_LOG_FORMAT", "json")
            .env("OMS_ARGON2_MEMORY_KIB", "64")
            .env("OMS_ARGON2_PASSES", "1")
            .output()
    };
    assert!(
        oms()
            .arg("migrate")
            .env("MONGODB_URI", &uri)
            .status()
            .await
            .unwrap()
            .success()
    );
    let first = seed().await.unwrap();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&first.stdout).contains("\"products\":8"));
    assert!(String::from_utf8_lossy(&first.stderr).contains("admin@example.com"));
    let second = seed().await.unwrap();
    assert!(second.status.success());
    assert!(
        String::from_utf8_lossy(&second.stdout).contains("\"products\":0"),
        "nothing new"
    );
    assert!(
        !String::from_utf8_lossy(&second.stderr).contains("admin@example.com"),
        "passwords are shown once"
    );
    let client = mongodb::Client::with_uri_str(&uri).await.unwrap();
    let database = client.default_database().unwrap();
    let products = database.collection::<mongodb::bson::Document>("products");
    assert_eq!(
        products
            .count_documents(mongodb::bson::doc! {})
            .await
            .unwrap(),
        8
    );
    database.drop().await.unwrap();
}

#[tokio::test]
async fn errors_are_reported_to_sentry_when_a_dsn_is_set() {
    use tokio::io::AsyncWriteExt;
    // A stand-in for Sentry's ingest endpoint that keeps what it is sent.
    let ingest = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = ingest.local_addr().unwrap().port();
    let received = tokio::spawn(async move {
        let mut seen = Vec::new();
        while let Ok(Ok((mut socket, _))) =
            tokio::time::timeout(Duration::from_secs(20), ingest.accept()).await
        {
            let mut buf = vec![0u8; 65536];
            let n = tokio::time::timeout(Duration::from_secs(5), socket.read(&mut buf)).await;
            let n = n.map_or(0, |r| r.unwrap_or(0));
            seen.extend_from_slice(&buf[..n]);
            let _ = socket
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}")
                .await;
            if String::from_utf8_lossy(&seen).contains("oms stopped") {
                break;
            }
        }
        String::from_utf8_lossy(&seen).into_owned()
    });
    let output = oms()
        .env(
            "MONGODB_URI",
            "mongodb://127.0.0.1:1/?directConnection=true",
        )
        .env("OMS_MONGODB_CONNECT_ATTEMPTS", "1")
        .env("SENTRY_DSN", format!("http://public@127.0.0.1:{port}/1"))
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let seen = received.await.unwrap();
    assert!(seen.starts_with("POST /api/1/envelope/"), "{seen}");
    assert!(
        seen.contains("oms stopped"),
        "the error event reached Sentry: {seen}"
    );
}
