// Public order tracking: anyone with the order's link may follow it, so the
// page works signed out and only uses a session when there is one. Without
// a link (`/track-order`), the order is found by its number and e-mail address.
import { addressLines } from "./address-lines.js";
import { onSignedOutElsewhere, request, session } from "./api.js";
import { dateTime, timeEl } from "./dates.js";
import { openDialog } from "./dialog.js";
import { $, badge, el, statusText } from "./dom.js";
import { openFeed } from "./feed.js";
import { showError } from "./fields.js";
import { renderHeader, setLiveStatus } from "./header.js";
import { describe } from "./messages.js";
import { money } from "./money.js";
import { initTrackEdit } from "./track-edit.js";
import { initTrackReturns } from "./track-returns.js";

const PREFIX = "/track-order/";

let id = "";
try {
  id = decodeURIComponent(location.pathname.startsWith(PREFIX) ? location.pathname.slice(PREFIX.length) : "");
} catch {
  id = "";
}

let shown = null;
let feed = null;
let loading = false;
let again = false;
// Declared before the first render; `render` is hoisted.
const editor = initTrackEdit({ render: (order) => render(order) });
const returns = initTrackReturns({ render: (order) => render(order) });

// A refused token is dropped on the way (by request() or the feed), so the
// header follows whatever session is left.
function showAccount() {
  const current = session();
  renderHeader(current && current.user);
}

function showNotFound() {
  $("track-loading").hidden = true;
  $("order-view").hidden = true;
  $("track-problem").hidden = true;
  showError($("track-error"), "");
  $("live-status").hidden = true;
  $("not-found").hidden = !id;
  $("lookup").hidden = false;
  document.title = id ? "Order not found · oms" : "Find your order · oms";
  if (feed) feed.close();
}

// Found by number and address: the page of its link, as if it had been followed.
async function lookUp(event) {
  event.preventDefault();
  const error = $("lookup-error");
  const number = $("lookup-number").value.trim();
  const email = $("lookup-email").value.trim();
  if (!number || !email) {
    showError(error, "Enter the order number and the e-mail address it was placed with.");
    (number ? $("lookup-email") : $("lookup-number")).focus();
    return;
  }
  const button = $("lookup-submit");
  button.disabled = true;
  try {
    const order = await request("POST", "/api/orders/lookup", { body: { number, email }, auth: false });
    location.assign(`${PREFIX}${encodeURIComponent(order.id)}`);
  } catch (err) {
    showError(error, err.code === "not_found" ? "No order has that number and e-mail address. Check both and try again." : describe(err));
    button.disabled = false;
  }
}

// A customer may cancel its own order while it is pending (staff too, from here).
function showCancel(order) {
  const current = session();
  const mayCancel = Boolean(current) && typeof order.customer.email === "string" && (order.nextStatuses || []).includes("cancelled") && order.status === "pending";
  $("cancel-box").hidden = !mayCancel;
}

function askCancel() {
  $("cancel-number").textContent = `#${shown.number}`;
  openDialog($("cancel-dialog"), $("cancel-keep"));
}

async function cancelOrder() {
  const button = $("cancel-order");
  button.disabled = true;
  showError($("cancel-error"), "");
  try {
    const order = await request("PUT", `/api/orders/${encodeURIComponent(id)}/status`, {
      body: { status: "cancelled", expectedVersion: shown.version },
    });
    render(order);
  } catch (err) {
    showError($("cancel-error"), describe(err));
    load();
  } finally {
    button.disabled = false;
  }
}

// Under a line of an order sent in parts: how many of its units have left.
function shippedNote(order, line) {
  if (order.status !== "partially_shipped") return null;
  return el("span", { class: "cell-sub", text: `${line.shippedQuantity || 0} of ${line.quantity} shipped` });
}

function renderShipments(order) {
  const shipments = order.shipments || [];
  $("shipments-box").hidden = shipments.length === 0;
  $("order-shipments").replaceChildren(
    ...shipments.map((shipment) => {
      const units = shipment.items.map((item) => `${item.quantity} × ${item.name || item.productId}`).join(", ");
      const carrier = [shipment.carrier, shipment.trackingNumber].filter(Boolean).join(" ");
      const follow = shipment.trackingUrl
        ? el("a", { href: shipment.trackingUrl, rel: "noopener noreferrer", target: "_blank", text: carrier || "Track parcel" })
        : carrier
          ? el("span", { text: carrier })
          : null;
      return el(
        "li",
        { "data-shipment": String(shipment.id) },
        el("strong", { text: `Shipment ${shipment.id}` }),
        " ",
        shipment.deliveredAt ? badge("delivered") : badge("shipped"),
        el("span", { class: "cell-sub", text: units }),
        follow ? el("span", { class: "cell-sub" }, follow) : null,
        el("span", { class: "cell-sub" }, "Sent ", timeEl(shipment.shippedAt)),
        shipment.deliveredAt ? el("span", { class: "cell-sub" }, "Delivered ", timeEl(shipment.deliveredAt)) : null,
      );
    }),
  );
}

