//! How an order looks. One view serves every audience: the public
//! tracking view masks the e-mail address and leaves out who made each
//! change.

use oms_domain::order::Order;
use oms_domain::user::Actor;
use oms_domain::visibility::Audience;
use serde::Serialize;
use utoipa::ToSchema;

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
