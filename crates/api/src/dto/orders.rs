//! Order wire types: what clients send here, what they see in `view` and
//! `summary`.

mod after_sale;
mod kept;
mod lookup;
mod shipment;
mod story;
mod summary;
mod view;

pub use after_sale::{
    ReceiveReturnRequest, ReceivedItemRequest, RefundRequest, RefundView, RejectReturnRequest,
    RequestReturnRequest, ReturnItemView, ReturnView,
};
pub use kept::view_json;
pub use lookup::LookupRequest;
pub use shipment::{
    CreateShipmentRequest, MarkDeliveredRequest, ShipmentItemRequest, ShipmentItemView,
    ShipmentView,
};
pub use story::{ActorView, AddNoteRequest, EditedLineView, Names, NoteView, TimelineEntryView};
pub use summary::{OrderSummaryView, StatusCounts};
pub use view::{OrderCustomerView, OrderLineView, OrderView, StatusEntryView};

use serde::Deserialize;
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::{IntoParams, ToSchema};

use crate::dto::address::AddressRequest;
use crate::dto::page::{PageQuery, params_of};
use crate::dto::{not_null, whole};
use crate::export::Shape;
use crate::openapi::rules;
use crate::problem::{ApiError, FieldProblem};

/// `POST /api/orders`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PlaceOrderRequest {
    /// Whom the order is for; staff and admins must give it, customers must not.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub customer: Option<OrderCustomerRequest>,
    /// Where it goes; staff and the order's customer see it, the public
    /// tracking view never does.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub shipping_address: Option<AddressRequest>,
    /// The lines.
    #[schema(schema_with = rules::items)]
    pub items: Vec<OrderItemRequest>,
    /// Whether payment was taken with the order.
    #[serde(default)]
    pub payment_collected: bool,
}

/// The headers of `POST /api/orders` (read by the handler; this states them
/// for the API document).
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Header)]
pub struct PlaceOrderHeaders {
    /// Makes retries safe.
    #[param(rename = "Idempotency-Key", schema_with = rules::idempotency_key)]
    pub idempotency_key: Option<String>,
}

/// The customer an order is for, found or created by e-mail.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderCustomerRequest {
    /// Name (kept as first recorded for a known address).
    #[schema(schema_with = rules::name)]
    pub name: String,
    /// E-mail address.
    #[schema(schema_with = rules::email)]
    pub email: String,
}

/// One line of a new order.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OrderItemRequest {
    /// The product's id.
    #[schema(schema_with = rules::line_product)]
    pub product_id: String,
    /// Units of the product.
    #[serde(deserialize_with = "whole::number")]
    #[schema(schema_with = rules::quantity)]
    pub quantity: i64,
}

impl OrderItemRequest {
    /// The app's line.
    pub fn into_app(self) -> oms_app::orders::ItemInput {
        oms_app::orders::ItemInput {
            product_id: self.product_id,
            quantity: self.quantity,
        }
    }
}

impl PlaceOrderRequest {
    /// The app's command, with the `Idempotency-Key` header if sent.
    pub fn into_app(self, idempotency_key: Option<String>) -> oms_app::orders::PlaceOrder {
        oms_app::orders::PlaceOrder {
            customer: self.customer.map(|c| oms_app::orders::CustomerInput {
                name: c.name,
                email: c.email,
            }),
            shipping_address: self.shipping_address.map(AddressRequest::into_app),
            items: self
                .items
                .into_iter()
                .map(OrderItemRequest::into_app)
                .collect(),
            payment_collected: self.payment_collected,
            idempotency_key,
        }
    }
}

/// `PATCH /api/orders/{id}`: one change a request, the lines or the
/// address.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateOrderRequest {
    /// The order's lines from now on (staff on pending and confirmed
    /// orders, a customer on its own pending ones): lines kept keep their
    /// unit price, new products take today's, and the difference in stock
    /// is reserved or released in the same step.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, schema_with = rules::items)]
    pub items: Option<Vec<OrderItemRequest>>,
    /// Where the order goes from now on; may change until every unit has
    /// shipped.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub shipping_address: Option<AddressRequest>,
    /// Refuse with 409 unless the order is still at this version.
    #[serde(default, deserialize_with = "whole::optional")]
    #[schema(schema_with = rules::expected_version)]
    pub expected_version: Option<u64>,
}

impl UpdateOrderRequest {
    /// The app's command.
    pub fn into_app(self) -> oms_app::orders::UpdateOrder {
        oms_app::orders::UpdateOrder {
            shipping_address: self.shipping_address.map(AddressRequest::into_app),
            items: self
                .items
                .map(|items| items.into_iter().map(OrderItemRequest::into_app).collect()),
            expected_version: self.expected_version,
        }
    }
}

