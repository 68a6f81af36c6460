//! The messages' views of the changes after placing and moving an order:
//! shipments, arrivals, notes, address changes and edits of the lines.

use oms_domain::event::{
    OrderAddressUpdated, OrderAfterSale, OrderItemsUpdated, OrderNoteAdded, OrderShipmentDelivered,
    OrderShipped,
};
use oms_domain::visibility::Audience;
use serde::Serialize;
use utoipa::ToSchema;

use crate::dto::address::AddressView;
use crate::dto::orders::{
    ActorView, EditedLineView, NoteView, RefundView, ReturnView, ShipmentView,
};
use crate::openapi::rules;

/// A shipment that left.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderShippedView {
    /// The order.
    pub order_id: String,
    /// Its number.
    pub order_number: u64,
    /// The shipment.
    pub shipment: ShipmentView,
    /// The status before.
    #[schema(schema_with = rules::status)]
    pub from: String,
    /// The status after: `partially_shipped` while units are left, else
    /// `shipped`.
    #[schema(schema_with = rules::status)]
    pub to: String,
    /// When (RFC 3339).
    #[schema(format = DateTime)]
    pub at: String,
    /// The role of whoever sent it; staff and admins only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_role: Option<String>,
    /// The order's version after the change.
    pub version: u64,
    /// Whether payment has been collected; absent from the public view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_collected: Option<bool>,
}

/// Shipments recorded as arrived.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderShipmentDeliveredView {
    /// The order.
    pub order_id: String,
    /// Its number.
    pub order_number: u64,
    /// The shipments that arrived with this change.
    pub shipment_ids: Vec<u32>,
    /// The status before.
    #[schema(schema_with = rules::status)]
    pub from: String,
    /// The status after: `delivered` once every unit has shipped and every
    /// shipment arrived.
    #[schema(schema_with = rules::status)]
    pub to: String,
    /// When (RFC 3339).
    #[schema(format = DateTime)]
    pub at: String,
    /// The role of whoever recorded it; staff and admins only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_role: Option<String>,
    /// The order's version after the change.
    pub version: u64,
    /// Whether payment has been collected; absent from the public view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_collected: Option<bool>,
}

/// A staff note added to an order; staff and admins only.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderNoteAddedView {
    /// The order.
    pub order_id: String,
    /// Its number.
    pub order_number: u64,
    /// The note.
    pub note: NoteView,
    /// The order's version after the change.
    pub version: u64,
}

/// An order's shipping address set or corrected.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderAddressUpdatedView {
    /// The order.
    pub order_id: String,
    /// Its number.
    pub order_number: u64,
    /// The address from now on; staff and the order's customer only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_address: Option<Box<AddressView>>,
    /// When (RFC 3339).
    #[schema(format = DateTime)]
    pub at: String,
    /// The role of whoever changed it; staff and admins only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_role: Option<String>,
    /// The order's version after the change.
    pub version: u64,
}

impl OrderShippedView {
    /// The shipment as `audience` may see it.
    pub fn of(shipped: &OrderShipped, audience: Audience) -> Self {
        OrderShippedView {
            order_id: shipped.order_id.to_string(),
            order_number: shipped.number.get(),
            shipment: ShipmentView::named(&shipped.shipment, |_| None),
            from: shipped.from.as_str().to_owned(),
            to: shipped.to.as_str().to_owned(),
            at: shipped.at.to_string(),
            by_role: audience
                .sees_staff()
                .then(|| shipped.by.role.as_str().to_owned()),
            version: shipped.version,
            payment_collected: audience
                .sees_customer()
                .then_some(shipped.payment_collected),
        }
    }
}

impl OrderShipmentDeliveredView {
    /// The arrivals as `audience` may see them.
    pub fn of(arrived: &OrderShipmentDelivered, audience: Audience) -> Self {
        OrderShipmentDeliveredView {
            order_id: arrived.order_id.to_string(),
            order_number: arrived.number.get(),
            shipment_ids: arrived.shipments.iter().map(|id| id.get()).collect(),
            from: arrived.from.as_str().to_owned(),
            to: arrived.to.as_str().to_owned(),
            at: arrived.at.to_string(),
            by_role: audience
                .sees_staff()
                .then(|| arrived.by.role.as_str().to_owned()),
            version: arrived.version,
            payment_collected: audience
                .sees_customer()
                .then_some(arrived.payment_collected),
        }
    }
}

