//! How an order looks. One view serves every audience
//! (`oms_domain::visibility::Audience`): a stranger with the link sees the
//! status, its timeline and the items, and the customer's first name only;
//! the customer its own order without who on the staff moved it; staff
//! everything.

use oms_domain::order::Order;
use oms_domain::user::Actor;
use oms_domain::visibility::Audience;
use serde::Serialize;

use crate::currency::Currency;
use crate::dto::address::AddressView;
use crate::dto::orders::{
    Names, NoteView, RefundView, ReturnView, ShipmentView, TimelineEntryView,
};
use utoipa::ToSchema;

/// An order.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderView {
    /// Identity, unguessable: the key of the public tracking link.
    pub id: String,
    /// The short number people use for it ("order 1042"): unique in the
    /// store, given in increasing order.
    #[schema(minimum = 1001, example = 1042)]
    pub number: u64,
    /// Whom it is for.
    pub customer: OrderCustomerView,
    /// Where it goes, when known; staff and the order's customer only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_address: Option<Box<AddressView>>,
    /// The lines, with prices as they were when ordered.
    pub items: Vec<OrderLineView>,
    /// Sum of the line totals, minor units of `currency`.
    pub total: i64,
    /// The shop's currency (ISO 4217), `OMS_CURRENCY`.
    pub currency: String,
    /// Whether payment has been collected; absent from the public view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_collected: Option<bool>,
    /// Current status.
    pub status: String,
    /// The statuses the status machine lets this order move to next
    /// (empty once it is delivered or cancelled); whether the caller may
    /// make the move is the role's business.
    pub next_statuses: Vec<String>,
    /// Every status change, oldest first.
    pub history: Vec<StatusEntryView>,
    /// The shipments the units left in, first first.
    pub shipments: Vec<ShipmentView>,
    /// Returns, first first: each with its number and status only in
    /// the public view.
    pub returns: Vec<ReturnView>,
    /// Money paid back, first first; staff and the order's customer only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refunds: Option<Vec<RefundView>>,
    /// The sum of `refunds`, minor units; staff and the order's customer only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refunded_total: Option<i64>,
    /// The staff's notes, oldest first; staff and admins only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<Vec<NoteView>>,
    /// Everything that happened to the order, oldest first, each with who
    /// and when; staff and admins only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Vec<TimelineEntryView>>,
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
    /// The customer's id; absent from the public view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Name at order time; the first name only in the public view.
    pub name: String,
    /// Address at order time; absent from the public view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
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
    /// Units of them that have left in a shipment.
    pub shipped_quantity: u64,
    /// Units of them in returns asked for or received (not rejected);
    /// absent from the public view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub returned_quantity: Option<u64>,
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
    /// The role of whoever made the change; staff and admins only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_role: Option<String>,
    /// Their user id; staff and admins only, absent for the system.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_user_id: Option<String>,
    /// Why, when a reason was given; staff, admins and the order's
    /// customer only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl OrderView {
    /// The order as `viewer` (anonymous when `None`) may see it.
    pub fn seen_by(order: &Order, viewer: Option<Actor>, currency: Currency) -> OrderView {
        OrderView::of(
            order,
            Audience::of(viewer, order.placed_by().user),
            currency,
        )
    }

    /// The order as `audience` may see it, its amounts in `currency`;
    /// staff see who did what by the names a view can tell without a
    /// lookup (a note's author, the customer who placed it).
    pub fn of(order: &Order, audience: Audience, currency: Currency) -> OrderView {
        OrderView::named(order, audience, currency, &Names::default())
    }

    /// As [`OrderView::of`], staff's names taken from `names`.
    pub fn named(
        order: &Order,
        audience: Audience,
        currency: Currency,
        names: &Names,
    ) -> OrderView {
        let customer = order.customer();
        let full = audience.sees_customer();
        let name = if full {
            customer.name.as_str()
        } else {
            customer.name.first_name()
        };
        OrderView {
            id: order.id().to_string(),
            number: order.number().get(),
            customer: OrderCustomerView {
                id: full.then(|| customer.id.to_string()),
                name: name.to_owned(),
                email: full.then(|| customer.email.as_str().to_owned()),
            },
            shipping_address: order
                .shipping_address()
                .filter(|_| audience.sees_address())
                .map(|a| Box::new(AddressView::of(a))),
            items: order
                .lines()
                .iter()
                .map(|l| line_view(order, l, full))
                .collect(),
            total: order.total().minor(),
            currency: currency.code().to_owned(),
            payment_collected: full.then_some(order.payment_collected()),
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
                    by_role: audience.sees_staff().then(|| h.by.role.as_str().to_owned()),
                    by_user_id: (audience.sees_staff() && !h.by.is_system())
                        .then(|| h.by.user.to_string()),
                    reason: h
                        .reason
                        .as_ref()
                        .filter(|_| full)
                        .map(|r| r.as_str().to_owned()),
                })
                .collect(),
            shipments: order
                .shipments()
                .iter()
                .map(|s| ShipmentView::of(order, s))
                .collect(),
            returns: order
                .returns()
                .iter()
                .map(|r| {
                    let by = names.seen(order, r.requested_by, audience);
                    ReturnView::of(order, r, audience, by)
                })
                .collect(),
            refunds: full.then(|| {
                order
                    .refunds()
                    .map(|(r, at, by)| RefundView::of(r, at, names.seen(order, by, audience)))
                    .collect()
            }),
            refunded_total: full.then(|| order.refunded_total().minor()),
            notes: audience.sees_notes().then(|| names.notes(order)),
            timeline: audience.sees_notes().then(|| names.timeline(order)),
            created_at: order.created_at().to_string(),
            updated_at: order.updated_at().to_string(),
            version: order.version(),
        }
    }
}

fn line_view(
    order: &Order,
    line: &oms_domain::order::line::OrderLine,
    full: bool,
) -> OrderLineView {
    OrderLineView {
        shipped_quantity: order.shipped_units(line.product_id()),
        returned_quantity: full.then(|| order.returned_units(line.product_id())),
        product_id: line.product_id().to_string(),
        name: line.name().as_str().to_owned(),
        unit_price: line.unit_price().minor(),
        quantity: line.quantity().get(),
        line_total: line.line_total().minor(),
    }
}
