//! The API on MongoDB through faults: the database stopping under a
//! serving API, and the `oms` process restarting. Each test runs a
//! SecantusDB server of its own (`OMS_TEST_SECANTUSD` names the
//! executable), since it must stop and start it.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use oms_mongo::MongoStore;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::feed_client::{connect, placed_ids};
use crate::helpers::{answers_within_10s, free_port, problem, spawn_app_on, uuid};

/// A MongoDB-wire server process on a fixed port and data directory, so it
/// can be stopped and started again on the same data.
pub struct TestServer {
    bin: String,
    port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

impl TestServer {
    /// `None` (after one loud line) when no server executable is configured.
    pub fn start() -> Option<TestServer> {
        let Ok(bin) = std::env::var("OMS_TEST_SECANTUSD") else {
            let required = std::env::var("OMS_REQUIRE_MONGO").is_ok_and(|v| v == "1");
            assert!(
                !required,
                "OMS_REQUIRE_MONGO=1 but OMS_TEST_SECANTUSD is not set"
            );
            let _ = writeln!(
                std::io::stderr(),
                "SKIP: MongoDB fault tests NOT RUN: set OMS_TEST_SECANTUSD"
            );
            return None;
        };
        let dir = std::env::temp_dir().join(format!("oms-fault-{}", uuid()));
        let mut server = TestServer {
            bin,
            port: free_port(),
            dir,
            child: None,
        };
        server.resume();
        Some(server)
    }

    pub fn uri(&self, database: &str) -> String {
        format!(
            "mongodb://127.0.0.1:{}/{database}?directConnection=true",
            self.port
        )
    }

