//! Returns and refunds as each audience sees them: the staff everything,
//! the order's customer its own returns and refunds without the staff's
//! names, the public a return's number and status only.

use oms_domain::order::Order;
use oms_domain::order::activity::{Activity, Change};
use oms_domain::order::refunds::Refund;
use oms_domain::order::returns::{Return, ReturnStatus};
use oms_domain::timestamp::Timestamp;
use oms_domain::visibility::Audience;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ActorView, OrderItemRequest};
use crate::dto::whole;
use crate::openapi::{return_rules, rules};

/// One item of a return.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReturnItemView {
    /// The product.
    pub product_id: String,
    /// Its name on the order, where the view knows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Units.
    pub quantity: u32,
    /// Whether they went back on the shelf (received items).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restock: Option<bool>,
}

/// A return.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReturnView {
    /// Its number on the order: 1, 2, …
    pub id: u32,
    /// `requested`, `received` or `rejected`.
    pub status: String,
    /// The units asked for; absent from the public view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<ReturnItemView>>,
    /// Why it was asked for; absent from the public view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// When it was asked for (RFC 3339); absent from the public view.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub requested_at: Option<String>,
    /// Who asked; absent from the public view, the role alone for staff
    /// in the customer's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<ActorView>,
    /// What came back (received returns).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received_items: Option<Vec<ReturnItemView>>,
    /// When it was received or rejected (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub decided_at: Option<String>,
    /// Why it was rejected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejection_reason: Option<String>,
}

/// Money paid back.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RefundView {
    /// Its number on the order: 1, 2, …
    pub id: u32,
    /// Minor units.
    pub amount: i64,
    /// Why.
    pub reason: String,
    /// The return it pays for, or null.
    pub return_id: Option<u32>,
    /// When (RFC 3339).
    #[schema(format = DateTime)]
    pub at: String,
    /// Who recorded it (the role alone in the customer's view).
    pub by: ActorView,
}

fn items_of(
    order: Option<&Order>,
    items: impl Iterator<Item = ReturnItemView>,
) -> Vec<ReturnItemView> {
    items
        .map(|mut item| {
            item.name = order.and_then(|o| {
                o.lines()
                    .iter()
                    .find(|l| l.product_id().to_string() == item.product_id)
                    .map(|l| l.name().as_str().to_owned())
            });
            item
        })
        .collect()
}

fn item(product: impl ToString, quantity: u32, restock: Option<bool>) -> ReturnItemView {
    ReturnItemView {
        product_id: product.to_string(),
        name: None,
        quantity,
        restock,
    }
}

impl ReturnView {
    /// `r` of `order` as `audience` sees it, `by` who asked as that
    /// audience may see them.
    pub fn of(order: &Order, r: &Return, audience: Audience, by: ActorView) -> ReturnView {
        let public = ReturnView {
            id: r.request.id,
            status: r.status.as_str().to_owned(),
            items: None,
            reason: None,
            requested_at: None,
            by: None,
            received_items: None,
            decided_at: None,
            rejection_reason: None,
        };
        if !audience.sees_customer() {
            return public;
        }
        let asked = r.request.items.iter().map(|&(p, q)| item(p, q.get(), None));
        let received = r
            .received
            .iter()
            .map(|i| item(i.product, i.quantity.get(), Some(i.restock)));
        ReturnView {
            items: Some(items_of(Some(order), asked)),
            reason: Some(r.request.reason.as_str().to_owned()),
            requested_at: Some(r.requested_at.to_string()),
            by: Some(by),
            received_items: (r.status == ReturnStatus::Received)
                .then(|| items_of(Some(order), received)),
            decided_at: r.decided.map(|(at, _)| at.to_string()),
            rejection_reason: r.rejection.as_ref().map(|n| n.as_str().to_owned()),
            ..public
        }
    }

