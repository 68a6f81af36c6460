//! A store that stops answering under a placing load, as a partition, a
//! frozen process or a stalled disk does, with 32 clients that give up
//! after 2 s and send no idempotency keys. During the stall a patient
//! request hears 503 within 10 s and `/readyz` says the store is down;
//! once it is back, orders are placed again within 10 s; and the writes
//! whose callers left were not committed later, beyond one in flight per
//! client. The SQLite case is here (another connection holding the
//! database's write lock); MongoDB's (SIGSTOP) is in `mongo_faults.rs`.

use std::io::Write;
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::binary::scratch_dir;
use crate::buyers::{Buyers, assert_nothing_lost};
use crate::embedded::{Running, oms_in, start_command};

const CLIENTS: usize = 32;
const INITIAL: u64 = 1_000_000;

/// Runs the scenario on `running`, stalling its store with `stall` and
/// letting it go with `resume`.
pub async fn a_stalled_store_answers_every_write_in_time(
    running: &Running,
    stall: impl FnOnce(),
    resume: impl FnOnce(),
) {
    let (http, base, token) = (&running.http, &running.base, &running.token);
    let product = running
        .post(
            "/api/products",
            &json!({ "name": "Stall Mug", "price": 400, "stock": INITIAL }),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let quitters = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let buyers = Buyers::start(&quitters, base, token, &product, CLIENTS);
    for _ in 0..100 {
        if buyers.placed_so_far() >= 50 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        buyers.placed_so_far() >= 50,
        "orders are placed before the stall"
    );

    stall();
    let stalled = Instant::now();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let ready = http.get(format!("{base}/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 503, "/readyz says the store is down");

    let body = json!({
        "customer": { "name": "Patient", "email": "patient@example.com" },
        "items": [{ "productId": product, "quantity": 1 }],
    });
    let asked = Instant::now();
    let patient = http
        .post(format!("{base}/api/orders"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let waited = asked.elapsed();
    assert_eq!(patient.status(), 503, "a patient request during the stall");
    let refused: Value = patient.json().await.unwrap();
    assert_eq!(refused["code"], "store_unavailable");
    assert!(
        waited <= Duration::from_secs(10),
        "answered after {waited:?}"
    );

    tokio::time::sleep(Duration::from_secs(15).saturating_sub(stalled.elapsed())).await;
    let before = buyers.placed_so_far();
    resume();
    let resumed = Instant::now();
    while buyers.placed_so_far() == before && resumed.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        buyers.placed_so_far() > before,
        "orders are placed again within 10 s of the store's return"
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    let told = buyers.finish().await;

    told.assert_placed_or_store_down();
    let stored = assert_nothing_lost(http, base, token, &product, INITIAL, &told.placed).await;
    let unanswered = stored.len() - told.placed.len();
    let _ = writeln!(
        std::io::stderr(),
        "stall: patient answered in {waited:?}; answers {:?}; gave up {:?}; stored {} for {} 201s",
        told.statuses,
        told.unanswered,
        stored.len(),
        told.placed.len()
    );
    assert!(
        unanswered <= 2 * CLIENTS,
        "{unanswered} orders stored whose clients had given up (answered 201: {}, {:?})",
        told.placed.len(),
        told.unanswered
    );
}

/// Another connection holding the database's write lock, as a `sqlite3`
/// shell left inside a transaction would, until [`WriteLock::release`].
pub struct WriteLock {
    release: mpsc::Sender<()>,
    holder: std::thread::JoinHandle<()>,
}

impl WriteLock {
    pub fn take(db: &Path) -> WriteLock {
        let (held, taken) = mpsc::channel();
        let (release, released) = mpsc::channel::<()>();
        let db = db.to_owned();
        let holder = std::thread::spawn(move || {
            let connection = rusqlite::Connection::open(&db).unwrap();
            connection.busy_timeout(Duration::from_secs(10)).unwrap();
            connection.execute_batch("BEGIN IMMEDIATE").unwrap();
            held.send(()).unwrap();
            let _ = released.recv();
            connection.execute_batch("ROLLBACK").unwrap();
        });
        taken.recv().expect("the write lock is taken");
        WriteLock { release, holder }
    }

    pub fn release(self) {
        let _ = self.release.send(());
        self.holder.join().unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_stalled_sqlite_writer_answers_every_write_in_time_and_commits_no_abandoned_one() {
    let dir = scratch_dir();
    let running = start_command(&mut oms_in(&dir)).await.0;
    let db = dir.join("oms.db");
    let lock = std::sync::Mutex::new(None);
    a_stalled_store_answers_every_write_in_time(
        &running,
        || *lock.lock().unwrap() = Some(WriteLock::take(&db)),
        || lock.lock().unwrap().take().unwrap().release(),
    )
    .await;
    running.stop().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_past_the_write_queue_gets_201s_and_fast_503s_and_conserves_stock() {
    let dir = scratch_dir();
    // The log is let go: unread, its pipe would fill and stall the server.
    let running = start_command(oms_in(&dir).env("OMS_WRITE_QUEUE_MAX", "64"))
        .await
        .0;
    let product = running
        .post(
            "/api/products",
            &json!({ "name": "Burst Mug", "price": 400, "stock": INITIAL }),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // The writer held while the burst arrives, so the queue fills.
    let lock = WriteLock::take(&dir.join("oms.db"));
    let held = Instant::now();
    let burst: Vec<_> = (0..500)
        .map(|n| {
            let (http, base, token) = (
                running.http.clone(),
                running.base.clone(),
                running.token.clone(),
            );
            let body = json!({
                "customer": { "name": "Burst Buyer", "email": format!("burst{n}@example.com") },
                "items": [{ "productId": product, "quantity": 1 }],
            });
            tokio::spawn(async move {
                let response = http
                    .post(format!("{base}/api/orders"))
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                let status = response.status().as_u16();
                let retry_after = response.headers().get("retry-after").cloned();
                let body: Value = response.json().await.unwrap();
                (status, retry_after, body, held.elapsed())
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let released = held.elapsed();
    lock.release();
    let mut placed = Vec::new();
    let mut refused = 0;
    for answer in burst {
        let (status, retry_after, body, at) = answer.await.unwrap();
        match status {
            201 => placed.push(body["id"].as_str().unwrap().to_owned()),
            503 => {
                assert_eq!(body["code"], "store_busy", "{body}");
                assert!(retry_after.is_some(), "store_busy carries Retry-After");
                assert!(
                    at < released,
                    "refused at once, not once the writer was free"
                );
                refused += 1;
            }
            other => panic!("answered {other}: {body}"),
        }
    }
    assert!(
        placed.len() >= 64,
        "the queue's writes were placed: {}",
        placed.len()
    );
    assert!(refused >= 100, "past the queue, refused: {refused}");
    let stored = assert_nothing_lost(
        &running.http,
        &running.base,
        &running.token,
        &product,
        INITIAL,
        &placed,
    )
    .await;
    assert_eq!(stored.len(), placed.len(), "nothing refused was written");
    running.stop().await;
    let _ = std::fs::remove_dir_all(dir);
}
