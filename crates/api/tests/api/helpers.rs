//! `spawn_app`: the whole service on a random port over a fresh store of
//! the kind this test binary runs on (`crate::stores`), and a client that
//! talks to it as any other client would.

use std::io::Write;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use oms_api::settings::{Settings, Source};
use oms_api::startup::Application;
use oms_app::users::Register;
use oms_domain::user::Role;
use oms_ports::store::Store;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::stores::{Fresh, fresh_store};

pub const JWT_SECRET: &str = "test-secret-that-is-at-least-32-bytes-long";
pub const ADMIN_EMAIL: &str = "admin@test.example";
pub const ADMIN_PASSWORD: &str = "admin-password-1";
pub const STAFF_EMAIL: &str = "staff@test.example";
pub const STAFF_PASSWORD: &str = "staff-password-1";

/// Every log line every test's server wrote, to check what is never logged.
pub static LOGS: LazyLock<Mutex<Vec<u8>>> = LazyLock::new(Mutex::default);

struct LogSink;

impl Write for LogSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if std::env::var_os("TEST_LOG").is_some() {
            std::io::stderr().write_all(buf)?;
        }
        LOGS.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

static TRACING: LazyLock<()> = LazyLock::new(|| oms_api::telemetry::init_for_tests(|| LogSink));

pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub admin: String,
    pub staff: String,
    /// Where `/metrics` is served, apart from the API.
    pub metrics: String,
    pub handle: oms_api::startup::AppHandle,
}

/// The settings every test starts from; `overrides` win.
fn settings(overrides: &[(&str, &str)]) -> Settings {
    let mut pairs = vec![
        ("OMS_BIND", "127.0.0.1:0"),
        ("OMS_METRICS_BIND", "127.0.0.1:0"),
        ("OMS_JWT_SECRET", JWT_SECRET),
        ("OMS_ADMIN_EMAIL", ADMIN_EMAIL),
        ("OMS_ADMIN_PASSWORD", ADMIN_PASSWORD),
        ("OMS_DEMO_DATA", "false"),
        ("OMS_AUTH_RATE_LIMIT_BURST", "100"),
        ("OMS_AUTH_RATE_LIMIT_PER_MINUTE", "600"),
        // Cheap hashing: tests sign in often; production cost is the default.
        ("OMS_ARGON2_MEMORY_KIB", "64"),
        ("OMS_ARGON2_PASSES", "1"),
    ];
    pairs.extend_from_slice(overrides);
    Settings::load(&Source::from_pairs(pairs)).expect("test settings are valid")
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

pub async fn spawn_app_with(overrides: &[(&str, &str)]) -> TestApp {
    match fresh_store().await {
        Fresh::Memory(store) => spawn(overrides, store).await,
        Fresh::Sqlite(store) => spawn(overrides, store).await,
        Fresh::Mongo(store, _) => spawn(overrides, store).await,
    }
}

/// The app over a store of the test's choosing.
#[allow(dead_code)] // the per-store binaries share this file but not the tests that use it
pub async fn spawn_app_on<S: Store>(store: S) -> TestApp {
    spawn(&[], store).await
}

/// The app over a given store with settings overrides, e.g. to start a
/// second instance on the first one's data.
pub async fn spawn<S: Store>(overrides: &[(&str, &str)], store: S) -> TestApp {
    LazyLock::force(&TRACING);
    let app = Application::build(settings(overrides), store)
        .await
        .expect("the app builds");
    // What `oms user create --role staff` does against a persistent store.
    let staff = Register {
        name: "Test Staff".into(),
        email: STAFF_EMAIL.into(),
        password: STAFF_PASSWORD.into(),
    };
    app.state()
        .users
        .ensure(staff, Role::Staff)
        .await
        .expect("staff account");
    let base = format!("http://127.0.0.1:{}", app.port());
    let metrics = app.metrics_port().map_or_else(String::new, |port| {
        format!("http://127.0.0.1:{port}/metrics")
    });
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());
    // A connection idle as long as the server's keep-alive (5 s) may be
    // closed by the server as a request goes out on it; a busy test
    // store makes such pauses. Dropped earlier, it never is.
    let http = reqwest::Client::builder()
        .no_proxy()
        .pool_idle_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let mut app = TestApp {
        base,
        http,
        admin: String::new(),
        staff: String::new(),
        metrics,
        handle,
    };
    let admin_password = overrides
        .iter()
        .rev()
        .find(|(name, _)| *name == "OMS_ADMIN_PASSWORD")
        .map_or(ADMIN_PASSWORD, |(_, value)| *value);
    app.admin = app.login(ADMIN_EMAIL, admin_password).await;
    app.staff = app.login(STAFF_EMAIL, STAFF_PASSWORD).await;
    app
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Response {
        let mut request = self.http.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.expect("the server answers")
    }

    /// `PATCH path` with a JSON `body`.
    pub async fn patch(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.send(Method::PATCH, path, token, Some(body)).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.send(Method::GET, path, token, None).await
    }

    /// The OpenAPI document the server serves.
    pub async fn document(&self) -> Value {
        self.get("/api-docs/openapi.json", None)
            .await
            .json()
            .await
            .unwrap()
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.send(Method::POST, path, token, Some(body)).await
    }

    /// An order placed by staff with `body` under the `Idempotency-Key` `key`.
    pub async fn place_with_key(&self, key: &str, body: &Value) -> Response {
        self.http
            .post(self.url("/api/orders"))
            .bearer_auth(&self.staff)
            .header("Idempotency-Key", key)
            .json(body)
            .send()
            .await
            .expect("the server answers")
    }

    pub async fn login(&self, email: &str, password: &str) -> String {
        let body = json!({ "email": email, "password": password });
        let response = self.post("/auth/login", None, &body).await;
        assert_eq!(response.status(), StatusCode::OK, "login as {email}");
        let body: Value = response.json().await.unwrap();
        body["token"].as_str().unwrap().to_owned()
    }

    /// Registers a new customer account; returns its token and address.
    pub async fn customer(&self, name: &str) -> (String, String) {
        let email = format!("{}-{}@shop.example", name.to_lowercase(), uuid());
        let body = json!({ "name": name, "email": email, "password": "customer-pass-1" });
        let response = self.post("/auth/register", None, &body).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.unwrap();
        (body["token"].as_str().unwrap().to_owned(), email)
    }

    /// The account at `email` as the admin's `/api/users` lists it (null
    /// when it lists none).
    pub async fn account(&self, email: &str) -> Value {
        let list: Value = self
            .get("/api/users", Some(&self.admin))
            .await
            .json()
            .await
            .unwrap();
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["email"] == email)
            .cloned()
            .unwrap_or(Value::Null)
    }

    /// A product created by the admin; returns its id.
    pub async fn product(&self, name: &str, price: i64, stock: i64) -> String {
        let body = json!({ "name": name, "price": price, "stock": stock });
        let response = self.post("/api/products", Some(&self.admin), &body).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.unwrap();
        body["id"].as_str().unwrap().to_owned()
    }

    pub async fn stock_of(&self, product: &str) -> u64 {
        let response = self
            .get(&format!("/api/products/{product}"), Some(&self.admin))
            .await;
        let body: Value = response.json().await.unwrap();
        body["stock"].as_u64().unwrap()
    }

    /// An order placed by staff for `email`, going to an address so it
    /// may ship; returns the order body.
    pub async fn order_for(&self, email: &str, product: &str, quantity: i64) -> Value {
        let body = json!({
            "customer": { "name": "Pat Buyer", "email": email },
            "shippingAddress": {
                "name": "Pat Buyer", "line1": "1 Main St", "city": "Springfield",
                "postalCode": "12345", "country": "US"
            },
            "items": [{ "productId": product, "quantity": quantity }],
        });
        let response = self.post("/api/orders", Some(&self.staff), &body).await;
        let status = response.status();
        let answer: Value = response.json().await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{answer}");
        answer
    }

    /// A one-unit order a customer places for itself; returns the order body.
    pub async fn own_order(&self, token: &str, product: &str) -> Value {
        let body = json!({ "items": [{ "productId": product, "quantity": 1 }] });
        let response = self.post("/api/orders", Some(token), &body).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.unwrap()
    }

    /// What `/metrics` shows now. On a connection of its own, as a scraper
    /// asks: a pooled one may meet the server's keep-alive running out
    /// between two scrapes (tests poll at any interval).
    pub async fn metrics_text(&self) -> String {
        let request = self.http.get(&self.metrics).header("connection", "close");
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.text().await.unwrap()
    }

    pub async fn set_status(&self, token: &str, order: &str, body: &Value) -> Response {
        let path = format!("/api/orders/{order}/status");
        self.send(Method::PUT, &path, Some(token), Some(body)).await
    }
}

