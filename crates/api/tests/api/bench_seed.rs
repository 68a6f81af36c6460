//! `oms seed --orders N`: a store of N bench orders, in every status, and
//! only into a store that holds no order.

use crate::binary::scratch_dir;
use crate::embedded::{oms_in, start};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn oms_seed_orders_builds_that_many_and_only_into_an_empty_store() {
    let dir = scratch_dir();
    let seeded = oms_in(&dir)
        .args(["seed", "--orders", "300"])
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&seeded.stderr);
    assert!(seeded.status.success(), "{stderr}");
    let again = oms_in(&dir)
        .args(["seed", "--orders", "10"])
        .output()
        .await
        .unwrap();
    assert!(!again.status.success());
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("holds orders already"), "{stderr}");

    let running = start(&dir).await;
    let summary = running.get("/api/orders/summary").await;
    assert_eq!(summary["orders"], 300, "{summary}");
    let by_status = &summary["byStatus"];
    assert_eq!(by_status["cancelled"], 30, "every tenth: {summary}");
    assert!(by_status["delivered"].as_u64().unwrap() > 200, "{summary}");
    assert!(by_status["pending"].as_u64().unwrap() > 0, "{summary}");
    running.stop().await;
    let _ = std::fs::remove_dir_all(dir);
}
