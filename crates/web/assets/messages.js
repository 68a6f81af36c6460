// What the pages say about the API's answers: a sentence a person can act
// on for every problem code in docs/api.md, and the names of the fields
// the API's validation errors point at.
import { ApiError } from "./api.js";

const FIELD_NAMES = {
  email: "E-mail",
  password: "Password",
  name: "Name",
  price: "Price",
  stock: "Stock",
  status: "Status",
  "customer.name": "Customer name",
  "customer.email": "Customer e-mail",
  shippingAddress: "Shipping address",
  "shippingAddress.name": "Recipient",
  "shippingAddress.line1": "Street and number",
  "shippingAddress.line2": "Flat, floor, building",
  "shippingAddress.city": "City",
  "shippingAddress.region": "Region",
  "shippingAddress.postalCode": "Postal code",
  "shippingAddress.country": "Country code",
  "shippingAddress.phone": "Phone",
  items: "Items",
  q: "Search",
  from: "From date",
  to: "To date",
  role: "Role",
};

// `lineName(index)` names an order's line by its product, where the page
// knows which product it sent there.
export function fieldName(field, lineName = () => null) {
  if (FIELD_NAMES[field]) return FIELD_NAMES[field];
  const line = /^items\[(\d+)\](?:\.(\w+))?$/.exec(field || "");
  if (line) {
    const part = line[2] ? ` ${line[2] === "productId" ? "product" : line[2]}` : "";
    const name = lineName(Number(line[1]));
    return name ? `${name}:${part}` : `Line ${Number(line[1]) + 1}${part}`;
  }
  return field || "A field";
}

function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

function outOfStock(body) {
  const name = body.productName || "this product";
  if (body.available === 0) return `${name} is out of stock (you asked for ${body.requested}).`;
  return `Only ${body.available} of ${name} left (you asked for ${body.requested}).`;
}

function invalidFields(fields, lineName) {
  const list = fields.map((f) => `${fieldName(f.field, lineName)} ${f.message}`);
  return list.length ? `Please check: ${list.join("; ")}.` : "Some fields are not valid. Please check them.";
}

function slowDown(retryAfter) {
  return retryAfter != null
    ? `Too many requests. Please wait ${plural(retryAfter, "second", "seconds")} and try again.`
    : "Too many requests. Please wait a moment and try again.";
}

function ourFault(requestId) {
  return `Something went wrong on our side. Please try again.${requestId ? ` (Reference ${requestId})` : ""}`;
}

// One entry per problem code the API sends: a sentence, or a function of
// the ApiError for those that carry details.
// What a page sends wrongly is ours to fix, not the person's.
const NOT_UNDERSTOOD = "The request could not be understood. Please reload the page and try again.";

export const MESSAGES = {
  malformed_request: NOT_UNDERSTOOD,
  bad_request: NOT_UNDERSTOOD,
  websocket_required: NOT_UNDERSTOOD,
  unauthorized: "Please sign in again.",
  forbidden: "Your account is not allowed to do this.",
  account_disabled: "This account is disabled. Ask an admin of the shop to enable it.",
  not_found: "We couldn't find that. It may have been removed.",
  method_not_allowed: NOT_UNDERSTOOD,
  product_archived: (error) => `${(error.body && error.body.productName) || "A product in the cart"} is no longer sold. Remove it and try again.`,
  out_of_stock: (error) => outOfStock(error.body || {}),
  illegal_transition: "That status change is not allowed for this order any more.",
  payment_on_cancelled: "Payment cannot be recorded on a cancelled order.",
  order_not_editable: "This order can no longer be changed that way.",
  address_required: "This order has no shipping address yet. Add one before it ships.",
  nothing_shipped: "Nothing of this order has shipped yet, so nothing can be returned.",
  return_window_closed: "The time to ask for a return of this order has passed. Please contact the shop.",
  return_not_open: "This return was already received or rejected; it has been reloaded.",
  payment_not_collected: "No payment was recorded for this order, so there is nothing to refund.",
  version_mismatch: "This was changed by someone else in the meantime; it has been reloaded. Check it and try again.",
  contended: "Others were changing this at the same moment. Please try again.",
  duplicate_email: "An account or customer with this e-mail address already exists.",
  last_admin: "This is the last active admin. Make another account an admin first.",
  webhook_disabled: "This endpoint is disabled. Enable it first.",
  payload_too_large: "That is too much at once. Please send less.",
  unsupported_media_type: NOT_UNDERSTOOD,
  validation_failed: (error, lineName) => invalidFields(error.fields, lineName),
  unknown_product: "One of the products no longer exists. Remove it from the order and try again.",
  idempotency_key_reused: "This order was already sent with different contents. Please place it again.",
  rate_limited: (error) => slowDown(error.retryAfter),
  internal: (error) => ourFault(error.requestId),
  store_unavailable: "The order store is unavailable right now. Please try again in a moment.",
  store_busy: "Many orders are being placed right now. Please try again in a moment.",
  outcome_unknown: "We could not confirm whether that went through. Please send it again; it will not be done twice.",
  too_many_connections: "The live feed is busy. It will reconnect shortly.",
  request_refused: "The request was refused. Please reload the page and try again.",
};

// Codes the page gives failures of its own, before any problem arrives.
const OWN_MESSAGES = new Map([
  ["network", "Could not reach the server. Check your connection and try again."],
  ["malformed_response", MESSAGES.malformed_request],
]);

const UNKNOWN = "Something went wrong. Please try again.";

// One sentence for any failure; an unknown code still shows the API's detail.
// `lineName` as for fieldName.
export function describe(error, lineName) {
  if (!(error instanceof ApiError)) return UNKNOWN;
  if (OWN_MESSAGES.has(error.code)) return OWN_MESSAGES.get(error.code);
  const message = Object.hasOwn(MESSAGES, error.code) ? MESSAGES[error.code] : null;
  if (typeof message === "function") return message(error, lineName);
  if (message) return message;
  return error.detail ? `Something went wrong: ${error.detail}.` : UNKNOWN;
}
