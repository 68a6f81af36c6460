//! The `oms` binary on its default store, a SQLite file: data that outlives
//! the process, demo data only into a new database, one server per file,
//! and a backup taken while it serves.

use std::path::Path;
use std::time::Duration;

use oms_ports::query::{OrderQuery, PageLimit};
use oms_ports::store::{OrderStore, ProductStore};
use serde_json::{Value, json};
use tokio::io::AsyncReadExt;
use tokio::process::{Child, Command};

use crate::binary::{LogLines, oms, scratch_dir, signal, start_on_any_port, wait_until_up};

pub const ADMIN: (&str, &str) = ("admin@example.com", "admin-password-1");

/// `oms` on the SQLite file in `dir`, with a known administrator.
pub fn oms_in(dir: &Path) -> Command {
    let mut command = oms();
    command
        .env("OMS_DATA_DIR", dir)
        .env("OMS_ADMIN_EMAIL", ADMIN.0)
        .env("OMS_ADMIN_PASSWORD", ADMIN.1)
        .env("OMS_JWT_SECRET", "embedded-test-secret-of-32-bytes-or-more")
        .env("OMS_ARGON2_MEMORY_KIB", "64")
        .env("OMS_ARGON2_PASSES", "1")
        // Every test client comes from one address.
        .env("OMS_RATE_LIMIT_PER_SECOND", "100000")
        .env("OMS_RATE_LIMIT_BURST", "100000");
    command
}

pub struct Running {
    pub child: Child,
    pub base: String,
    pub http: reqwest::Client,
    pub token: String,
    pub log: String,
}

/// `oms` on the SQLite file in `dir`, up and signed in as its admin.
pub async fn start(dir: &Path) -> Running {
    start_command(&mut oms_in(dir)).await.0
}

