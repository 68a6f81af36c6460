//! The few REST calls the scenarios make, as any client makes them.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

/// The account a scenario signs in with, from the command line or the
/// environment.
#[derive(Clone, Debug, clap::Args)]
pub struct Account {
    /// An account that may create products, place orders and move them
    /// (an admin).
    #[arg(long, env = "OMS_LOAD_EMAIL")]
    pub email: String,
    /// Its password.
    #[arg(long, env = "OMS_LOAD_PASSWORD", hide_env_values = true)]
    pub password: String,
}

/// A signed-in client of one server.
#[derive(Clone, Debug)]
pub struct Api {
    http: Client,
    base: String,
    token: String,
}

impl Api {
    /// Signs in at `base` (`http://host:port`).
    pub async fn sign_in(base: &str, account: &Account) -> Result<Api, String> {
        let http = Client::builder()
            .no_proxy()
            .pool_max_idle_per_host(256)
            .build()
            .map_err(|e| e.to_string())?;
        let base = base.trim_end_matches('/').to_owned();
        let body = json!({ "email": account.email, "password": account.password });
        let signed_in = post(&http, &format!("{base}/auth/login"), None, &body).await?;
        let token = signed_in["token"]
            .as_str()
            .ok_or("the sign-in answer has no token")?
            .to_owned();
        Ok(Api { http, base, token })
    }

    /// The bearer token.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The server's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// A new product with all the stock there may be; its id.
    pub async fn product(&self, name: &str) -> Result<String, String> {
        let body = json!({ "name": name, "price": 100, "stock": 1_000_000_000 });
        let created = self.post("/api/products", &body).await?;
        id_of(&created)
    }

    /// A one-unit order of `product` for a made-up customer, with an
    /// address so it may ship; its id.
    pub async fn order(&self, product: &str, n: u64) -> Result<String, String> {
        let body = json!({
            "customer": { "name": "Load Buyer", "email": format!("load-{n}@load.example") },
            "shippingAddress": {
                "name": "Load Buyer", "line1": "1 Load St", "city": "Loadville",
                "postalCode": "10001", "country": "US"
            },
            "items": [{ "productId": product, "quantity": 1 }],
        });
        let placed = self.post("/api/orders", &body).await?;
        id_of(&placed)
    }

    /// Moves `order` to `status`.
    pub async fn set_status(&self, order: &str, status: &str) -> Result<(), String> {
        let url = format!("{}/api/orders/{order}/status", self.base);
        let response = self
            .http
            .put(url)
            .bearer_auth(&self.token)
            .json(&json!({ "status": status }))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        expect_success(response).await.map(|_| ())
    }

    /// A new webhook endpoint at `url` for every event; its id.
    pub async fn webhook(&self, url: &str) -> Result<String, String> {
        let created = self
            .post("/api/webhooks", &json!({ "url": url }))
            .await
            .map_err(|e| format!("{e} (a receiver on this machine needs OMS_WEBHOOK_ALLOW_PRIVATE=true on the server)"))?;
        id_of(&created)
    }

    /// Deletes what `path` names.
    pub async fn delete(&self, path: &str) -> Result<(), String> {
        let url = format!("{}{path}", self.base);
        let response = self
            .http
            .delete(&url)
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(|e| format!("{url}: {e}"))?;
        expect_success(response).await.map(|_| ())
    }

    /// Posts `body` to `path` and gives the status alone (the body is
    /// read and dropped, so the connection is reused).
    pub async fn post_status(&self, path: &str, body: &Value) -> Result<u16, String> {
        let url = format!("{}{path}", self.base);
        let response = self
            .http
            .post(&url)
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await
            .map_err(|e| format!("{url}: {e}"))?;
        let status = response.status().as_u16();
        response.bytes().await.map_err(|e| format!("{url}: {e}"))?;
        Ok(status)
    }

    async fn post(&self, path: &str, body: &Value) -> Result<Value, String> {
        post(
            &self.http,
            &format!("{}{path}", self.base),
            Some(&self.token),
            body,
        )
        .await
    }
}

async fn post(
    http: &Client,
    url: &str,
    token: Option<&str>,
    body: &Value,
) -> Result<Value, String> {
    let mut request = http.post(url).json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.map_err(|e| format!("{url}: {e}"))?;
    expect_success(response).await
}

async fn expect_success(response: reqwest::Response) -> Result<Value, String> {
    let status = response.status();
    let url = response.url().to_string();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if status.is_success() {
        return Ok(body);
    }
    let hint = if status == StatusCode::TOO_MANY_REQUESTS {
        " (raise OMS_RATE_LIMIT_PER_SECOND and OMS_RATE_LIMIT_BURST on the server)"
    } else {
        ""
    };
    Err(format!("{url}: {status}{hint}: {body}"))
}

fn id_of(value: &Value) -> Result<String, String> {
    value["id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("no id in {value}"))
}