/// `PUT /api/orders/{id}/status`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ChangeStatusRequest {
    /// The status to move to.
    #[schema(schema_with = rules::status)]
    pub status: String,
    /// Record payment as collected (or not) in the same step.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub payment_collected: Option<bool>,
    /// Why (a cancellation's reason), kept in the history entry of the
    /// move; seen by staff and the order's customer, never the public.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, schema_with = rules::note)]
    pub reason: Option<String>,
    /// Refuse with 409 unless the order is still at this version.
    #[serde(default, deserialize_with = "whole::optional")]
    #[schema(schema_with = rules::expected_version)]
    pub expected_version: Option<u64>,
}

impl From<ChangeStatusRequest> for oms_app::orders::ChangeStatus {
    fn from(r: ChangeStatusRequest) -> Self {
        oms_app::orders::ChangeStatus {
            status: r.status,
            payment_collected: r.payment_collected,
            expected_version: r.expected_version,
            reason: r.reason,
        }
    }
}

/// Which orders: the filters `GET /api/orders`, its summary and the CSV
/// export share.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct OrderFilterQuery {
    /// Only orders in this status.
    #[param(schema_with = rules::status)]
    pub status: Option<String>,
    /// Only this customer's orders.
    #[param(schema_with = rules::customer_filter)]
    pub customer_id: Option<String>,
    /// Placed at or after.
    #[param(schema_with = rules::placed_from)]
    pub from: Option<String>,
    /// Placed before; not before `from`.
    #[param(schema_with = rules::placed_before)]
    pub to: Option<String>,
    /// The order's number ("1042" or "#1042"), or case-insensitive text
    /// the customer's name or e-mail address contains.
    #[param(schema_with = rules::order_search)]
    pub q: Option<String>,
    /// `true`: only orders with a return still open; `false`: only orders
    /// without one.
    #[param(schema_with = rules::open_return_filter)]
    pub has_open_return: Option<String>,
}

impl OrderFilterQuery {
    /// The app's request: these filters, from the first page.
    pub fn into_app(self) -> oms_app::orders::ListOrders {
        oms_app::orders::ListOrders {
            status: self.status,
            customer_id: self.customer_id,
            from: self.from,
            to: self.to,
            q: self.q,
            has_open_return: self.has_open_return,
            ..oms_app::orders::ListOrders::default()
        }
    }
}

/// How `GET /api/orders/export/csv` lays out its rows.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShapeQuery {
    /// `lines` (the default): one row per order line, the order's total on
    /// its first row only; `orders`: one row per order.
    #[param(schema_with = rules::export_shape)]
    pub shape: Option<String>,
}

impl ShapeQuery {
    /// The shape asked for.
    ///
    /// # Errors
    /// 422 naming `shape` for any other name.
    pub fn parse(&self) -> Result<Shape, ApiError> {
        match self.shape.as_deref() {
            None => Ok(Shape::default()),
            Some(name) => Shape::parse(name).ok_or_else(|| {
                ApiError::fields(vec![FieldProblem {
                    field: "shape".to_owned(),
                    message: "must be lines or orders".to_owned(),
                }])
            }),
        }
    }
}

/// The filters and the shape of `GET /api/orders/export/csv`.
#[derive(Debug, Default, Deserialize)]
pub struct ExportQuery {
    /// Which orders.
    #[serde(flatten)]
    pub filter: OrderFilterQuery,
    /// How the rows are laid out.
    #[serde(flatten)]
    pub shape: ShapeQuery,
}

impl IntoParams for ExportQuery {
    fn into_params(parameter_in: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        params_of::<OrderFilterQuery, ShapeQuery>(parameter_in)
    }
}

/// Filters and paging for `GET /api/orders`.
#[derive(Debug, Default, Deserialize)]
pub struct OrderListQuery {
    /// Which orders.
    #[serde(flatten)]
    pub filter: OrderFilterQuery,
    /// Which page.
    #[serde(flatten)]
    pub page: PageQuery,
}

impl IntoParams for OrderListQuery {
    fn into_params(parameter_in: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        params_of::<OrderFilterQuery, PageQuery>(parameter_in)
    }
}

impl OrderListQuery {
    /// The app's list request.
    ///
    /// # Errors
    /// 422 when `limit` is not a whole number.
    pub fn into_app(self) -> Result<oms_app::orders::ListOrders, ApiError> {
        let (limit, cursor) = self.page.into_app()?;
        Ok(oms_app::orders::ListOrders {
            limit,
            cursor,
            ..self.filter.into_app()
        })
    }
}
