// The detail view's forms: a shipment (units per line, carrier, tracking),
// an edit of the lines (with the stock left), and a note. Each sends the
// version shown; which change is allowed is the server's rule, the forms
// only leave out what the order's status plainly rules out.
import { query, request } from "./api.js";
import { el } from "./dom.js";
import { clearFieldErrors, fieldErrors, showError } from "./fields.js";
import { LIMITS } from "./limits.js";
import { describe } from "./messages.js";
import { itemNames, lineItems } from "./line-items.js";
import { money } from "./money.js";
import { toast } from "./toast.js";

const SHIPPABLE = new Set(["confirmed", "partially_shipped"]);
const EDITABLE = new Set(["pending", "confirmed"]);

function field(id, label, input, hint) {
  return el("div", { class: "field" }, el("label", { for: id, text: label }), input, hint ? el("p", { class: "hint", text: hint }) : null);
}

function qtyInput(id, name, value, max, productId) {
  return el("input", { id, name, type: "number", inputmode: "numeric", min: 0, max, step: 1, value, "data-product-id": productId, class: "qty" });
}

// Sends `body`; marks the fields the answer names, says the rest in `node`.
async function send(form, node, method, path, body, lineName) {
  clearFieldErrors(form);
  showError(node, "");
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  try {
    return await request(method, path, { body });
  } catch (err) {
    const rest = fieldErrors(form, err, lineName);
    if (rest.length || !(err.fields || []).length) showError(node, describe(err, lineName));
    return null;
  } finally {
    button.disabled = false;
  }
}

export function shipForm(order, perms, changed) {
  if (!perms.has("changeOrderStatus") || !SHIPPABLE.has(order.status)) return null;
  const left = order.items.filter((l) => l.quantity > l.shippedQuantity);
  const error = el("p", { id: "ship-error", class: "form-error", role: "alert" });
  const inputs = left.map((l, i) => qtyInput(`ship-qty-${i}`, "ship-qty", l.quantity - l.shippedQuantity, l.quantity - l.shippedQuantity, l.productId));
  const carrier = el("input", { id: "ship-carrier", name: "carrier", type: "text", maxlength: 100, autocomplete: "off" });
  const number = el("input", { id: "ship-tracking-number", name: "trackingNumber", type: "text", maxlength: 100, autocomplete: "off" });
  const url = el("input", { id: "ship-tracking-url", name: "trackingUrl", type: "url", maxlength: 500, autocomplete: "off", placeholder: "https://" });
  const form = el(
    "form",
    { id: "ship-form", class: "stack", novalidate: true, "aria-labelledby": "ship-title" },
    el("h3", { id: "ship-title", class: "card-subtitle", text: "Create shipment" }),
    error,
    ...left.map((l, i) => field(`ship-qty-${i}`, `${l.name}: units in this parcel`, inputs[i], `${l.quantity - l.shippedQuantity} of ${l.quantity} not shipped yet`)),
    el("div", { class: "grid-2" }, field("ship-carrier", "Carrier (optional)", carrier), field("ship-tracking-number", "Tracking number (optional)", number)),
    field("ship-tracking-url", "Tracking link (optional)", url),
    el("div", { class: "row" }, el("button", { type: "submit", id: "ship-submit", class: "btn btn-primary", text: "Create shipment" })),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const items = lineItems(inputs);
    if (!items.length) {
      showError(error, "Put at least one unit in the parcel.");
      inputs[0]?.focus();
      return;
    }
    const body = { items, expectedVersion: order.version };
    for (const [key, input] of [["carrier", carrier], ["trackingNumber", number], ["trackingUrl", url]]) {
      if (input.value.trim()) body[key] = input.value.trim();
    }
    const names = itemNames(order, items);
    const updated = await send(form, error, "POST", `/api/orders/${encodeURIComponent(order.id)}/shipments`, body, (i) => names[i]);
    if (updated) changed(updated, `Shipment ${updated.shipments.length} of order ${updated.number} has left.`);
  });
  return form;
}

