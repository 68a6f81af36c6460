//! Probes and metrics: `/healthz` (the process answers), `/readyz` (the
//! store answers too), and `/metrics` (Prometheus text), which is served
//! on a listener of its own (`startup::serve_metrics`).

use actix_web::{HttpResponse, web};
use oms_ports::store::Store;

use crate::dto::health::HealthView;
use crate::metrics::Metrics;
use crate::problem::{ApiError, Failures, ProblemCode};
use crate::state::AppState;

/// Liveness: answers while the process can serve HTTP.
#[utoipa::path(get, path = "/healthz", operation_id = "healthz", tag = "operations",
    responses((status = 200, body = HealthView)))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(HealthView { status: "ok" })
}

/// Readiness: answers 200 only while the store does.
#[utoipa::path(get, path = "/readyz", operation_id = "readyz", tag = "operations", responses(
    (status = 200, body = HealthView)))]
pub async fn readyz<S: Store>(state: web::Data<AppState<S>>) -> Result<HttpResponse, ApiError> {
    if let Err(e) = state.store.ping().await {
        // Whatever the cause, a store that does not answer means "not ready".
        tracing::warn!(error.cause_chain = ?e, "readiness check failed");
        return Err(ApiError::store_unavailable());
    }
    Ok(HttpResponse::Ok().json(HealthView { status: "ok" }))
}

/// What `readyz` answers when the store does not.
#[derive(Debug)]
pub struct NotReady;

impl Failures for NotReady {
    fn codes() -> Vec<ProblemCode> {
        vec![ProblemCode::StoreUnavailable]
    }
}

/// Request counts and latencies by route and status, orders placed, stock conflicts.
pub async fn metrics(metrics: web::Data<Metrics>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(metrics.render())
}
