//! `GET /api/orders/export/csv` (admin): the filtered orders as a CSV
//! download, streamed a page at a time. Who may export and how the orders
//! are read are the use case's (`OrderService::export`); this writes CSV.

use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpResponse, web};
use futures::{StreamExt, TryStreamExt, stream};
use oms_app::orders::OrderExport;
use oms_domain::order::Order;
use oms_ports::error::StoreError;
use oms_ports::store::Store;
use tokio::sync::mpsc;

use crate::auth::Caller;
use crate::currency::Currency;
use crate::dto::orders::ExportQuery;
use crate::export::{Shape, file_name, rows};
use crate::problem::ApiError;
use crate::state::AppState;

/// Exports every order matching the list filters: one row per order line,
/// or per order with `shape=orders`; amounts in whole currency units.
#[utoipa::path(get, path = "/api/orders/export/csv", operation_id = "exportOrdersCsv", tag = "orders", security(("bearer" = [])),
    params(ExportQuery),
    responses(
        (status = 200, content_type = "text/csv", body = String,
            description = "RFC 4180: one row per order line (its total on the first only), or per order with `shape=orders`")))]
pub async fn csv<S: Store>(
    state: web::Data<AppState<S>>,
    Caller(caller): Caller,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let ExportQuery { filter, shape } = query.into_inner();
    let shape = shape.parse()?;
    let name = file_name(
        &[
            ("status", filter.status.as_deref()),
            ("customer", filter.customer_id.as_deref()),
            ("from", filter.from.as_deref()),
            ("to", filter.to.as_deref()),
            ("search", filter.q.as_deref()),
            ("hasOpenReturn", filter.has_open_return.as_deref()),
        ],
        time::OffsetDateTime::now_utc(),
    );
    let mut export = state.orders.export(caller, &filter.into_app())?;
    let layout = Layout {
        shape,
        currency: state.currency,
    };
    // The first page is read before answering, so an unreachable store
    // still gets a proper status instead of a cut stream.
    let first = chunk(export.next_page().await, true, layout)?;
    let mut rest = read_ahead(export);
    let later =
        stream::poll_fn(move |cx| rest.poll_recv(cx)).map(move |page| chunk(page, false, layout));
    let body = stream::once(async move { Ok::<_, ApiError>(first) })
        .chain(later)
        .try_filter_map(|bytes| async move { Ok(bytes.map(web::Bytes::from)) });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(disposition(name))
        .streaming(body))
}

/// Pages still to be read come through here, each read while the one
/// before is being written out (the store reads on its own threads). The
/// reading stops at the last page, at a failure, or when the download is
/// dropped.
fn read_ahead<S: Store>(
    mut export: OrderExport<S>,
) -> mpsc::Receiver<Result<Option<Vec<Order>>, StoreError>> {
    let (pages, read) = mpsc::channel(1);
    actix_web::rt::spawn(async move {
        loop {
            let page = export.next_page().await;
            let more = matches!(page, Ok(Some(_)));
            if pages.send(page).await.is_err() || !more {
                return;
            }
        }
    });
    read
}

/// A page as CSV rows (after the header row on the first), or `None` when
/// every order has been written.
fn chunk(
    page: Result<Option<Vec<Order>>, StoreError>,
    header: bool,
    layout: Layout,
) -> Result<Option<Vec<u8>>, ApiError> {
    let page = page.map_err(|e| ApiError::from_store(&e))?;
    page.map(|orders| rows(&orders, header, layout.shape, layout.currency).map_err(csv_failed))
        .transpose()
}

/// How every page of one export is written.
#[derive(Clone, Copy)]
struct Layout {
    shape: Shape,
    currency: Currency,
}

fn csv_failed(err: csv::Error) -> ApiError {
    tracing::error!(error = %err, "csv writing failed");
    ApiError::internal()
}

fn disposition(name: String) -> ContentDisposition {
    ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![DispositionParam::Filename(name)],
    }
}