function render(order) {
  shown = order;
  showAccount();
  document.title = `Order ${order.number} · oms`;
  $("order-number").textContent = `#${order.number}`;
  showCancel(order);
  editor.show(order);
  returns.show(order);
  const status = $("order-status");
  status.dataset.status = order.status;
  status.textContent = statusText(order.status);
  // The public view has no payment state and the customer's first name
  // only; the customer and staff see both.
  const knowsPayment = typeof order.paymentCollected === "boolean";
  $("order-payment-term").hidden = !knowsPayment;
  $("order-payment-value").hidden = !knowsPayment;
  const paid = $("order-payment");
  paid.textContent = order.paymentCollected ? "Paid" : "Not paid";
  paid.className = `badge ${order.paymentCollected ? "badge-paid" : "badge-unpaid"}`;
  $("order-placed").replaceChildren(timeEl(order.createdAt));
  const email = order.customer.email;
  $("order-customer").textContent = email ? `${order.customer.name} (${email})` : order.customer.name;
  // Only the customer and staff are shown where it goes.
  const address = order.shippingAddress;
  $("order-address-term").hidden = !address;
  $("order-address").hidden = !address;
  $("order-address").replaceChildren(...(address ? addressLines(address).map((line) => el("span", { text: line })) : []));

  $("order-items").tBodies[0].replaceChildren(
    ...order.items.map((line) =>
      el(
        "tr",
        { "data-product-id": line.productId },
        el("td", { "data-label": "Product" }, line.name, shippedNote(order, line)),
        el("td", { class: "num", "data-label": "Qty", text: String(line.quantity) }),
        el("td", { class: "num", "data-label": "Unit price", text: money(line.unitPrice, order.currency) }),
        el("td", { class: "num", "data-label": "Line total", text: money(line.lineTotal, order.currency) }),
      ),
    ),
  );
  $("order-total").textContent = money(order.total, order.currency);
  renderShipments(order);

  $("history-placed").textContent = `Placed ${dateTime(order.createdAt)} as pending.`;
  $("order-history").replaceChildren(
    ...order.history.map((entry) =>
      el(
        "li",
        {},
        badge(entry.to),
        " ",
        timeEl(entry.at),
        entry.byRole ? el("span", { class: "cell-sub", text: `by ${entry.byRole}` }) : null,
        entry.reason ? el("span", { class: "cell-sub history-reason", text: `Reason: ${entry.reason}` }) : null,
      ),
    ),
  );
  $("history-empty").hidden = order.history.length > 0;

  $("track-loading").hidden = true;
  $("track-problem").hidden = true;
  showError($("track-error"), "");
  $("not-found").hidden = true;
  $("lookup").hidden = true;
  $("order-view").hidden = false;
}

// One fetch at a time; events arriving meanwhile ask for one more.
async function load() {
  if (loading) {
    again = true;
    return;
  }
  loading = true;
  if (!shown) $("track-loading").hidden = false;
  try {
    const order = await request("GET", `/api/orders/${encodeURIComponent(id)}`, { optional: true });
    render(order);
    follow();
  } catch (err) {
    if (err.code === "not_found" || err.code === "validation_failed" || err.status === 404 || err.status === 422) {
      showNotFound();
      return;
    }
    $("track-loading").hidden = true;
    $("track-problem").hidden = false;
    showError($("track-error"), shown ? `Could not refresh the order. ${describe(err)}` : describe(err));
  } finally {
    loading = false;
    if (again) {
      again = false;
      load();
    }
  }
}

function follow() {
  if (feed) return;
  $("live-status").hidden = false;
  let behind = true;
  feed = openFeed({
    order: id,
    // Once live, read again: that covers a change made between the first
    // read and the subscription, and clears an error shown while offline.
    onState: (state) => {
      if (state === "live" && behind) load();
      behind = state !== "live";
      setLiveStatus(state);
    },
    onReset: load,
    onRefused: load,
    // Followed anonymously from now on: the public view masks the address.
    onSignedOut: () => {
      showAccount();
      load();
    },
    onEvent: (envelope) => {
      const data = envelope.data || {};
      // Every change but a placing names the order it changed.
      if (envelope.event === "orderPlaced" || data.orderId !== id) return;
      // The feed carries the version after the change; older news changes nothing.
      if (shown && typeof data.version === "number" && data.version <= shown.version) return;
      load();
    },
  });
}

function initTracking() {
  showAccount();
  $("track-retry").addEventListener("click", load);
  $("lookup-form").addEventListener("submit", lookUp);
  $("cancel-order").addEventListener("click", askCancel);
  $("cancel-dialog").addEventListener("close", () => {
    if ($("cancel-dialog").returnValue === "cancel") cancelOrder();
  });
  // Signed out in another tab: go on as a stranger, who may still follow the order.
  onSignedOutElsewhere(() => {
    showAccount();
    if (feed) feed.reconnect();
    if (!$("not-found").hidden) return;
    load();
  });
  // Whether an id is one is the server's to say: it answers 404 for any other.
  if (id) load();
  else showNotFound();
}

initTracking();