export function editForm(order, perms, changed) {
  if (!perms.has("changeOrderStatus") || !EDITABLE.has(order.status)) return null;
  const error = el("p", { id: "edit-error", class: "form-error", role: "alert" });
  const form = el("form", { id: "edit-form", class: "stack", novalidate: true }, error, el("p", { class: "hint", text: "Reading the stock…" }));
  const box = el("details", { id: "edit-box" }, el("summary", { text: "Edit items" }), form);
  let ready = false;
  box.addEventListener("toggle", () => {
    if (box.open && !ready) {
      ready = true;
      fill(form, error, order, changed);
    }
  });
  return box;
}

async function fill(form, error, order, changed) {
  let catalogue = [];
  try {
    const page = await request("GET", `/api/products${query({ limit: LIMITS.pageMax })}`);
    catalogue = page.items || [];
  } catch (err) {
    showError(error, describe(err));
  }
  const stock = new Map(catalogue.map((p) => [p.id, p]));
  const rows = order.items.map((l, i) => {
    const input = qtyInput(`edit-qty-${i}`, "edit-qty", l.quantity, null, l.productId);
    const shelf = stock.get(l.productId);
    const hint = shelf ? `${shelf.stock} more in stock; 0 removes the line` : "0 removes the line";
    return [input, field(`edit-qty-${i}`, `${l.name} (${money(l.unitPrice, order.currency)} each)`, input, hint)];
  });
  const offered = catalogue.filter((p) => !p.archived && !order.items.some((l) => l.productId === p.id));
  const add = el(
    "select",
    { id: "edit-add-product", name: "add-product" },
    el("option", { value: "", text: "Add a product…" }),
    ...offered.map((p) => el("option", { value: p.id, text: `${p.name}: ${money(p.price, order.currency)}, ${p.stock} in stock`, disabled: p.stock === 0 })),
  );
  const addQty = qtyInput("edit-add-qty", "add-qty", 1, null, "");
  form.replaceChildren(
    error,
    ...rows.map(([, node]) => node),
    el("div", { class: "grid-2" }, field("edit-add-product", "New product", add), field("edit-add-qty", "Units of it", addQty)),
    el("div", { class: "row" }, el("button", { type: "submit", id: "edit-save", class: "btn btn-primary", text: "Save items" })),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const items = lineItems(rows.map(([input]) => input));
    const names = itemNames(order, items);
    addQty.removeAttribute("data-field");
    if (add.value && Number(addQty.value) > 0) {
      add.dataset.field = `items[${items.length}].productId`;
      addQty.dataset.field = `items[${items.length}].quantity`;
      items.push({ productId: add.value, quantity: Number(addQty.value) });
      names.push(stock.get(add.value)?.name);
    }
    if (!items.length) {
      showError(error, "An order keeps at least one item; cancel it instead.");
      return;
    }
    const path = `/api/orders/${encodeURIComponent(order.id)}`;
    const updated = await send(form, error, "PATCH", path, { items, expectedVersion: order.version }, (i) => names[i]);
    if (updated) changed(updated, `The items of order ${updated.number} are changed.`);
  });
}

export function noteForm(order, perms, reload) {
  if (!perms.has("changeOrderStatus")) return null;
  const error = el("p", { id: "note-error", class: "form-error", role: "alert" });
  const text = el("textarea", { id: "note-text", name: "text", rows: 3, maxlength: 2000 });
  const form = el(
    "form",
    { id: "note-form", class: "stack", novalidate: true },
    error,
    field("note-text", "New note", text, "Seen by the staff only, never by the customer."),
    el("div", { class: "row" }, el("button", { type: "submit", id: "note-submit", class: "btn btn-outline", text: "Add note" })),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!text.value.trim()) {
      showError(error, "Write the note first.");
      text.focus();
      return;
    }
    const note = await send(form, error, "POST", `/api/orders/${encodeURIComponent(order.id)}/notes`, { text: text.value });
    if (note) {
      text.value = "";
      toast(`Note added to order ${order.number}.`, "success");
      reload();
    }
  });
  return form;
}
