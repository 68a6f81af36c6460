//! The `oms` binary itself: configuration errors, start-up, shutdown.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::process::Command;

fn oms() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_oms"));
    command
        .env_clear()
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
async fn store_commands_without_a_database_say_what_is_missing() {
    let output = oms().arg("seed").output().await.unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("MONGODB_URI"));
    let output = oms().arg("migrate").output().await.unwrap();
    assert!(output.status.success());
}

#[tokio::test]
async fn the_server_starts_on_the_memory_store_and_stops_cleanly_on_sigterm() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = oms()
        .env("OMS_BIND", format!("127.0.0.1:{port}"))
        .env("OMS_LOG_FORMAT", "json")
        .env("OMS_ARGON2_MEMORY_KIB", "64")
        .env("OMS_ARGON2_PASSES", "1")
        .spawn()
        .unwrap();
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let url = format!("http://127.0.0.1:{port}/healthz");
    let mut up = false;
    for _ in 0..100 {
        if http
            .get(&url)
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(up, "the server answered /healthz within 10 s");
    let products = format!("http://127.0.0.1:{port}/api/products");
    assert_eq!(http.get(&products).send().await.unwrap().status(), 401);

    let pid = child.id().unwrap().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "exit after SIGTERM: {status}");

    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .await
        .unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .await
        .unwrap();
    assert!(
        stdout.contains("using the embedded in-memory store"),
        "{stdout}"
    );
    assert!(stdout.contains("OMS_JWT_SECRET is not set"), "{stdout}");
    assert!(
        stderr.contains("admin@example.com"),
        "the demo admin's password is shown: {stderr}"
    );
    assert!(
        !stdout.contains("admin@example.com  "),
        "but never in the log"
    );
}
