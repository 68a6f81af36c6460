//! Placing 3-line orders through `OrderService` on the in-memory store,
//! with the production clock and id source; the store records each order's
//! event in its log (the default retention, 10,000 events) as it commits.
//!
//! `cargo bench -p oms-app --bench place_order`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use oms_app::catalog::{CatalogService, CreateProduct};
use oms_app::orders::{CustomerInput, ItemInput, OrderService, PlaceOrder};
use oms_app::system::{RandomIds, SystemClock};
use oms_domain::ids::UserId;
use oms_domain::user::{Actor, Role};
use oms_memory::MemoryStore;

type Orders = OrderService<MemoryStore, SystemClock, RandomIds>;

const STAFF: Actor = Actor {
    user: UserId::MIN,
    role: Role::Staff,
};

/// A fresh store with three products, and a 3-line order for them.
async fn setup() -> (Orders, PlaceOrder) {
    let store = MemoryStore::new();
    let catalog = CatalogService::new(store.clone(), SystemClock, RandomIds);
    let admin = Actor {
        user: UserId::MIN,
        role: Role::Admin,
    };
    let mut items = Vec::new();
    for (name, price) in [("Mug", 1_250), ("Teapot", 3_000), ("Spoon", 350)] {
        let cmd = CreateProduct {
            name: name.into(),
            price,
            stock: 1_000_000_000,
        };
        let product = catalog.create(admin, cmd).await.unwrap();
        items.push(ItemInput {
            product_id: product.id.to_string(),
            quantity: 1,
        });
    }
    let order = PlaceOrder {
        customer: Some(CustomerInput {
            name: "Ann Lee".into(),
            email: "ann@example.com".into(),
        }),
        items,
        ..PlaceOrder::default()
    };
    let orders = OrderService::new(store, SystemClock, RandomIds);
    (orders, order)
}

fn place_order(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap();
    let mut group = c.benchmark_group("place_order");
    group.throughput(Throughput::Elements(1));
    group.measurement_time(Duration::from_secs(8));

    group.bench_function("3_lines", |b| {
        b.to_async(&runtime).iter_custom(|iters| async move {
            let (orders, cmd) = setup().await;
            let start = Instant::now();
            for _ in 0..iters {
                orders.place(STAFF, cmd.clone()).await.unwrap();
            }
            start.elapsed()
        });
    });

    group.bench_function("3_lines_4_tasks", |b| {
        b.to_async(&runtime).iter_custom(|iters| async move {
            let (orders, cmd) = setup().await;
            let start = Instant::now();
            let tasks: Vec<_> = (0..4)
                .map(|_| {
                    let (orders, cmd) = (orders.clone(), cmd.clone());
                    tokio::spawn(async move {
                        for _ in 0..iters.div_ceil(4) {
                            orders.place(STAFF, cmd.clone()).await.unwrap();
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await.unwrap();
            }
            start.elapsed()
        });
    });
    group.finish();
}

criterion_group!(benches, place_order);
criterion_main!(benches);
