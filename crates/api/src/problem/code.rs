//! Every problem code the API answers with, in one table: its name on the
//! wire, its HTTP status and what it means. Errors are built from it, the
//! OpenAPI document lists it, and tests hold `docs/api.md` and the pages'
//! messages to it.

use actix_web::http::StatusCode;
use serde::{Serialize, Serializer};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

macro_rules! problem_codes {
    ($($code:ident = $name:literal, $status:ident, $meaning:literal;)+) => {
        /// A stable, snake_case identifier of a kind of failure, which
        /// clients branch on.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ProblemCode {
            $(
                #[doc = $meaning]
                $code,
            )+
        }

        impl ProblemCode {
            /// Every code, in the order `docs/api.md` lists them.
            pub const ALL: &'static [ProblemCode] = &[$(ProblemCode::$code),+];

            /// The code as clients see it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ProblemCode::$code => $name,)+
                }
            }

            /// The status a problem with this code is answered with.
            pub fn status(self) -> StatusCode {
                match self {
                    $(ProblemCode::$code => StatusCode::$status,)+
                }
            }

            /// When it is answered, in one line (Markdown).
            pub fn meaning(self) -> &'static str {
                match self {
                    $(ProblemCode::$code => $meaning,)+
                }
            }
        }
    };
}

problem_codes! {
    MalformedRequest = "malformed_request", BAD_REQUEST,
        "the body is not JSON";
    BadRequest = "bad_request", BAD_REQUEST,
        "the request was refused before reaching the API (e.g. a CORS preflight from an origin not on the list)";
    WebsocketRequired = "websocket_required", BAD_REQUEST,
        "`GET /ws` without a WebSocket upgrade";
    RequestRefused = "request_refused", BAD_REQUEST,
        "any other refusal before the request reached the API; the status (4xx) says which";
    Unauthorized = "unauthorized", UNAUTHORIZED,
        "no token, a bad or expired token, or a failed sign-in (one message for every sign-in failure); carries `WWW-Authenticate: Bearer`";
    Forbidden = "forbidden", FORBIDDEN,
        "the role may not do this";
    AccountDisabled = "account_disabled", FORBIDDEN,
        "the right password for an account an admin has disabled; an admin enables it again";
    NotFound = "not_found", NOT_FOUND,
        "no such order, product, customer or path";
    MethodNotAllowed = "method_not_allowed", METHOD_NOT_ALLOWED,
        "the path exists but not with this method; `Allow` lists those it takes";
    ProductArchived = "product_archived", CONFLICT,
        "an order line names a product the shop no longer sells (archived); `productId`, `productName`, `field`";
    OutOfStock = "out_of_stock", CONFLICT,
        "a product has too little stock; `productId`, `productName`, `requested`, `available`, `field`";
    IllegalTransition = "illegal_transition", CONFLICT,
        "the status machine does not allow the move";
    PaymentOnCancelled = "payment_on_cancelled", CONFLICT,
        "recording payment on a cancelled order";
    OrderNotEditable = "order_not_editable", CONFLICT,
        "the order's status no longer allows this change (its address once every unit has shipped)";
    AddressRequired = "address_required", CONFLICT,
        "a shipment of an order without a shipping address, where the shop requires one (`OMS_SHIPPING_ADDRESS_REQUIRED`); set the address first";
    NothingShipped = "nothing_shipped", CONFLICT,
        "a return of an order nothing of which has shipped";
    ReturnWindowClosed = "return_window_closed", CONFLICT,
        "a customer asked for a return after the shop's window (`OMS_RETURN_WINDOW_DAYS` after the last delivery) closed; the staff may still take it";
    ReturnNotOpen = "return_not_open", CONFLICT,
        "the return was already received or rejected";
    PaymentNotCollected = "payment_not_collected", CONFLICT,
        "a refund of an order whose payment was not collected";
    VersionMismatch = "version_mismatch", CONFLICT,
        "`expectedVersion` (order or product) is stale; `currentVersion`";
    Contended = "contended", CONFLICT,
        "others kept changing the same data (an order, a product's stock) until the server's deadline (10 s); send again after `Retry-After`";
    DuplicateEmail = "duplicate_email", CONFLICT,
        "a customer or account with this address exists";
    LastAdmin = "last_admin", CONFLICT,
        "the change would leave no active admin (demoting or disabling the last one)";
    WebhookDisabled = "webhook_disabled", CONFLICT,
        "a test or a delivery sent again to a disabled webhook endpoint; enable it first";
    PayloadTooLarge = "payload_too_large", PAYLOAD_TOO_LARGE,
        "the body is over 64 KiB";
    UnsupportedMediaType = "unsupported_media_type", UNSUPPORTED_MEDIA_TYPE,
        "the body is not `application/json`";
    ValidationFailed = "validation_failed", UNPROCESSABLE_ENTITY,
        "fields break the rules, or a body or query has the wrong shape (a missing field, an object where text belongs); `errors` lists them. This holds for `/auth/login` too: only well-formed sign-ins are answered with the one 401";
    UnknownProduct = "unknown_product", UNPROCESSABLE_ENTITY,
        "an order line names no product; `productId`, `errors`";
    IdempotencyKeyReused = "idempotency_key_reused", UNPROCESSABLE_ENTITY,
        "the key was used for a different order";
    RateLimited = "rate_limited", TOO_MANY_REQUESTS,
        "too many requests; `Retry-After` says when to try again";
    Internal = "internal", INTERNAL_SERVER_ERROR,
        "a fault on our side (details are logged, never returned)";
    StoreUnavailable = "store_unavailable", SERVICE_UNAVAILABLE,
        "the store cannot be reached, did not start the write within `OMS_WRITE_DEADLINE_SECONDS` (nothing was written), or the server is stopping; try again shortly";
    StoreBusy = "store_busy", SERVICE_UNAVAILABLE,
        "more writes are waiting for the store than `OMS_WRITE_QUEUE_MAX`; nothing was written; send again after `Retry-After`";
    OutcomeUnknown = "outcome_unknown", SERVICE_UNAVAILABLE,
        "the write was sent but whether the store carried it out could not be learned; send it again with the same `Idempotency-Key` (a status change as it was: a repeat of the change that took is answered with the order)";
    TooManyConnections = "too_many_connections", SERVICE_UNAVAILABLE,
        "`/ws` is at `OMS_WS_MAX_CONNECTIONS` (or, for public and customer subscriptions, the share not kept for staff), or this client address holds `OMS_WS_MAX_PER_CLIENT`; `Retry-After` says when to try again";
}

