//! The request fields' schemas, built from the domain's own limits so the
//! document states exactly what the server accepts and cannot drift from it.

use oms_domain::email::Email;
use oms_domain::idempotency::IdempotencyKey;
use oms_domain::name::Name;
use oms_domain::note::Note;
use oms_domain::order::Order;
use oms_domain::order::activity::NoteText;
use oms_domain::order::number::OrderNumber;
use oms_domain::order::status::OrderStatus;
use oms_domain::password::Password;
use oms_domain::product::Product;
use oms_domain::quantity::Quantity;
use oms_domain::stock::Stock;
use oms_domain::user::Role;
use oms_ports::query::{PageLimit, SearchText};
use utoipa::openapi::schema::{
    AnyOfBuilder, ArrayBuilder, KnownFormat, ObjectBuilder, SchemaFormat, Type,
};
use utoipa::openapi::{Ref, RefOr, Schema};

/// Characters [`char::is_control`] refuses (Unicode category Cc).
const CONTROL: &str = r"\u0000-\u001f\u007f-\u009f";
/// Characters [`str::trim`] removes that are not already control
/// characters (Unicode White_Space less Cc).
const SPACE: &str = r"\u0020\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";

fn string(description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
}

pub(super) fn integer(description: &str, min: i64, max: i64) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .minimum(Some(min))
        .maximum(Some(max))
        .description(Some(description))
        .into()
}

fn usize_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A person's or product's name ([`Name`]): not blank, no control
/// characters, at most [`Name::MAX_LEN`] characters.
pub fn name() -> RefOr<Schema> {
    one_line(
        &format!(
            "1 to {} characters, not all spaces, no control characters; surrounding spaces are dropped",
            Name::MAX_LEN
        ),
        Name::MAX_LEN,
    )
}

/// One line of typed text, as the domain's text rule has it: 1 to `max`
/// characters, not all spaces, no control characters.
pub(crate) fn one_line(description: &str, max: usize) -> RefOr<Schema> {
    string(description)
        .min_length(Some(1))
        .max_length(Some(max))
        .pattern(Some(format!(
            "^[^{CONTROL}]*[^{CONTROL}{SPACE}][^{CONTROL}]*$"
        )))
        .into()
}

/// An e-mail address ([`Email`]).
pub fn email() -> RefOr<Schema> {
    string(&format!(
        "An address with a domain of two or more labels, at most {} characters; case and surrounding spaces are ignored",
        Email::MAX_LEN
    ))
    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)))
    .min_length(Some(1))
    .max_length(Some(Email::MAX_LEN))
    .into()
}

/// A new password ([`Password`]).
pub fn password() -> RefOr<Schema> {
    string(&format!(
        "{} to {} characters, and not one of the most common passwords (refused with 422 naming `password`)",
        Password::MIN_LEN,
        Password::MAX_LEN
    ))
    .min_length(Some(Password::MIN_LEN))
    .max_length(Some(Password::MAX_LEN))
    .into()
}

/// Whether a product is archived.
pub fn archived() -> RefOr<Schema> {
    flag_described("`true`: no longer sold; `false`: sold again")
}

/// A `true`/`false` field that may be left out but is never `null`.
pub fn flag() -> RefOr<Schema> {
    flag_described("`true` or `false`")
}

fn flag_described(description: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::Boolean)
        .description(Some(description))
        .into()
}

/// The `archived` list filter.
pub fn archived_filter() -> RefOr<Schema> {
    string("`true`: the archived products; `false` (the default): those for sale")
        .enum_values(Some(["true", "false"]))
        .into()
}

/// A role's name.
pub fn role() -> RefOr<Schema> {
    string("What an account may do")
        .enum_values(Some(
            [Role::Admin, Role::Staff, Role::Customer].map(Role::as_str),
        ))
        .into()
}

/// A unit price in minor units.
pub fn price() -> RefOr<Schema> {
    integer("Unit price in minor units (cents)", 0, Product::MAX_PRICE)
}