/// `command` (made by [`oms_in`]) up and signed in as its admin, and the
/// rest of its log as it comes.
pub async fn start_command(command: &mut Command) -> (Running, LogLines) {
    let (child, port, log, lines) = start_on_any_port(command).await;
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    wait_until_up(&http, port).await;
    let base = format!("http://127.0.0.1:{port}");
    let signed_in: Value = http
        .post(format!("{base}/auth/login"))
        .json(&json!({ "email": ADMIN.0, "password": ADMIN.1 }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = signed_in["token"].as_str().unwrap().to_owned();
    let running = Running {
        child,
        base,
        http,
        token,
        log,
    };
    (running, lines)
}

impl Running {
    pub async fn get(&self, path: &str) -> Value {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        response.json().await.unwrap()
    }

    pub async fn post(&self, path: &str, body: &Value) -> Value {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "{path}");
        response.json().await.unwrap()
    }

    /// SIGTERM, then a clean exit.
    pub async fn stop(mut self) {
        signal(&self.child, "TERM").await;
        let status = tokio::time::timeout(Duration::from_secs(60), self.child.wait())
            .await
            .unwrap()
            .unwrap();
        assert!(status.success(), "exit after SIGTERM: {status}");
    }
}

#[tokio::test]
async fn a_product_created_is_there_after_a_sigterm_and_a_restart_without_demo_data_again() {
    let dir = scratch_dir();
    let first = start(&dir).await;
    assert!(first.log.contains("keeping data in"), "{}", first.log);
    assert!(first.log.contains("loaded the demo data"), "{}", first.log);
    let demo = first.get("/api/products?limit=100").await["items"]
        .as_array()
        .unwrap()
        .len();
    assert!(demo > 0, "a new database gets the demo catalogue");
    let created = first
        .post(
            "/api/products",
            &json!({ "name": "Kept Mug", "price": 1250, "stock": 7 }),
        )
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    first.stop().await;

    let second = start(&dir).await;
    assert!(
        !second.log.contains("loaded the demo data"),
        "{}",
        second.log
    );
    let kept = second.get(&format!("/api/products/{id}")).await;
    assert_eq!(
        (kept["name"].as_str(), kept["stock"].as_u64()),
        (Some("Kept Mug"), Some(7))
    );
    let listed = second.get("/api/products?limit=100").await["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(
        listed,
        demo + 1,
        "the demo data is not loaded over a shop's own"
    );
    second.stop().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn without_a_configured_key_a_sign_in_survives_a_restart() {
    let dir = scratch_dir();
    let mut unkeyed = oms_in(&dir);
    unkeyed.env_remove("OMS_JWT_SECRET");
    let first = start_command(&mut unkeyed).await.0;
    assert!(first.log.contains("jwt-secret"), "{}", first.log);
    let token = first.token.clone();
    first.stop().await;
    let second = start_command(&mut unkeyed).await.0;
    let me = second
        .http
        .get(format!("{}/auth/me", second.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200, "the first run's token still signs in");
    second.stop().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_second_server_is_refused_and_a_backup_taken_under_load_is_consistent() {
    let dir = scratch_dir();
    let running = start(&dir).await;
    let product = running
        .post(
            "/api/products",
            &json!({ "name": "Backed Up", "price": 500, "stock": 1_000_000 }),
        )
        .await;
    let id = product["id"].as_str().unwrap().to_owned();

    let refused = oms_in(&dir).output().await.unwrap();
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("in use by another process"), "{stderr}");

    // Sixteen clients place orders before, during and after the backup.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let buyers: Vec<_> = (0..16)
        .map(|client| {
            let (http, base, token) = (running.http.clone(), running.base.clone(), running.token.clone());
            let (id, stop) = (id.clone(), std::sync::Arc::clone(&stop));
            tokio::spawn(async move {
                let mut placed = 0u32;
                while !stop.load(std::sync::atomic::Ordering::SeqCst) && placed < 50_000 {
                    let body = json!({
                        "customer": { "name": "Buyer", "email": format!("b{client}-{placed}@example.com") },
                        "items": [{ "productId": id, "quantity": 2 }],
                    });
                    let sent = http.post(format!("{base}/api/orders")).bearer_auth(&token).json(&body).send().await;
                    assert_eq!(sent.unwrap().status(), 201);
                    placed += 1;
                }
                placed
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let copy = dir.join("backup.db");
    let backup = oms_in(&dir)
        .arg("backup")
        .arg(&copy)
        .output()
        .await
        .unwrap();
    assert!(
        backup.status.success(),
        "{}",
        String::from_utf8_lossy(&backup.stderr)
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let mut placed = 0;
    for buyer in buyers {
        placed += buyer.await.unwrap();
    }
    let again = oms_in(&dir)
        .arg("backup")
        .arg(&copy)
        .output()
        .await
        .unwrap();
    assert!(
        !again.status.success(),
        "an existing file is never overwritten"
    );
    running.stop().await;

    // The copy is a database of its own, and whole: every order it holds
    // took its units from the stock it holds.
    let restored = oms_sqlite::SqliteStore::open(&copy, Default::default()).unwrap();
    let mut query = OrderQuery {
        limit: PageLimit::new(PageLimit::MAX).unwrap(),
        ..OrderQuery::default()
    };
    let mut orders = 0u64;
    loop {
        let page = restored.list_orders(&query).await.unwrap();
        // The demo orders hold other products.
        let product: oms_domain::ids::ProductId = id.parse().unwrap();
        orders += page
            .items
            .iter()
            .filter(|o| o.units_of(product) > 0)
            .count() as u64;
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    let stock = restored
        .get_product(id.parse().unwrap())
        .await
        .unwrap()
        .unwrap()
        .stock
        .units();
    assert!(
        orders > 0 && orders < u64::from(placed),
        "{orders} of {placed} in the copy"
    );
    assert_eq!(
        stock + 2 * orders,
        1_000_000,
        "stock and orders agree in the copy"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_data_directory_that_cannot_be_written_is_a_clear_exit() {
    let dir = scratch_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let blocker = dir.join("not-a-directory");
    std::fs::write(&blocker, b"").unwrap();
    let output = oms_in(&blocker).output().await.unwrap();
    assert_eq!(output.status.code(), Some(1));
    let mut stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let _ = output.stdout.as_slice().read_to_string(&mut stderr).await;
    assert!(stderr.contains("cannot use the data directory"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn seed_and_user_create_work_on_the_default_store() {
    let dir = scratch_dir();
    let seed = || {
        oms_in(&dir)
            .arg("seed")
            .env("OMS_LOG_FORMAT", "json")
            .output()
    };
    let first = seed().await.unwrap();
    let log = String::from_utf8_lossy(&first.stdout);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(log.contains("\"products\":8"), "{log}");
    let second = seed().await.unwrap();
    assert!(second.status.success());
    assert!(
        String::from_utf8_lossy(&second.stdout).contains("\"products\":0"),
        "nothing new the second time"
    );
    let created = oms_in(&dir)
        .args([
            "user",
            "create",
            "--role",
            "staff",
            "--email",
            "sam@example.com",
        ])
        .args(["--name", "Sam"])
        .env("OMS_USER_PASSWORD", "sam-password-1")
        .output()
        .await
        .unwrap();
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );

    let running = start(&dir).await;
    let signed_in = running
        .http
        .post(format!("{}/auth/login", running.base))
        .json(&json!({ "email": "sam@example.com", "password": "sam-password-1" }))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 200);
    let products = running.get("/api/products?limit=100").await;
    assert_eq!(
        products["items"].as_array().unwrap().len(),
        8,
        "seeded once"
    );
    running.stop().await;
    let _ = std::fs::remove_dir_all(dir);
}