impl ProblemCode {
    /// The status as `docs/api.md` writes it: `request_refused` stands
    /// for any client error without a code of its own.
    pub fn status_label(self) -> String {
        match self {
            ProblemCode::RequestRefused => "4xx".to_owned(),
            other => other.status().as_u16().to_string(),
        }
    }
}

impl std::fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ProblemCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl PartialSchema for ProblemCode {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("Stable snake_case identifier; see docs/api.md"))
            .enum_values(Some(ProblemCode::ALL.iter().map(|c| c.as_str())))
            .into()
    }
}

impl ToSchema for ProblemCode {}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// The table in docs/api.md is this one, row for row: a code added here
    /// fails until it is documented there.
    #[test]
    fn docs_api_md_lists_every_code_with_its_status_and_meaning() {
        let docs = include_str!("../../../../docs/api.md");
        let rows: Vec<&str> = docs
            .lines()
            .skip_while(|line| *line != "| status | code | when |")
            .skip(2)
            .take_while(|line| line.starts_with('|'))
            .collect();
        let expected: Vec<String> = ProblemCode::ALL
            .iter()
            .map(|c| format!("| {} | `{c}` | {} |", c.status_label(), c.meaning()))
            .collect();
        assert_eq!(
            rows,
            expected,
            "docs/api.md's table of problem codes should read:\n{}",
            expected.join("\n")
        );
    }

    /// The pages say something a person can act on for every code: a code
    /// added here fails until `messages.js` has a line for it.
    #[test]
    fn the_pages_have_a_message_for_every_code() {
        let script = include_str!("../../../web/assets/messages.js");
        let table = script
            .split_once("export const MESSAGES = {")
            .and_then(|(_, rest)| rest.split_once("\n};"))
            .map(|(table, _)| table)
            .expect("messages.js holds `export const MESSAGES = { ... };`");
        let keys: HashSet<&str> = table
            .lines()
            .filter_map(|line| line.trim_start().split_once(':'))
            .map(|(key, _)| key.trim())
            .filter(|key| {
                !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            })
            .collect();
        let missing: Vec<&str> = ProblemCode::ALL
            .iter()
            .map(|c| c.as_str())
            .filter(|code| !keys.contains(code))
            .collect();
        assert!(
            missing.is_empty(),
            "messages.js has no message for {missing:?}"
        );
        let unknown: Vec<&&str> = keys
            .iter()
            .filter(|key| ProblemCode::ALL.iter().all(|c| c.as_str() != **key))
            .collect();
        assert!(
            unknown.is_empty(),
            "messages.js has messages for unknown codes {unknown:?}"
        );
    }

    #[test]
    fn names_are_unique_snake_case_and_every_status_is_an_error() {
        let names: HashSet<_> = ProblemCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), ProblemCode::ALL.len());
        for code in ProblemCode::ALL {
            let name = code.as_str();
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{name}"
            );
            assert!(code.status().as_u16() >= 400, "{name}");
        }
    }
}
