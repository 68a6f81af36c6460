//! `GET /api/orders/export/csv` (admin): the filtered orders as a CSV
//! download, streamed a page at a time. Who may export and how the orders
//! are read are the use case's (`OrderService::export`); this writes CSV.

use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpResponse, web};
use futures::stream;
use oms_app::orders::OrderExport;
use oms_ports::store::Store;

use crate::auth::Caller;
use crate::dto::orders::OrderFilterQuery;
use crate::export::rows;
use crate::problem::ApiError;
use crate::state::AppState;

/// Exports every order matching the list filters.
#[utoipa::path(get, path = "/api/orders/export/csv", operation_id = "exportOrdersCsv", tag = "orders", security(("bearer" = [])),
    params(OrderFilterQuery),
    responses(
        (status = 200, content_type = "text/csv", body = String,
            description = "RFC 4180, one row per order line")))]
pub async fn csv<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
    query: web::Query<OrderFilterQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut export = state
        .orders
        .export(caller, &query.into_inner().into_app())?;
    // The first page is read before answering, so an unreachable store
    // still gets a proper status instead of a cut stream.
    let first = chunk(&mut export, true).await?;
    let body = stream::try_unfold(Some((first, export)), |step| async move {
        let Some((bytes, mut export)) = step else {
            return Ok(None);
        };
        let Some(bytes) = bytes else {
            return Ok(None);
        };
        let next = chunk(&mut export, false).await?;
        Ok::<_, ApiError>(Some((web::Bytes::from(bytes), Some((next, export)))))
    });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(disposition())
        .streaming(body))
}

/// The next page as CSV rows (after the header row on the first), or
/// `None` when every order has been written.
async fn chunk<S: Store>(
    export: &mut OrderExport<S>,
    header: bool,
) -> Result<Option<Vec<u8>>, ApiError> {
    let page = export
        .next_page()
        .await
        .map_err(|e| ApiError::from_store(&e))?;
    page.map(|orders| rows(&orders, header).map_err(csv_failed))
        .transpose()
}

fn csv_failed(err: csv::Error) -> ApiError {
    tracing::error!(error = %err, "csv writing failed");
    ApiError::internal()
}

fn disposition() -> ContentDisposition {
    let today = time::OffsetDateTime::now_utc().date();
    ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![DispositionParam::Filename(format!("orders-{today}.csv"))],
    }
}
