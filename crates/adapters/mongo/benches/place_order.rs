//! Placing orders of 1, 5 and 20 lines straight through `MongoStore`
//! (one transaction each), against the server in `OMS_TEST_MONGODB_URI`.
//! With SecantusDB this measures SecantusDB as much as the adapter.
//!
//! `OMS_TEST_MONGODB_URI=mongodb://127.0.0.1:PORT/?directConnection=true \
//!  cargo bench -p oms-mongo --bench place_order`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use oms_mongo::MongoStore;
use oms_ports::store::OrderStore;
use oms_store_contract::fixtures::{draft, given_product};

fn place_order(c: &mut Criterion) {
    let Ok(uri) = std::env::var("OMS_TEST_MONGODB_URI") else {
        eprintln!("SKIP: set OMS_TEST_MONGODB_URI to benchmark the MongoDB store");
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let database = format!("oms_bench_{}", std::process::id());
    let (store, products) = runtime.block_on(async {
        let store = MongoStore::connect(&uri, 3).await.unwrap();
        let store = MongoStore::with_client(store.database().client().clone(), &database);
        store.migrate().await.unwrap();
        let mut products = Vec::new();
        for n in 1..=20 {
            products.push(given_product(&store, n, &format!("Item {n}"), 100, 1_000_000_000).await);
        }
        (store, products)
    });
    let next = AtomicU64::new(1);
    let mut group = c.benchmark_group("mongo_place_order");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10))
        .throughput(Throughput::Elements(1));
    for lines in [1_usize, 5, 20] {
        let items: Vec<_> = products.iter().take(lines).map(|&p| (p, 1)).collect();
        group.bench_with_input(BenchmarkId::from_parameter(lines), &items, |b, items| {
            b.to_async(&runtime).iter_custom(|iters| {
                let store = store.clone();
                let start_at = next.fetch_add(iters, Ordering::SeqCst);
                let items = items.clone();
                async move {
                    let started = Instant::now();
                    for n in start_at..start_at + iters {
                        store
                            .place(draft(u128::from(n), "bench@example.com", &items))
                            .await
                            .unwrap();
                    }
                    started.elapsed()
                }
            });
        });
    }
    group.finish();
    runtime.block_on(async { store.database().drop().await.unwrap() });
}

criterion_group!(benches, place_order);
criterion_main!(benches);
