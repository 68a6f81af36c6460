//! What staff see of an order's story: its notes and its timeline, each
//! entry naming who (id, name, role) or the system, and when.

use oms_app::users::StaffNames;

use oms_domain::order::activity::{Change, OrderNote};
use oms_domain::order::line::OrderLine;
use oms_domain::order::{Moment, Order};
use oms_domain::timestamp::Timestamp;
use oms_domain::user::{Actor, Role};
use oms_domain::visibility::Audience;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::dto::address::AddressView;
use crate::openapi::rules;

/// `POST /api/orders/{id}/notes`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddNoteRequest {
    /// What the note says.
    #[schema(schema_with = rules::note_text)]
    pub text: String,
}

/// Who did something: a person (`id`, `name` where known, `role`), or the
/// shop itself acting on a rule (`{"role": "system"}`).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ActorView {
    /// Their user id; absent for the system.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Their name, where known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The role they acted in.
    pub role: String,
}

impl ActorView {
    /// Who did something, as `audience` may be told: the staff see the
    /// person (id, and `name` where known), everyone else the role alone;
    /// the system is only ever its role. The one rule for every view and
    /// event that names an actor.
    pub fn seen_by(actor: Actor, name: Option<String>, audience: Audience) -> ActorView {
        let role = actor.role.as_str().to_owned();
        if actor.is_system() || !audience.sees_staff() {
            return ActorView {
                id: None,
                name: None,
                role,
            };
        }
        ActorView {
            id: Some(actor.user.to_string()),
            name,
            role,
        }
    }
}

/// A staff note on an order.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct NoteView {
    /// Its number on the order: 1, 2, …
    pub id: u32,
    /// What it says.
    pub text: String,
    /// When it was written (RFC 3339).
    #[schema(format = DateTime)]
    pub at: String,
    /// Who wrote it.
    pub by: ActorView,
}

/// One moment of an order's story.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TimelineEntryView {
    /// What happened: `placed`, `status`, `shipped`, `delivered`,
    /// `payment`, `address`, `edit`, `note`, `returnRequested`,
    /// `returnReceived`, `returnRejected` or `refund`.
    pub kind: String,
    /// When (RFC 3339).
    #[schema(format = DateTime)]
    pub at: String,
    /// Who.
    pub by: ActorView,
    /// The status left (`status`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The status entered (`status`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// The shipment (`shipped`, `delivered`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipment_id: Option<u32>,
    /// Whether payment is collected from then on (`payment`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_collected: Option<bool>,
    /// The address from then on (`address`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_address: Option<Box<AddressView>>,
    /// The note (`note`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<NoteView>,
    /// Why, where a reason was given (`status`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The lines before the change (`edit`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items_before: Option<Vec<EditedLineView>>,
    /// The lines after it (`edit`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items_after: Option<Vec<EditedLineView>>,
    /// The return (`returnRequested`, `returnReceived`, `returnRejected`)
    /// as the step left it.
    #[serde(rename = "return", skip_serializing_if = "Option::is_none")]
    pub return_step: Option<Box<super::ReturnView>>,
    /// The refund (`refund`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund: Option<Box<super::RefundView>>,
}

/// One line of an order before or after an edit.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EditedLineView {
    /// The product's id.
    pub product_id: String,
    /// Its name on the order.
    pub name: String,
    /// Unit price on the order, minor units.
    pub unit_price: i64,
    /// Units.
    pub quantity: u32,
    /// `unitPrice * quantity`, minor units.
    pub line_total: i64,
}

impl EditedLineView {
    /// Every line of `lines`.
    pub fn all(lines: &[OrderLine]) -> Vec<EditedLineView> {
        lines
            .iter()
            .map(|l| EditedLineView {
                product_id: l.product_id().to_string(),
                name: l.name().as_str().to_owned(),
                unit_price: l.unit_price().minor(),
                quantity: l.quantity().get(),
                line_total: l.line_total().minor(),
            })
            .collect()
    }
}

/// Names of the people behind an order's changes: the staff's, as kept.
#[derive(Clone, Debug, Default)]
pub struct Names(StaffNames);

impl Names {
    /// The names of `staff`.
    pub fn new(staff: StaffNames) -> Names {
        Names(staff)
    }

