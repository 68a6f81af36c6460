// One order in full for the staff: its lines with what has shipped, its
// shipments (mark one delivered, print its packing slip), creating a
// shipment, editing the lines, notes and the timeline. Follows the live
// feed while open: a change by anyone redraws it.
import { addressLines } from "./address-lines.js";
import { request } from "./api.js";
import { timeEl } from "./dates.js";
import { openDialog } from "./dialog.js";
import { $, badge, el, statusText } from "./dom.js";
import { showError } from "./fields.js";
import { describe } from "./messages.js";
import { money } from "./money.js";
import { printSlip } from "./packing-slip.js";
import { toast } from "./toast.js";
import { editForm, noteForm, shipForm } from "./admin-order-forms.js";
import { refundForm, returnsSection } from "./admin-order-returns.js";

// What each kind of timeline entry says.
const MOMENTS = {
  placed: () => "Placed",
  status: (e) => `Moved from ${statusText(e.from)} to ${statusText(e.to)}${e.reason ? ` (${e.reason})` : ""}`,
  shipped: (e) => `Shipment ${e.shipmentId} left`,
  delivered: (e) => `Shipment ${e.shipmentId} delivered`,
  payment: (e) => (e.paymentCollected ? "Payment recorded" : "Payment record withdrawn"),
  address: () => "Shipping address set",
  edit: (e) => `Items changed: ${lineList(e.itemsBefore)} → ${lineList(e.itemsAfter)}`,
  note: () => "Note added",
  returnRequested: (e) => `Return ${e.return?.id} asked for`,
  returnReceived: (e) => `Return ${e.return?.id} received`,
  returnRejected: (e) => `Return ${e.return?.id} rejected`,
  refund: (e, order) => `Refunded ${e.refund ? money(e.refund.amount, order.currency) : ""}`,
};

function lineList(lines) {
  return (lines || []).map((l) => `${l.quantity} × ${l.name}`).join(", ");
}

function who(by) {
  if (!by) return "";
  if (by.role === "system") return "the shop (automatic)";
  return by.name ? `${by.name} (${by.role})` : by.role;
}

