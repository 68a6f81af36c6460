//! A server on the in-memory store, started in the test's process.

use oms_api::settings::{Settings, Source};
use oms_api::startup::Application;
use oms_memory::MemoryStore;

pub const EMAIL: &str = "load@example.com";
pub const PASSWORD: &str = "load-password-1";

/// Starts a server whose admin is [`EMAIL`]; its base URL.
pub async fn server(overrides: &[(&str, &str)]) -> String {
    let mut pairs = vec![
        ("OMS_BIND", "127.0.0.1:0"),
        ("OMS_METRICS_BIND", "off"),
        ("OMS_JWT_SECRET", "load-test-secret-of-at-least-32-bytes"),
        ("OMS_ADMIN_EMAIL", EMAIL),
        ("OMS_ADMIN_PASSWORD", PASSWORD),
        ("OMS_DEMO_DATA", "false"),
        ("OMS_ARGON2_MEMORY_KIB", "64"),
        ("OMS_ARGON2_PASSES", "1"),
    ];
    pairs.extend_from_slice(overrides);
    let settings = Settings::load(&Source::from_pairs(pairs)).unwrap();
    let app = Application::build(settings, MemoryStore::new())
        .await
        .unwrap();
    let url = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    url
}