    pub fn resume(&mut self) {
        let child = Command::new(&self.bin)
            .args([
                "--host",
                "127.0.0.1",
                "--port",
                &self.port.to_string(),
                "--sync-on-commit",
                // Failpoints, for the tests that lose a commit's answer.
                "--enable-test-commands",
            ])
            .arg("--storage-path")
            .arg(&self.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the test server starts");
        self.child = Some(child);
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the test server did not listen within 10 s");
    }

    /// Freezes the server (SIGSTOP): connections stay open and nothing is
    /// answered, as in a network partition.
    pub fn freeze(&self) {
        self.send("STOP");
    }

    /// Lets a frozen server go on (SIGCONT).
    pub fn thaw(&self) {
        self.send("CONT");
    }

    fn send(&self, signal: &str) {
        let child = self.child.as_ref().expect("the test server is running");
        let sent = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(child.id().to_string())
            .status()
            .unwrap();
        assert!(sent.success(), "kill -{signal}");
    }

    /// Kills the server as a crash would.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[tokio::test]
async fn a_database_outage_is_503_until_it_returns_without_an_api_restart() {
    let Some(mut server) = TestServer::start() else {
        return;
    };
    let store = MongoStore::connect(&server.uri("oms_fault"), 20)
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let app = spawn_app_on(store).await;
    let mug = app.product("Mug", 100, 10).await;
    let mut feed = app.feed(Some(&app.staff), "").await;
    let before = app.order_for("ann@example.com", &mug, 1).await;
    assert_eq!(
        placed_ids(&[feed.next().await]),
        [before["id"].as_str().unwrap()]
    );

    server.kill();
    assert_eq!(
        problem(app.get("/readyz", None).await, 503).await["code"],
        "store_unavailable"
    );
    let body = json!({
        "customer": { "name": "Bob", "email": "bob@example.com" },
        "items": [{ "productId": mug, "quantity": 1 }],
    });
    let refused = problem(app.post("/api/orders", Some(&app.staff), &body).await, 503).await;
    assert!(
        !refused["detail"].as_str().unwrap().contains("127.0.0.1"),
        "no driver detail"
    );
    problem(app.get("/api/products", Some(&app.staff)).await, 503).await;

    server.resume();
    assert!(
        answers_within_10s(&app.http, &app.url("/readyz")).await,
        "/readyz recovers once the database is back"
    );
    let id = before["id"].as_str().unwrap();
    let kept: Value = app
        .get(&format!("/api/orders/{id}"), Some(&app.staff))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        kept["id"], before["id"],
        "the order placed before the outage is still there"
    );
    let after: Value = app
        .post("/api/orders", Some(&app.staff), &body)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        app.stock_of(&mug).await,
        8,
        "the refused order reserved nothing"
    );
    // The same connection hears of it: the follower followed again once
    // the database was back (or, had its history gone, reset everyone).
    let heard = feed.next().await;
    let heard = if heard["event"] == "reset" {
        feed.next().await
    } else {
        heard
    };
    assert_eq!(placed_ids(&[heard]), [after["id"].as_str().unwrap()]);
}

/// Starts `oms` on the server's database and waits until it answers.
async fn start_oms(server: &TestServer, port: u16) -> tokio::process::Child {
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_oms"))
        .env_clear()
        .env("MONGODB_URI", server.uri("oms_restart"))
        .env("OMS_BIND", format!("127.0.0.1:{port}"))
        .env("OMS_METRICS_BIND", "off")
        .env("OMS_JWT_SECRET", crate::helpers::JWT_SECRET)
        .env("OMS_ADMIN_EMAIL", "owner@example.com")
        .env("OMS_ADMIN_PASSWORD", "owner-password-1")
        .env("OMS_ARGON2_MEMORY_KIB", "64")
        .env("OMS_ARGON2_PASSES", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let url = format!("http://127.0.0.1:{port}/readyz");
    assert!(
        answers_within_10s(&http, &url).await,
        "oms did not become ready within 10 s"
    );
    child
}

/// A client of the `oms` that [`first_oms`] started, signed in as its owner.
struct Client {
    http: reqwest::Client,
    base: String,
    port: u16,
    token: String,
}

/// Starts `oms` on the server's database on a port of its own, and signs in.
async fn first_oms(server: &TestServer) -> (tokio::process::Child, Client) {
    let port = free_port();
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let child = start_oms(server, port).await;
    let login = json!({ "email": "owner@example.com", "password": "owner-password-1" });
    let signed_in = call(&http, &base, None, "/auth/login", login).await;
    let token = signed_in["token"].as_str().unwrap().to_owned();
    let client = Client {
        http,
        base,
        port,
        token,
    };
    (child, client)
}

#[tokio::test]
async fn data_survives_an_oms_restart() {
    let Some(server) = TestServer::start() else {
        return;
    };
    let (
        first,
        Client {
            http,
            base,
            port,
            token,
        },
    ) = first_oms(&server).await;
    let login = json!({ "email": "owner@example.com", "password": "owner-password-1" });
    let product = json!({ "name": "Survivor", "price": 500, "stock": 3 });
    let created = call(&http, &base, Some(&token), "/api/products", product).await;
    stop_oms(first).await;

    let _second = start_oms(&server, port).await;
    let signed_in = call(&http, &base, None, "/auth/login", login).await;
    let id = created["id"].as_str().unwrap();
    let read = http
        .get(format!("{base}/api/products/{id}"))
        .bearer_auth(signed_in["token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    let read: Value = read.json().await.unwrap();
    assert_eq!(
        (read["name"].as_str(), read["stock"].as_u64()),
        (Some("Survivor"), Some(3))
    );
}

/// Stops `oms` as an orchestrator does (SIGTERM); it must exit cleanly.
async fn stop_oms(mut child: tokio::process::Child) {
    crate::binary::signal(&child, "TERM").await;
    assert!(child.wait().await.unwrap().success());
}

/// A JSON call to the server at `base`, which must succeed.
async fn call(
    http: &reqwest::Client,
    base: &str,
    token: Option<&str>,
    path: &str,
    body: Value,
) -> Value {
    let mut request = http.post(format!("{base}{path}")).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_subscriber_resumes_across_an_oms_restart_without_gap_or_repeat() {
    let Some(server) = TestServer::start() else {
        return;
    };
    let (
        first,
        Client {
            http,
            base,
            port,
            token,
        },
    ) = first_oms(&server).await;
    let product = json!({ "name": "Mug", "price": 500, "stock": 50 });
    let mug = call(&http, &base, Some(&token), "/api/products", product).await;
    let order = |n: u32| {
        json!({
            "customer": { "name": "Buyer", "email": format!("buyer{n}@example.com") },
            "items": [{ "productId": mug["id"], "quantity": 1 }],
        })
    };

    let mut feed = connect(&base, Some(&token), "").await;
    call(&http, &base, Some(&token), "/api/orders", order(1)).await;
    let last_seen = feed.next().await["id"].as_str().unwrap().to_owned();
    feed.close().await;
    let missed = call(&http, &base, Some(&token), "/api/orders", order(2)).await;
    stop_oms(first).await;

    let _second = start_oms(&server, port).await;
    let after = call(&http, &base, Some(&token), "/api/orders", order(3)).await;
    let mut resumed = connect(&base, Some(&token), &format!("?since={last_seen}")).await;
    let expected = [&missed, &after].map(|o| o["id"].as_str().unwrap().to_owned());
    assert_eq!(placed_ids(&resumed.take(2).await), expected);
    let live = call(&http, &base, Some(&token), "/api/orders", order(4)).await;
    assert_eq!(
        placed_ids(&[resumed.next().await]),
        [live["id"].as_str().unwrap()]
    );
    assert!(resumed.quiet_for(300).await, "nothing twice");
}