export function initOrderDetail(perms) {
  const dialog = $("order-dialog");
  const body = $("order-dialog-body");
  const errorNode = $("order-dialog-error");
  let shown = null;
  let loading = false;
  let again = false;

  $("order-dialog-close").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => {
    shown = null;
  });

  async function open(id) {
    shown = { id };
    body.replaceChildren(el("p", { class: "hint", role: "status", text: "Loading the order…" }));
    $("order-dialog-title").textContent = "Order";
    $("order-dialog-status").replaceChildren();
    showError(errorNode, "");
    openDialog(dialog, $("order-dialog-close"));
    await reload();
  }

  // One read at a time; news arriving meanwhile asks for one more.
  async function reload() {
    if (!shown) return;
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    const id = shown.id;
    try {
      const order = await request("GET", `/api/orders/${encodeURIComponent(id)}`);
      if (shown && shown.id === id) render(order);
    } catch (err) {
      if (shown && shown.id === id) showError(errorNode, describe(err));
    } finally {
      loading = false;
      if (again) {
        again = false;
        reload();
      }
    }
  }

  // A change of ours answered with the order: show it, say so.
  function changed(order, message) {
    if (!shown || shown.id !== order.id) return;
    render(order, true);
    toast(message, "success");
  }

  function render(order, ours = false) {
    // Keep what someone is typing: a redraw under live news must not eat it.
    const typing = document.activeElement && body.contains(document.activeElement) && document.activeElement.matches("input, textarea, select");
    if (!ours && typing && shown && shown.version !== undefined) {
      shown = order;
      markBehind();
      return;
    }
    shown = order;
    $("order-dialog-title").textContent = `Order #${order.number}`;
    $("order-dialog-status").replaceChildren(badge(order.status));
    showError(errorNode, "");
    const parts = [
      facts(order),
      lines(order),
      shipments(order),
      shipForm(order, perms, changed),
      editForm(order, perms, changed),
      returnsSection(order, perms, reload),
      refundForm(order, perms, reload),
      notes(order),
      noteForm(order, perms, reload),
      timeline(order),
    ];
    // Sections the order's status or the account rules out are left out.
    body.replaceChildren(...parts.filter(Boolean));
  }

  // Someone changed the order while a field here has focus: offer the
  // fresh view rather than redraw under the person's hands.
  function markBehind() {
    if ($("order-behind")) return;
    const button = el("button", { type: "button", class: "btn btn-outline btn-sm", text: "Show the latest" });
    button.addEventListener("click", () => render(shown, true));
    body.prepend(el("p", { id: "order-behind", class: "hint", role: "status" }, "This order changed meanwhile. ", button));
  }

  function facts(order) {
    const address = order.shippingAddress;
    return el(
      "dl",
      { class: "facts" },
      el("dt", { text: "Customer" }),
      el("dd", { text: `${order.customer.name} (${order.customer.email})` }),
      el("dt", { text: "Ships to" }),
      el("dd", { class: "address-lines" }, ...(address ? addressLines(address).map((line) => el("span", { text: line })) : [el("span", { text: "No address yet" })])),
      el("dt", { text: "Placed" }),
      el("dd", {}, timeEl(order.createdAt)),
      el("dt", { text: "Payment" }),
      el("dd", {}, el("span", { class: `badge ${order.paymentCollected ? "badge-paid" : "badge-unpaid"}`, text: order.paymentCollected ? "Paid" : "Not paid" })),
      el("dt", { text: "Total" }),
      el("dd", { id: "order-detail-total", text: money(order.total, order.currency) }),
    );
  }

  function lines(order) {
    return el(
      "div",
      { class: "table-wrap" },
      el(
        "table",
        { id: "order-detail-lines", class: "table-stack" },
        el("caption", { class: "sr-only", text: "Items" }),
        el(
          "thead",
          {},
          el(
            "tr",
            {},
            el("th", { scope: "col", text: "Product" }),
            el("th", { scope: "col", class: "num", text: "Qty" }),
            el("th", { scope: "col", class: "num", text: "Shipped" }),
            el("th", { scope: "col", class: "num", text: "Unit price" }),
            el("th", { scope: "col", class: "num", text: "Line total" }),
          ),
        ),
        el(
          "tbody",
          {},
          ...order.items.map((line) =>
            el(
              "tr",
              { "data-product-id": line.productId },
              el("td", { "data-label": "Product", text: line.name }),
              el("td", { class: "num", "data-label": "Qty", text: String(line.quantity) }),
              el("td", { class: "num", "data-label": "Shipped", "data-shipped": String(line.shippedQuantity), text: String(line.shippedQuantity) }),
              el("td", { class: "num", "data-label": "Unit price", text: money(line.unitPrice, order.currency) }),
              el("td", { class: "num", "data-label": "Line total", text: money(line.lineTotal, order.currency) }),
            ),
          ),
        ),
      ),
    );
  }

  function shipments(order) {
    if (!order.shipments.length) return null;
    const names = new Map(order.items.map((l) => [l.productId, l.name]));
    const mayMark = perms.has("changeOrderStatus");
    return el(
      "section",
      { "aria-labelledby": "detail-shipments-title" },
      el("h3", { id: "detail-shipments-title", class: "card-subtitle", text: "Shipments" }),
      el(
        "ol",
        { id: "order-detail-shipments", class: "shipments" },
        ...order.shipments.map((s) => {
          const items = s.items.map((i) => `${i.quantity} × ${i.name || names.get(i.productId) || i.productId}`).join(", ");
          const deliver = el("button", { type: "button", name: "deliver", class: "btn btn-outline btn-sm", text: "Mark delivered", "aria-label": `Mark shipment ${s.id} delivered` });
          deliver.addEventListener("click", () => markDelivered(order, s, deliver));
          const print = el("button", { type: "button", name: "print-slip", class: "btn btn-ghost btn-sm", text: "Print packing slip", "aria-label": `Print the packing slip of shipment ${s.id}` });
          print.addEventListener("click", () => printSlip(order, s));
          return el(
            "li",
            { "data-shipment-id": String(s.id) },
            el("strong", { text: `Shipment ${s.id}` }),
            el("span", { class: "cell-sub", text: items }),
            s.carrier || s.trackingNumber ? el("span", { class: "cell-sub", text: [s.carrier, s.trackingNumber].filter(Boolean).join(" ") }) : null,
            el("span", { class: "cell-sub" }, "Left ", timeEl(s.shippedAt)),
            s.deliveredAt ? el("span", { class: "cell-sub" }, "Delivered ", timeEl(s.deliveredAt)) : null,
            el("div", { class: "row" }, s.deliveredAt || !mayMark ? null : deliver, print),
          );
        }),
      ),
    );
  }

  async function markDelivered(order, shipment, button) {
    button.disabled = true;
    try {
      const path = `/api/orders/${encodeURIComponent(order.id)}/shipments/${shipment.id}/delivered`;
      const updated = await request("POST", path, { body: { expectedVersion: order.version } });
      changed(updated, `Shipment ${shipment.id} of order ${updated.number} is delivered.`);
    } catch (err) {
      showError(errorNode, describe(err));
      button.disabled = false;
      reload();
    }
  }

  function notes(order) {
    const list = order.notes || [];
    return el(
      "section",
      { "aria-labelledby": "detail-notes-title" },
      el("h3", { id: "detail-notes-title", class: "card-subtitle", text: "Notes (staff only)" }),
      list.length
        ? el(
            "ol",
            { id: "order-notes", class: "notes" },
            ...list.map((n) => el("li", {}, el("p", { class: "note-text", text: n.text }), el("span", { class: "cell-sub" }, `${who(n.by)}, `, timeEl(n.at)))),
          )
        : el("p", { id: "order-notes", class: "hint", text: "No notes yet." }),
    );
  }

  function timeline(order) {
    return el(
      "section",
      { "aria-labelledby": "detail-timeline-title" },
      el("h3", { id: "detail-timeline-title", class: "card-subtitle", text: "Timeline" }),
      el(
        "ol",
        { id: "order-timeline", class: "timeline" },
        ...(order.timeline || []).map((e) =>
          el("li", { "data-kind": e.kind }, el("span", { text: (MOMENTS[e.kind] || (() => e.kind))(e, order) }), el("span", { class: "cell-sub" }, `${who(e.by)}, `, timeEl(e.at))),
        ),
      ),
    );
  }

  // Feed news about the order shown: read it again, unless it is old news.
  function onEvent(envelope) {
    if (!shown || !dialog.open) return;
    const data = envelope.data || {};
    if (envelope.event === "orderPlaced" || data.orderId !== shown.id) return;
    if (typeof data.version === "number" && shown.version !== undefined && data.version <= shown.version) return;
    reload();
  }

  return { open, onEvent };
}