impl OrderNoteAddedView {
    /// The note as staff see it (no one else is told of it).
    pub fn of(added: &OrderNoteAdded) -> Self {
        let order_id = added.order_id.to_string();
        OrderNoteAddedView {
            order_number: added.number.get(),
            note: NoteView {
                id: added.note.id,
                text: added.note.text.as_str().to_owned(),
                at: added.at.to_string(),
                by: ActorView::seen_by(
                    added.by,
                    Some(added.note.author.as_str().to_owned()),
                    Audience::Staff,
                ),
            },
            order_id,
            version: added.version,
        }
    }
}

impl OrderAddressUpdatedView {
    /// The change as `audience` may see it.
    pub fn of(updated: &OrderAddressUpdated, audience: Audience) -> Self {
        OrderAddressUpdatedView {
            order_id: updated.order_id.to_string(),
            order_number: updated.number.get(),
            shipping_address: audience
                .sees_address()
                .then(|| Box::new(AddressView::of(&updated.address))),
            at: updated.at.to_string(),
            by_role: audience
                .sees_staff()
                .then(|| updated.by.role.as_str().to_owned()),
            version: updated.version,
        }
    }
}

/// An order's lines changed, and its stock with them.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderItemsUpdatedView {
    /// The order.
    pub order_id: String,
    /// Its number.
    pub order_number: u64,
    /// The lines before.
    pub items_before: Vec<EditedLineView>,
    /// The lines from now on.
    pub items: Vec<EditedLineView>,
    /// The order's new total, minor units.
    pub total: i64,
    /// When (RFC 3339).
    #[schema(format = DateTime)]
    pub at: String,
    /// The role of whoever changed them; staff and admins only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_role: Option<String>,
    /// The order's version after the change.
    pub version: u64,
}

impl OrderItemsUpdatedView {
    /// The change as `audience` may see it.
    pub fn of(updated: &OrderItemsUpdated, audience: Audience) -> Self {
        OrderItemsUpdatedView {
            order_id: updated.order_id.to_string(),
            order_number: updated.number.get(),
            items_before: EditedLineView::all(&updated.edit.before),
            items: EditedLineView::all(&updated.edit.after),
            total: updated.edit.total().minor(),
            at: updated.at.to_string(),
            by_role: audience
                .sees_staff()
                .then(|| updated.by.role.as_str().to_owned()),
            version: updated.version,
        }
    }
}

/// A step of a return: asked for, received or rejected.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReturnChangedView {
    /// The order.
    pub order_id: String,
    /// Its number.
    pub order_number: u64,
    /// The return as the step left it (number and status only in the
    /// public view).
    #[serde(rename = "return")]
    pub return_step: ReturnView,
    /// The role of whoever made the step; staff and admins only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_role: Option<String>,
    /// The order's version after the change.
    pub version: u64,
}

/// Money paid back; staff and the order's customer only.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderRefundedView {
    /// The order.
    pub order_id: String,
    /// Its number.
    pub order_number: u64,
    /// The refund.
    pub refund: RefundView,
    /// The order's version after the change.
    pub version: u64,
}

impl ReturnChangedView {
    /// The step as `audience` may see it; `None` for an entry that is no
    /// return step (only a bug could ask).
    pub fn of(sale: &OrderAfterSale, audience: Audience) -> Option<Self> {
        let step = ReturnView::of_step(&sale.activity, audience)?;
        Some(ReturnChangedView {
            order_id: sale.order_id.to_string(),
            order_number: sale.number.get(),
            return_step: step,
            by_role: audience
                .sees_staff()
                .then(|| sale.activity.by.role.as_str().to_owned()),
            version: sale.version,
        })
    }
}

impl OrderRefundedView {
    /// The refund as `audience` (staff or the customer) may see it.
    pub fn of(sale: &OrderAfterSale, audience: Audience) -> Option<Self> {
        let oms_domain::order::activity::Change::Refunded(refund) = &sale.activity.change else {
            return None;
        };
        Some(OrderRefundedView {
            order_id: sale.order_id.to_string(),
            order_number: sale.number.get(),
            refund: RefundView::of(
                refund,
                sale.activity.at,
                ActorView::seen_by(sale.activity.by, None, audience),
            ),
            version: sale.version,
        })
    }
}
