//! SIGTERM to `oms` while 32 clients place orders, or one (the other
//! request workers idle), on each store: the process exits cleanly, every placement it finished reached its client
//! (its log's 201s are the clients' 201s), and on a durable store a restart
//! finds exactly the orders answered 201, stock conserved.

use std::process::ExitStatus;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::process::Command;
use tokio::task::JoinHandle;

use crate::binary::{LogLines, scratch_dir, signal};
use crate::buyers::{Buyers, Told, assert_nothing_lost};
use crate::embedded::{Running, oms_in, start, start_command};

pub const INITIAL: u64 = 1_000_000;

/// A running `oms`, signed in as its admin, its log read as it comes.
pub struct Served {
    pub running: Running,
    placed_in_log: Arc<AtomicU64>,
    log: JoinHandle<()>,
}

/// Starts `command` and signs in.
pub async fn serve(command: &mut Command) -> Served {
    let (running, lines) = start_command(command).await;
    let placed_in_log = Arc::new(AtomicU64::new(0));
    let log = tokio::spawn(count_placements(lines, Arc::clone(&placed_in_log)));
    Served {
        running,
        placed_in_log,
        log,
    }
}

/// Counts `POST /api/orders` requests the log says finished with 201.
async fn count_placements(mut lines: LogLines, placed: Arc<AtomicU64>) {
    while let Ok(Some(line)) = lines.next_line().await {
        let entry: Value = serde_json::from_str(&line).unwrap_or_default();
        let span = &entry["span"];
        if entry["fields"]["message"] == "request finished"
            && entry["fields"]["status"] == 201
            && span["http.method"] == "POST"
            && span["http.route"] == "/api/orders"
        {
            placed.fetch_add(1, Ordering::SeqCst);
        }
    }
}

impl Served {
    /// A product with [`INITIAL`] units; its id.
    pub async fn product(&self) -> String {
        let body = json!({ "name": "Term Mug", "price": 700, "stock": INITIAL });
        let created = self.running.post("/api/products", &body).await;
        created["id"].as_str().unwrap().to_owned()
    }

    /// SIGTERM while `clients` buyers place orders; the exit status, what
    /// the buyers were told, and how many placements the log says finished.
    /// One client keeps one connection, so with fewer clients than request
    /// workers some workers are idle and stop first.
    pub async fn terminate_under_load(
        self,
        product: &str,
        clients: usize,
    ) -> (ExitStatus, Told, u64) {
        let Running {
            mut child,
            base,
            http,
            token,
            ..
        } = self.running;
        let buyers = Buyers::start(&http, &base, &token, product, clients);
        for _ in 0..100 {
            if buyers.placed_so_far() >= 100 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        signal(&child, "TERM").await;
        let status = tokio::time::timeout(Duration::from_secs(60), child.wait())
            .await
            .expect("oms exits within 60 s of SIGTERM")
            .unwrap();
        let told = buyers.finish().await;
        self.log.await.unwrap();
        let logged = self.placed_in_log.load(Ordering::SeqCst);
        (status, told, logged)
    }
}

/// The checks every store shares: a clean exit, no error answers, and
/// every placement the server finished answered to its client.
pub fn assert_clean_stop(status: ExitStatus, told: &Told, logged: u64) {
    assert!(status.success(), "exit after SIGTERM: {status}");
    assert!(
        told.placed.len() >= 100,
        "only {} placed before SIGTERM",
        told.placed.len()
    );
    let errors: Vec<_> = told.statuses.keys().filter(|s| **s != 201).collect();
    assert!(
        errors.is_empty(),
        "answers other than 201: {:?}",
        told.statuses
    );
    assert_eq!(
        logged,
        told.placed.len() as u64,
        "placements finished by the server vs answered to clients (unanswered: {:?})",
        told.unanswered
    );
}

/// After a restart (`again`), exactly the orders answered 201 are stored,
/// whole, with the stock conserved: none lost, none stored unanswered.
pub async fn assert_exactly_the_answered_orders(again: &Running, product: &str, told: &Told) {
    let (http, base, token) = (&again.http, &again.base, &again.token);
    let stored = assert_nothing_lost(http, base, token, product, INITIAL, &told.placed).await;
    assert_eq!(
        stored.len(),
        told.placed.len(),
        "an order stored without its 201"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_on_the_memory_store_finishes_every_placement_it_took() {
    let served = serve(oms_in(&scratch_dir()).env("OMS_STORE", "memory")).await;
    let product = served.product().await;
    let (status, told, logged) = served.terminate_under_load(&product, 32).await;
    assert_clean_stop(status, &told, logged);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_on_sqlite_loses_nothing_and_leaves_no_unanswered_order() {
    let dir = scratch_dir();
    let served = serve(&mut oms_in(&dir)).await;
    let product = served.product().await;
    let (status, told, logged) = served.terminate_under_load(&product, 32).await;
    assert_clean_stop(status, &told, logged);
    let again = start(&dir).await;
    assert_exactly_the_answered_orders(&again, &product, &told).await;
    drop(again);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_with_idle_workers_on_the_memory_store_finishes_every_placement_it_took() {
    let served = serve(oms_in(&scratch_dir()).env("OMS_STORE", "memory")).await;
    let product = served.product().await;
    let (status, told, logged) = served.terminate_under_load(&product, 1).await;
    assert_clean_stop(status, &told, logged);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_with_idle_workers_on_sqlite_loses_nothing_and_leaves_no_unanswered_order() {
    let dir = scratch_dir();
    let served = serve(&mut oms_in(&dir)).await;
    let product = served.product().await;
    let (status, told, logged) = served.terminate_under_load(&product, 1).await;
    assert_clean_stop(status, &told, logged);
    let again = start(&dir).await;
    assert_exactly_the_answered_orders(&again, &product, &told).await;
    drop(again);
    let _ = std::fs::remove_dir_all(dir);
}