    /// The return step `activity` records, as an event tells it (the
    /// order is not at hand: names are left out).
    pub fn of_step(activity: &Activity, audience: Audience) -> Option<ReturnView> {
        let mut view = ReturnView {
            id: 0,
            status: String::new(),
            items: None,
            reason: None,
            requested_at: None,
            by: None,
            received_items: None,
            decided_at: None,
            rejection_reason: None,
        };
        let full = audience.sees_customer();
        match &activity.change {
            Change::ReturnRequested(request) => {
                view.id = request.id;
                view.status = ReturnStatus::Requested.as_str().to_owned();
                if full {
                    let asked = request.items.iter().map(|&(p, q)| item(p, q.get(), None));
                    view.items = Some(items_of(None, asked));
                    view.reason = Some(request.reason.as_str().to_owned());
                    view.requested_at = Some(activity.at.to_string());
                    view.by = Some(ActorView::seen_by(activity.by, None, audience));
                }
            }
            Change::ReturnReceived { id, items } => {
                view.id = *id;
                view.status = ReturnStatus::Received.as_str().to_owned();
                if full {
                    let received = items
                        .iter()
                        .map(|i| item(i.product, i.quantity.get(), Some(i.restock)));
                    view.received_items = Some(items_of(None, received));
                    view.decided_at = Some(activity.at.to_string());
                }
            }
            Change::ReturnRejected { id, reason } => {
                view.id = *id;
                view.status = ReturnStatus::Rejected.as_str().to_owned();
                if full {
                    view.rejection_reason = Some(reason.as_str().to_owned());
                    view.decided_at = Some(activity.at.to_string());
                }
            }
            _ => return None,
        }
        Some(view)
    }
}

impl RefundView {
    /// `refund`, recorded at `at` by `by` (as the reader may see them).
    pub fn of(refund: &Refund, at: Timestamp, by: ActorView) -> RefundView {
        RefundView {
            id: refund.id,
            amount: refund.amount.minor(),
            reason: refund.reason.as_str().to_owned(),
            return_id: refund.return_id,
            at: at.to_string(),
            by,
        }
    }
}

/// `POST /api/orders/{id}/returns`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RequestReturnRequest {
    /// The units to send back: shipped, and not in another open or
    /// received return.
    #[schema(schema_with = rules::items)]
    pub items: Vec<OrderItemRequest>,
    /// Why.
    #[schema(schema_with = rules::note)]
    pub reason: String,
}

/// One line of what came back.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ReceivedItemRequest {
    /// The product's id.
    #[schema(schema_with = rules::line_product)]
    pub product_id: String,
    /// Units that came back: at most what the return asked for.
    #[serde(deserialize_with = "whole::number")]
    #[schema(schema_with = rules::quantity)]
    pub quantity: i64,
    /// Whether they go back on the shelf.
    pub restock: bool,
}

/// `POST /api/orders/{id}/returns/{returnId}/receive`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiveReturnRequest {
    /// What came back, one line per product.
    #[schema(schema_with = return_rules::received_items)]
    pub items: Vec<ReceivedItemRequest>,
}

/// `POST /api/orders/{id}/returns/{returnId}/reject`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectReturnRequest {
    /// Why, told to the customer.
    #[schema(schema_with = rules::note)]
    pub reason: String,
}

/// `POST /api/orders/{id}/refunds`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RefundRequest {
    /// Minor units.
    #[serde(deserialize_with = "whole::number")]
    #[schema(schema_with = return_rules::refund_amount)]
    pub amount: i64,
    /// Why.
    #[schema(schema_with = rules::note)]
    pub reason: String,
    /// The return it pays for.
    #[serde(default, deserialize_with = "whole::optional")]
    #[schema(schema_with = return_rules::return_id)]
    pub return_id: Option<u64>,
}

impl RequestReturnRequest {
    /// The app's command.
    pub fn into_app(self) -> oms_app::orders::RequestReturn {
        oms_app::orders::RequestReturn {
            items: self
                .items
                .into_iter()
                .map(OrderItemRequest::into_app)
                .collect(),
            reason: self.reason,
        }
    }
}

impl ReceiveReturnRequest {
    /// The app's lines.
    pub fn into_app(self) -> Vec<oms_app::orders::ReceivedInput> {
        self.items
            .into_iter()
            .map(|i| oms_app::orders::ReceivedInput {
                product_id: i.product_id,
                quantity: i.quantity,
                restock: i.restock,
            })
            .collect()
    }
}

impl RefundRequest {
    /// The app's command, with the `Idempotency-Key` header if sent.
    pub fn into_app(self, idempotency_key: Option<String>) -> oms_app::orders::RecordRefund {
        oms_app::orders::RecordRefund {
            amount: self.amount,
            reason: self.reason,
            return_id: self.return_id,
            idempotency_key,
        }
    }
}
