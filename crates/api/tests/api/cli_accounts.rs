//! The command line while the shop runs: `oms user create` beside a
//! running server (and `--update` for a taken address), `oms restore`
//! refused while serving and putting a backup in place once stopped, and
//! `oms --help` saying what oms is.

use serde_json::json;

use crate::binary::{oms, scratch_dir};
use crate::embedded::{Running, oms_in, start};

async fn sign_in(running: &Running, email: &str, password: &str) -> u16 {
    running
        .http
        .post(format!("{}/auth/login", running.base))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// `oms user create` for sam@shop.example with `password` and `extra` flags.
async fn create_sam(dir: &std::path::Path, password: &str, extra: &[&str]) -> std::process::Output {
    oms_in(dir)
        .env("OMS_USER_PASSWORD", password)
        .args([
            "user",
            "create",
            "--role",
            "staff",
            "--email",
            "sam@shop.example",
            "--name",
            "Sam",
        ])
        .args(extra)
        .output()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn oms_user_create_works_while_serving_and_asks_for_update_on_a_taken_address() {
    let dir = scratch_dir();
    let running = start(&dir).await;

    let made = create_sam(&dir, "counter-shelf-42", &[]).await;
    let said = String::from_utf8_lossy(&made.stdout);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    assert!(said.contains("a server holds the store"), "{said}");
    assert_eq!(
        sign_in(&running, "sam@shop.example", "counter-shelf-42").await,
        200
    );

    let again = create_sam(&dir, "another-shelf-43", &[]).await;
    assert!(!again.status.success());
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("--update"), "{stderr}");
    assert_eq!(
        sign_in(&running, "sam@shop.example", "another-shelf-43").await,
        401,
        "unchanged"
    );

    let updated = create_sam(&dir, "another-shelf-43", &["--update"]).await;
    assert!(
        updated.status.success(),
        "{}",
        String::from_utf8_lossy(&updated.stderr)
    );
    assert_eq!(
        sign_in(&running, "sam@shop.example", "another-shelf-43").await,
        200
    );
    assert_eq!(
        sign_in(&running, "sam@shop.example", "counter-shelf-42").await,
        401
    );

    let weak = create_sam(&dir, "password1234", &["--update"]).await;
    assert!(!weak.status.success());
    let stderr = String::from_utf8_lossy(&weak.stderr);
    assert!(stderr.contains("most common passwords"), "{stderr}");

    // Other commands still say what to do instead of waiting.
    let seeded = oms_in(&dir).arg("seed").output().await.unwrap();
    assert!(!seeded.status.success());
    let stderr = String::from_utf8_lossy(&seeded.stderr);
    assert!(
        stderr.contains("in use by another process") && stderr.contains("Accounts tab"),
        "{stderr}"
    );
    running.stop().await;
    let _ = std::fs::remove_dir_all(dir);
}

async fn product_names(running: &Running) -> Vec<String> {
    let page = running.get("/api/products?q=shelf&limit=100").await;
    let mut names: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn oms_restore_is_refused_while_serving_and_puts_a_backup_in_place_once_stopped() {
    let dir = scratch_dir();
    let running = start(&dir).await;
    running
        .post(
            "/api/products",
            &json!({ "name": "Shelf Before", "price": 100, "stock": 1 }),
        )
        .await;
    let copy = dir.join("before.db");
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
    running
        .post(
            "/api/products",
            &json!({ "name": "Shelf After", "price": 100, "stock": 1 }),
        )
        .await;

    let refused = oms_in(&dir)
        .arg("restore")
        .arg(&copy)
        .output()
        .await
        .unwrap();
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("no server runs"), "{stderr}");
    assert_eq!(
        product_names(&running).await,
        ["Shelf After", "Shelf Before"],
        "nothing changed"
    );
    running.stop().await;

    let not_a_backup = dir.join("notes.txt");
    std::fs::write(&not_a_backup, "not a database").unwrap();
    let bad = oms_in(&dir)
        .arg("restore")
        .arg(&not_a_backup)
        .output()
        .await
        .unwrap();
    assert!(!bad.status.success(), "a file that is no backup is refused");

    let restored = oms_in(&dir)
        .arg("restore")
        .arg(&copy)
        .output()
        .await
        .unwrap();
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    let kept: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".before-restore-"))
        .collect();
    assert_eq!(kept.len(), 1, "what the store held is kept aside");

    let running = start(&dir).await;
    assert_eq!(product_names(&running).await, ["Shelf Before"]);
    running.stop().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn oms_help_opens_with_what_oms_is() {
    let help = oms().arg("--help").output().await.unwrap();
    assert!(help.status.success());
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(
        text.starts_with("oms: an order management service"),
        "{text}"
    );
    for command in ["serve", "user", "backup", "restore"] {
        assert!(text.contains(command), "{command} listed: {text}");
    }
    assert!(!text.contains("crate"), "no crate internals: {text}");
}