/// A stock level.
pub fn stock() -> RefOr<Schema> {
    integer(
        "Units available (replaces the current level)",
        0,
        i64::try_from(Stock::MAX).unwrap_or(i64::MAX),
    )
}

/// A line's quantity.
pub fn quantity() -> RefOr<Schema> {
    integer("Units of the product", 1, i64::from(Quantity::MAX))
}

/// A version a change expects the record to be at (any `u64`).
pub fn expected_version() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(0_u64))
        .maximum(Some(u64::MAX))
        .description(Some(
            "Change only if the record is still at this version (409 `version_mismatch` otherwise)",
        ))
        .into()
}

/// An order's lines.
pub fn items() -> RefOr<Schema> {
    ArrayBuilder::new()
        .items(Ref::from_schema_name("OrderItemRequest"))
        .min_items(Some(1))
        .max_items(Some(Order::MAX_LINES))
        .description(Some(format!(
            "1 to {} lines; lines for one product are merged, and their sum is at most {}",
            Order::MAX_LINES,
            Quantity::MAX
        )))
        .into()
}

/// An id the server made (hyphenated UUID).
fn id(description: &str) -> RefOr<Schema> {
    string(description)
        .format(Some(SchemaFormat::Custom("uuid".to_owned())))
        .into()
}

/// The product of an order line.
pub fn line_product() -> RefOr<Schema> {
    id("The product's id (422 `unknown_product` when there is none)")
}

/// The customer filter of order lists.
pub fn customer_filter() -> RefOr<Schema> {
    id("Only this customer's orders")
}

/// The lower bound of order lists.
pub fn placed_from() -> RefOr<Schema> {
    timestamp("Placed at or after this instant (RFC 3339)")
}

/// The upper bound of order lists.
pub fn placed_before() -> RefOr<Schema> {
    timestamp("Placed before this instant (RFC 3339); not before `from` (422)")
}

/// An order status.
pub fn status() -> RefOr<Schema> {
    string("An order status")
        .enum_values(Some(OrderStatus::ALL.iter().map(|s| s.as_str())))
        .into()
}

/// A page size.
pub fn limit() -> RefOr<Schema> {
    integer(
        &format!(
            "Page size, 1 to {} (default {})",
            PageLimit::MAX,
            PageLimit::DEFAULT.get()
        ),
        1,
        usize_i64(PageLimit::MAX),
    )
}

/// Search text.
pub fn search() -> RefOr<Schema> {
    string(&format!(
        "Case-insensitive text the name must contain; at most {} characters, no control characters",
        SearchText::MAX_LEN
    ))
    .max_length(Some(SearchText::MAX_LEN))
    .pattern(Some(format!("^[^{CONTROL}]*$")))
    .into()
}

