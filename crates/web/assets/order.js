// Placing an order: pick quantities from the catalogue (order-cart.js),
// then send the cart once. The Idempotency-Key makes every resend of the
// same cart the same order, so a double click or a retry after a dropped
// answer never orders twice.
import { can, goSignIn, onSignedOutElsewhere, request, session } from "./api.js";
import { $, badge, el } from "./dom.js";
import { clearFieldErrors, fieldErrors, sayProblems, showError } from "./fields.js";
import { renderHeader } from "./header.js";
import { describe } from "./messages.js";
import { money } from "./money.js";
import { initOrderCart } from "./order-cart.js";
import { initCustomerSuggestions } from "./suggestions.js";

const current = session();
if (!current) goSignIn();
else initOrderPage(current.user);

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // randomUUID needs a secure context; a static host on plain http has none.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function initOrderPage(user) {
  renderHeader(user);
  onSignedOutElsewhere(goSignIn);
  const forAnyone = can(user, "placeOrderForAnyone");
  const collects = can(user, "collectPayment");
  const main = $("main");
  const form = $("order-form");
  const errorNode = $("order-error");
  const button = $("place-order");
  const result = $("order-result");
  const customerName = $("customer-name");
  const customerEmail = $("customer-email");
  const payment = $("payment-collected");

  if (forAnyone) $("staff-fields").hidden = false;
  else $("staff-fields").remove();
  if (collects) $("payment-field").hidden = false;
  else $("payment-field").remove();
  // Suggestions come from the customer list, which needs its own permission.
  if (forAnyone && can(user, "manageCustomers")) initNameFromAddress(customerEmail, customerName);

  // A change to the cart makes what was said about it out of date.
  const cart = initOrderCart({
    onChange: () => {
      showError(errorNode, "");
      result.replaceChildren();
    },
  });
  $("cart-bar-place").addEventListener("click", () => form.requestSubmit());
  // The key belongs to one exact request body; a different body gets a new
  // key, the same body (a resend) the same key, until it succeeds.
  let attempt = null;
  let sending = false;

  // Validates what the page can know; returns the body or null.
  function buildBody() {
    clearFieldErrors(main);
    showError(errorNode, "");
    const problem = cart.checkQuantities();
    if (problem) {
      showError(errorNode, problem);
      return null;
    }
    const lines = cart.lines();
    if (!lines.length) {
      showError(errorNode, "Choose at least one product: set its quantity to at least 1.");
      cart.focusSearch();
      return null;
    }
    const body = { items: lines.map(({ product, quantity }) => ({ productId: product.id, quantity })) };
    if (forAnyone) {
      const name = customerName.value.trim();
      const email = customerEmail.value.trim();
      // Only "is it filled in": whether an address is valid is the server's call.
      const missing = [
        [customerEmail, email ? "" : "Enter the customer's e-mail address."],
        [customerName, name ? "" : "Enter the customer's name."],
      ];
      if (sayProblems(errorNode, missing)) return null;
      body.customer = { name, email };
    }
    const address = shippingAddress(form);
    if (address) body.shippingAddress = address;
    if (collects) body.paymentCollected = payment.checked;
    return body;
  }

  function showResult(order) {
    const heading = el("h2", { class: "card-title", tabindex: "-1", text: "Order placed" });
    result.replaceChildren(
      el(
        "div",
        { class: "card result" },
        heading,
        el("p", {}, "Order number ", el("strong", { class: "order-number", "data-order-id": order.id, text: `#${order.number}` })),
        el("p", {}, `Total ${money(order.total, order.currency)}, status `, badge(order.status)),
        el("a", { id: "track-link", class: "btn btn-outline", href: `/track-order/${encodeURIComponent(order.id)}`, text: "Track this order" }),
      ),
    );
    heading.focus();
  }

  function afterFailure(err, body) {
    cart.tagLines(body.items);
    // The server names lines by their place in the request; people, by product.
    const lineName = (index) => (body.items[index] ? cart.productName(body.items[index].productId) : null);
    fieldErrors(main, err, lineName);
    showError(errorNode, describe(err, lineName));
    const detail = err.body || {};
    if (err.code === "out_of_stock" && Number.isInteger(detail.available)) cart.showStock(detail.productId, detail.available);
    if (err.code === "product_archived") {
      // Said first, then taken out of the cart: the rest can be ordered.
      cart.withdraw(detail.productId);
      errorNode.scrollIntoView({ block: "nearest" });
    }
    if (err.code === "idempotency_key_reused") attempt = null;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (sending) return;
    const body = buildBody();
    if (!body) return;
    const signature = JSON.stringify(body);
    if (!attempt || attempt.signature !== signature) attempt = { signature, key: newKey() };
    sending = true;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    button.textContent = "Placing order…";
    result.replaceChildren();
    try {
      const order = await request("POST", "/api/orders", { body, headers: { "Idempotency-Key": attempt.key } });
      attempt = null;
      showResult(order);
      cart.empty();
    } catch (err) {
      afterFailure(err, body);
    } finally {
      sending = false;
      button.disabled = false;
      button.removeAttribute("aria-busy");
      button.textContent = "Place order";
    }
  });
}

const ADDRESS_PARTS = ["name", "line1", "line2", "city", "region", "postalCode", "country", "phone"];
const OPTIONAL_PARTS = new Set(["line2", "region", "phone"]);

// The address as typed, or null when nothing was: an optional part left
// empty is left out, a required one is sent for the server to name.
function shippingAddress(form) {
  const typed = {};
  for (const part of ADDRESS_PARTS) typed[part] = form.elements[`shippingAddress.${part}`].value.trim();
  if (!ADDRESS_PARTS.some((part) => typed[part])) return null;
  const address = {};
  for (const part of ADDRESS_PARTS) if (typed[part] || !OPTIONAL_PARTS.has(part)) address[part] = typed[part];
  return address;
}

// Staff usually order for a known customer: suggest addresses as they type
// and fill in the name of the one picked.
function initNameFromAddress(email, name) {
  const fillName = () => {
    const match = customers.byEmail(email.value);
    if (match && !name.value.trim()) name.value = match.name;
  };
  const customers = initCustomerSuggestions({
    input: email,
    options: $("customer-suggestions"),
    limit: 8,
    minLength: 2,
    wait: 300,
    // Suggestions are a convenience; typing the address still works.
    onChange: fillName,
  });
  email.addEventListener("change", fillName);
}
