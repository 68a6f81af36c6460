//! Order wire types. One view serves both audiences: the public tracking
//! view masks the e-mail address and leaves out who made each change.

use oms_domain::order::Order;
use oms_domain::order::status::OrderStatus;
use oms_domain::user::Actor;
use oms_domain::visibility::Audience;
use oms_ports::query::OrderSummary;
use serde::{Deserialize, Serialize};
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::{IntoParams, ToSchema};

use crate::dto::page::PageQuery;
use crate::dto::{not_null, whole};
use crate::openapi::rules;
use crate::problem::ApiError;

/// `POST /api/orders`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PlaceOrderRequest {
    /// Whom the order is for; staff and admins must give it, customers must not.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub customer: Option<OrderCustomerRequest>,
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

impl PlaceOrderRequest {
    /// The app's command, with the `Idempotency-Key` header if sent.
    pub fn into_app(self, idempotency_key: Option<String>) -> oms_app::orders::PlaceOrder {
        oms_app::orders::PlaceOrder {
            customer: self.customer.map(|c| oms_app::orders::CustomerInput {
                name: c.name,
                email: c.email,
            }),
            items: self
                .items
                .into_iter()
                .map(|i| oms_app::orders::ItemInput {
                    product_id: i.product_id,
                    quantity: i.quantity,
                })
                .collect(),
            payment_collected: self.payment_collected,
            idempotency_key,
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
}

impl OrderFilterQuery {
    /// The app's request: these filters, from the first page.
    pub fn into_app(self) -> oms_app::orders::ListOrders {
        oms_app::orders::ListOrders {
            status: self.status,
            customer_id: self.customer_id,
            from: self.from,
            to: self.to,
            ..oms_app::orders::ListOrders::default()
        }
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
        let mut params = OrderFilterQuery::into_params(&parameter_in);
        params.extend(PageQuery::into_params(parameter_in));
        params
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

/// An order.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderView {
    /// Identity; also the tracking number.
    pub id: String,
    /// Whom it is for.
    pub customer: OrderCustomerView,
    /// The lines, with prices as they were when ordered.
    pub items: Vec<OrderLineView>,
    /// Sum of the line totals, minor units.
    pub total: i64,
    /// Whether payment has been collected.
    pub payment_collected: bool,
    /// Current status.
    pub status: String,
    /// The statuses the status machine lets this order move to next
    /// (empty once it is delivered or cancelled); whether the caller may
    /// make the move is the role's business.
    pub next_statuses: Vec<String>,
    /// Every status change, oldest first.
    pub history: Vec<StatusEntryView>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
    /// Rises with every change; send as `expectedVersion`.
    pub version: u64,
}

/// The customer on an order.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderCustomerView {
    /// The customer's id.
    pub id: String,
    /// Name at order time.
    pub name: String,
    /// Address at order time; masked (`a***@example.com`) in the public view.
    pub email: String,
}

/// One order line.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderLineView {
    /// The product's id.
    pub product_id: String,
    /// The product's name when ordered.
    pub name: String,
    /// Unit price when ordered, minor units.
    pub unit_price: i64,
    /// Units.
    pub quantity: u32,
    /// `unitPrice * quantity`, minor units.
    pub line_total: i64,
}

/// One status change.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatusEntryView {
    /// The status left.
    pub from: String,
    /// The status entered.
    pub to: String,
    /// RFC 3339.
    pub at: String,
    /// The role of whoever made the change.
    pub by_role: String,
    /// Their user id; absent from the public view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_user_id: Option<String>,
}

impl OrderView {
    /// The order as `viewer` (anonymous when `None`) may see it.
    pub fn seen_by(order: &Order, viewer: Option<Actor>) -> OrderView {
        OrderView::of(order, Audience::of(viewer, order.placed_by().user))
    }

    /// The order as `audience` may see it.
    pub fn of(order: &Order, audience: Audience) -> OrderView {
        let customer = order.customer();
        let email = if audience.sees_email() {
            customer.email.as_str().to_owned()
        } else {
            customer.email.masked()
        };
        OrderView {
            id: order.id().to_string(),
            customer: OrderCustomerView {
                id: customer.id.to_string(),
                name: customer.name.as_str().to_owned(),
                email,
            },
            items: order.lines().iter().map(line_view).collect(),
            total: order.total().minor(),
            payment_collected: order.payment_collected(),
            status: order.status().as_str().to_owned(),
            next_statuses: order
                .status()
                .next_statuses()
                .map(|s| s.as_str().to_owned())
                .collect(),
            history: order
                .history()
                .iter()
                .map(|h| StatusEntryView {
                    from: h.from.as_str().to_owned(),
                    to: h.to.as_str().to_owned(),
                    at: h.at.to_string(),
                    by_role: h.by.role.as_str().to_owned(),
                    by_user_id: audience.sees_staff_ids().then(|| h.by.user.to_string()),
                })
                .collect(),
            created_at: order.created_at().to_string(),
            updated_at: order.updated_at().to_string(),
            version: order.version(),
        }
    }
}

fn line_view(line: &oms_domain::order::line::OrderLine) -> OrderLineView {
    OrderLineView {
        product_id: line.product_id().to_string(),
        name: line.name().as_str().to_owned(),
        unit_price: line.unit_price().minor(),
        quantity: line.quantity().get(),
        line_total: line.line_total().minor(),
    }
}

/// `GET /api/orders/summary`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderSummaryView {
    /// How many of the selected orders are in each status.
    pub by_status: StatusCounts,
    /// How many orders were selected.
    pub orders: u64,
    /// The sum of the totals of the selected orders not cancelled, minor units.
    pub revenue: i64,
}

/// A count per order status.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusCounts {
    /// Placed, not yet confirmed.
    pub pending: u64,
    /// Confirmed.
    pub confirmed: u64,
    /// Shipped.
    pub shipped: u64,
    /// Delivered.
    pub delivered: u64,
    /// Cancelled.
    pub cancelled: u64,
}

impl From<&OrderSummary> for OrderSummaryView {
    fn from(summary: &OrderSummary) -> Self {
        use OrderStatus::{Cancelled, Confirmed, Delivered, Pending, Shipped};
        OrderSummaryView {
            by_status: StatusCounts {
                pending: summary.count(Pending),
                confirmed: summary.count(Confirmed),
                shipped: summary.count(Shipped),
                delivered: summary.count(Delivered),
                cancelled: summary.count(Cancelled),
            },
            orders: summary.orders(),
            revenue: summary.revenue.minor(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_every_status_there_is() {
        let mut summary = OrderSummary::default();
        for status in OrderStatus::ALL {
            summary.by_status.push((status, 1));
        }
        let view = serde_json::to_value(OrderSummaryView::from(&summary)).unwrap();
        let counts = view["byStatus"].as_object().unwrap();
        assert_eq!(counts.len(), OrderStatus::ALL.len());
        for status in OrderStatus::ALL {
            assert_eq!(counts[status.as_str()], 1, "{status}");
        }
    }
}