/// The value of the unlabelled metric `name` in Prometheus text.
pub fn sample(metrics: &str, name: &str) -> u64 {
    let line = metrics
        .lines()
        .find(|l| {
            l.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with(' '))
        })
        .unwrap_or_else(|| panic!("no {name} in {metrics}"));
    line.rsplit(' ').next().unwrap().parse().unwrap()
}

/// The value of the unlabelled metric `name` the app serves now.
#[allow(dead_code)] // the api_mongo binary shares this file but not the tests that use it
pub async fn metric(app: &TestApp, name: &str) -> u64 {
    sample(&app.metrics_text().await, name)
}

/// Asserts a problem+json response with `status`; returns its body.
pub async fn problem(response: Response, status: u16) -> Value {
    assert_eq!(response.status().as_u16(), status, "status");
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], status);
    for member in ["type", "title", "detail", "code"] {
        assert!(
            body[member].is_string(),
            "problem member {member} in {body}"
        );
    }
    body
}

/// The fields a 422 names.
pub fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Every operation of an OpenAPI document: method (upper case), path and
/// the operation object.
pub fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .iter()
                .map(move |(method, op)| (method.to_uppercase(), path.clone(), op))
        })
        .collect()
}

pub fn uuid() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// A port nothing listens on right now, for a server started by a test.
#[allow(dead_code)] // the api_mongo binary shares this file but not the tests that use it
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Whether `url` answers 2xx within 10 s, asking every 100 ms.
#[allow(dead_code)] // the api_mongo binary shares this file but not the tests that use it
pub async fn answers_within_10s(http: &reqwest::Client, url: &str) -> bool {
    for _ in 0..100 {
        if http
            .get(url)
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}