/// A staff note on an order ([`NoteText`]): lines and tabs allowed.
pub fn note_text() -> RefOr<Schema> {
    string(&format!(
        "1 to {} characters, not all spaces; line breaks and tabs are kept, other control characters refused",
        NoteText::MAX_LEN
    ))
    .min_length(Some(1))
    .max_length(Some(NoteText::MAX_LEN))
    .pattern(Some(format!(
        r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*[^{CONTROL}{SPACE}][^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
    )))
    .into()
}

/// A note kept with a change (a cancellation's reason).
pub fn note() -> RefOr<Schema> {
    one_line(
        &format!(
            "Why, kept in the order's history: 1 to {} characters on one line, not all spaces; surrounding spaces are dropped",
            Note::MAX_LEN
        ),
        Note::MAX_LEN,
    )
}

/// The layout of the CSV export.
pub fn export_shape() -> RefOr<Schema> {
    string("`lines` (default): a row per order line, the order's total on its first row; `orders`: a row per order")
        .enum_values(Some(["lines", "orders"]))
        .into()
}

/// What finds orders.
pub fn order_search() -> RefOr<Schema> {
    string(&format!(
        "An order's number (\"1042\" or \"#1042\"), or case-insensitive text the customer's \
         name or e-mail address contains; at most {} characters, no control characters",
        SearchText::MAX_LEN
    ))
    .max_length(Some(SearchText::MAX_LEN))
    .pattern(Some(format!("^[^{CONTROL}]*$")))
    .into()
}

/// A yes-or-no filter.
pub fn open_return_filter() -> RefOr<Schema> {
    string("`true`: only orders with a return asked for and neither received nor rejected; `false`: only orders without one")
        .enum_values(Some(["true", "false"]))
        .into()
}

/// An order number, as a number or as text.
pub fn order_number() -> RefOr<Schema> {
    let number = integer(
        "The number",
        i64::try_from(OrderNumber::FIRST.get()).unwrap_or(i64::MAX),
        i64::try_from(OrderNumber::MAX).unwrap_or(i64::MAX),
    );
    let text = string("The number as people write it, with or without `#`")
        .pattern(Some("^#?[0-9]+$"))
        .into();
    utoipa::openapi::schema::OneOfBuilder::new()
        .item(number)
        .item::<RefOr<Schema>>(text)
        .description(Some("An order's number: 1042, \"1042\" or \"#1042\""))
        .into()
}

/// A point in time.
fn timestamp(description: &str) -> RefOr<Schema> {
    string(description)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
        .into()
}

/// A page cursor.
pub fn cursor() -> RefOr<Schema> {
    string("The `nextCursor` of the previous page, as given (422 `validation_failed` for any other text)").into()
}

/// The `Idempotency-Key` header.
pub fn idempotency_key() -> RefOr<Schema> {
    string(&format!(
        "Makes retries safe: the same key returns the order already placed; 1 to {} visible ASCII characters",
        IdempotencyKey::MAX_LEN
    ))
    .min_length(Some(1))
    .max_length(Some(IdempotencyKey::MAX_LEN))
    .pattern(Some("^[\\x21-\\x7e]+$"))
    .into()
}

/// An object that has at least one of `fields`.
pub fn at_least_one_of(fields: &[&str]) -> RefOr<Schema> {
    fields
        .iter()
        .fold(AnyOfBuilder::new(), |any, field| {
            any.item(
                ObjectBuilder::new()
                    .schema_type(Type::Object)
                    .required(*field),
            )
        })
        .into()
}

/// A webhook endpoint's URL.
pub fn webhook_url() -> RefOr<Schema> {
    string(&format!(
        "An absolute https URL (http only where private addresses are allowed), without credentials or #fragment, \
         at most {} characters; its host must not be, or resolve to, a loopback, private, link-local or \
         unique-local address (422 naming `url`)",
        oms_domain::webhook::WebhookUrl::MAX_LEN
    ))
    .format(Some(SchemaFormat::Custom("uri".into())))
    .min_length(Some(1))
    .max_length(Some(oms_domain::webhook::WebhookUrl::MAX_LEN))
    .into()
}

/// The events a webhook endpoint is sent.
pub fn webhook_events() -> RefOr<Schema> {
    let names =
        std::iter::once(oms_app::webhooks::EVERY_EVENT).chain(oms_domain::event::OrderEvent::NAMES);
    ArrayBuilder::new()
        .items(
            string("An event's name, or `*` for every event (those added later too)")
                .enum_values(Some(names)),
        )
        .min_items(Some(1))
        .description(Some("Which events; left out: every event"))
        .into()
}

/// A webhook endpoint's description.
pub fn webhook_description() -> RefOr<Schema> {
    string(&format!(
        "What the endpoint is for: at most {} characters on one line; empty removes it",
        Note::MAX_LEN
    ))
    .max_length(Some(Note::MAX_LEN))
    .pattern(Some(format!("^[^{CONTROL}]*$")))
    .into()
}

/// A delivery status filter.
pub fn delivery_status() -> RefOr<Schema> {
    string("Only deliveries in this status")
        .enum_values(Some(
            oms_domain::webhook::delivery::DeliveryStatus::ALL.map(|s| s.as_str()),
        ))
        .into()
}
