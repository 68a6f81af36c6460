//! `GET /api/orders/export/csv` (admin): the filtered orders as a CSV
//! download, streamed a page at a time.

use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpResponse, web};
use futures::stream;
use oms_app::orders::ListOrders;
use oms_domain::user::{Actor, Permission};
use oms_ports::store::Store;

use crate::auth::Caller;
use crate::dto::orders::OrderFilterQuery;
use crate::export::rows;
use crate::problem::{ApiError, Problem};
use crate::state::AppState;

/// Orders per store read; each page becomes one chunk of the response.
const PAGE: i64 = 100;

/// Exports every order matching the list filters.
#[utoipa::path(get, path = "/api/orders/export/csv", operation_id = "exportOrdersCsv", tag = "orders", security(("bearer" = [])),
    params(OrderFilterQuery),
    responses(
        (status = 200, content_type = "text/csv", body = String,
            description = "RFC 4180, one row per order line"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn csv<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
    query: web::Query<OrderFilterQuery>,
) -> Result<HttpResponse, ApiError> {
    if !caller.may(Permission::ExportOrders) {
        return Err(ApiError::forbidden());
    }
    let mut request = query.into_inner().into_app();
    // An export is always the whole filtered list: paging is ours.
    request.limit = Some(PAGE);
    // The first page is read before answering, so bad filters and an
    // unreachable store still get a proper status instead of a cut stream.
    let first = chunk(&state, caller, request, true).await?;
    let body = stream::try_unfold(first, move |step| {
        let state = state.clone();
        async move {
            match step {
                Step::Done => Ok(None),
                Step::Last(bytes) => Ok(Some((web::Bytes::from(bytes), Step::Done))),
                Step::More(bytes, request) => {
                    let next = chunk(&state, caller, request, false).await;
                    next.map(|next| Some((web::Bytes::from(bytes), next)))
                }
            }
        }
    });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(disposition())
        .streaming(body))
}

/// Where the export stands between chunks.
enum Step {
    More(Vec<u8>, ListOrders),
    Last(Vec<u8>),
    Done,
}

async fn chunk<S: Store>(
    state: &AppState<S>,
    caller: Actor,
    mut request: ListOrders,
    header: bool,
) -> Result<Step, ApiError> {
    let page = state.orders.list(caller, &request).await?;
    let bytes = rows(&page.items, header).map_err(csv_failed)?;
    Ok(match page.next_cursor {
        Some(cursor) => {
            request.cursor = Some(cursor);
            Step::More(bytes, request)
        }
        None => Step::Last(bytes),
    })
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