    /// Which read of the staff's names these are (0: none).
    pub fn read(&self) -> u64 {
        self.0.read()
    }

    /// `actor` as staff see it on `order`: the name where known.
    pub fn actor(&self, order: &Order, actor: Actor) -> ActorView {
        self.seen(order, actor, Audience::Staff)
    }

    /// `actor` on `order` as `audience` may see it (see
    /// [`ActorView::seen_by`]), named where known.
    pub fn seen(&self, order: &Order, actor: Actor, audience: Audience) -> ActorView {
        // A customer placing its own order is the customer on it.
        let own = (actor.user == order.placed_by().user && actor.role == Role::Customer)
            .then_some(&order.customer().name);
        let name = self.0.name_of(actor.user).or(own);
        ActorView::seen_by(actor, name.map(|n| n.as_str().to_owned()), audience)
    }

    /// The note as staff see it.
    pub fn note(&self, order: &Order, note: &OrderNote, at: Timestamp, by: Actor) -> NoteView {
        let mut view = NoteView {
            id: note.id,
            text: note.text.as_str().to_owned(),
            at: at.to_string(),
            by: self.actor(order, by),
        };
        view.by.name = Some(note.author.as_str().to_owned());
        view
    }

    /// Every note on `order`, oldest first.
    pub fn notes(&self, order: &Order) -> Vec<NoteView> {
        order
            .activity()
            .iter()
            .filter_map(|a| match &a.change {
                Change::Note(note) => Some(self.note(order, note, a.at, a.by)),
                _ => None,
            })
            .collect()
    }

    /// `order`'s timeline, oldest first.
    pub fn timeline(&self, order: &Order) -> Vec<TimelineEntryView> {
        order
            .timeline()
            .into_iter()
            .map(|(at, moment)| {
                let mut entry = TimelineEntryView {
                    kind: String::new(),
                    at: at.to_string(),
                    by: self.actor(order, moment.by()),
                    from: None,
                    to: None,
                    shipment_id: None,
                    payment_collected: None,
                    shipping_address: None,
                    note: None,
                    reason: None,
                    items_before: None,
                    items_after: None,
                    return_step: None,
                    refund: None,
                };
                entry.kind = match moment {
                    Moment::Placed(_) => "placed",
                    Moment::Status(h) => {
                        entry.from = Some(h.from.as_str().to_owned());
                        entry.to = Some(h.to.as_str().to_owned());
                        entry.reason = h.reason.as_ref().map(|r| r.as_str().to_owned());
                        "status"
                    }
                    Moment::Shipped(s) => {
                        entry.shipment_id = Some(s.id.get());
                        "shipped"
                    }
                    Moment::Delivered(s) => {
                        entry.shipment_id = Some(s.id.get());
                        "delivered"
                    }
                    Moment::Activity(a) => match &a.change {
                        Change::Payment { collected } => {
                            entry.payment_collected = Some(*collected);
                            "payment"
                        }
                        Change::Address(address) => {
                            entry.shipping_address = Some(Box::new(AddressView::of(address)));
                            "address"
                        }
                        Change::Edit(edit) => {
                            entry.items_before = Some(EditedLineView::all(&edit.before));
                            entry.items_after = Some(EditedLineView::all(&edit.after));
                            "edit"
                        }
                        Change::Note(note) => {
                            let note = self.note(order, note, a.at, a.by);
                            entry.by = note.by.clone();
                            entry.note = Some(note);
                            "note"
                        }
                        Change::Refunded(refund) => {
                            let view = super::RefundView::of(refund, a.at, entry.by.clone());
                            entry.refund = Some(Box::new(view));
                            "refund"
                        }
                        step => {
                            let mut view = super::ReturnView::of_step(a, Audience::Staff);
                            // The timeline knows the name the event leaves out.
                            if let Some(asked) = view.as_mut().and_then(|v| v.by.as_mut()) {
                                asked.clone_from(&entry.by);
                            }
                            entry.return_step = view.map(Box::new);
                            match step {
                                Change::ReturnRequested(_) => "returnRequested",
                                Change::ReturnReceived { .. } => "returnReceived",
                                _ => "returnRejected",
                            }
                        }
                    },
                }
                .to_owned();
                entry
            })
            .collect()
    }
}
