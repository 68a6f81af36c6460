// The detail view's returns and refunds: each return with what was asked
// and why; an open one received (units per line, each restocked or not)
// or rejected with a reason; and a refund, its amount defaulting to the
// value of the last received return, capped at what is left to refund.
import { request } from "./api.js";
import { timeEl } from "./dates.js";
import { el } from "./dom.js";
import { clearFieldErrors, fieldErrors, showError } from "./fields.js";
import { describe } from "./messages.js";
import { lineItems } from "./line-items.js";
import { money, parseMoney, plainMoney } from "./money.js";
import { toast } from "./toast.js";

function path(order, rest) {
  return `/api/orders/${encodeURIComponent(order.id)}${rest}`;
}

// Sends `body` from `form`; marks named fields, says the rest in `node`.
async function send(form, node, url, body, headers = {}) {
  clearFieldErrors(form);
  showError(node, "");
  for (const button of form.querySelectorAll("button")) button.disabled = true;
  try {
    return await request("POST", url, { body, headers });
  } catch (err) {
    const rest = fieldErrors(form, err);
    if (rest.length || !(err.fields || []).length) showError(node, describe(err));
    return null;
  } finally {
    for (const button of form.querySelectorAll("button")) button.disabled = false;
  }
}

function decideForm(order, r, reload) {
  const error = el("p", { class: "form-error", role: "alert" });
  const lines = (r.items || []).map((item, i) => {
    const qty = el("input", { id: `receive-qty-${r.id}-${i}`, name: "receive-qty", type: "number", inputmode: "numeric", min: 0, max: item.quantity, step: 1, value: item.quantity, class: "qty", "data-product-id": item.productId });
    const restock = el("input", { id: `receive-restock-${r.id}-${i}`, name: "restock", type: "checkbox", checked: true });
    return {
      qty,
      restock,
      node: el(
        "div",
        { class: "row" },
        el("label", { for: qty.id, text: `${item.name || item.productId}: units back` }),
        qty,
        el("label", { class: "check" }, restock, " back on the shelf"),
      ),
    };
  });
  const reason = el("input", { id: `reject-reason-${r.id}`, name: "reason", type: "text", maxlength: 500, autocomplete: "off", "data-field": "reason" });
  const receive = el("button", { type: "button", name: "receive", class: "btn btn-primary btn-sm", text: "Receive" });
  const reject = el("button", { type: "button", name: "reject", class: "btn btn-outline btn-sm", text: "Reject" });
  const form = el(
    "form",
    { class: "stack", novalidate: true, "data-return-form": String(r.id) },
    error,
    ...lines.map((l) => l.node),
    el("div", { class: "row" }, receive),
    el("div", { class: "field" }, el("label", { for: reason.id, text: "Or reject it, saying why" }), reason),
    el("div", { class: "row" }, reject),
  );
  receive.addEventListener("click", async () => {
    const restocked = new Map(lines.map((l) => [l.qty, l.restock]));
    const items = lineItems(lines.map((l) => l.qty), (qty) => ({ restock: restocked.get(qty).checked }));
    if (!items.length) {
      showError(error, "Say how many units came back.");
      return;
    }
    const done = await send(form, error, path(order, `/returns/${r.id}/receive`), { items });
    if (done) {
      toast(`Return ${r.id} of order ${order.number} is received.`, "success");
      reload();
    }
  });
  reject.addEventListener("click", async () => {
    const done = await send(form, error, path(order, `/returns/${r.id}/reject`), { reason: reason.value });
    if (done) {
      toast(`Return ${r.id} of order ${order.number} is rejected.`, "success");
      reload();
    }
  });
  return form;
}

export function returnsSection(order, perms, reload) {
  const returns = order.returns || [];
  if (!returns.length) return null;
  const staff = perms.has("changeOrderStatus");
  return el(
    "section",
    { "aria-labelledby": "detail-returns-title" },
    el("h3", { id: "detail-returns-title", class: "card-subtitle", text: "Returns" }),
    el(
      "ol",
      { id: "order-detail-returns", class: "shipments" },
      ...returns.map((r) =>
        el(
          "li",
          { "data-return-id": String(r.id) },
          el("strong", { text: `Return ${r.id}: ${r.status}` }),
          el("span", { class: "cell-sub", text: (r.items || []).map((i) => `${i.quantity} × ${i.name || i.productId}`).join(", ") }),
          el("span", { class: "cell-sub" }, `“${r.reason}”, `, timeEl(r.requestedAt)),
          r.receivedItems ? el("span", { class: "cell-sub", text: `Back: ${r.receivedItems.map((i) => `${i.quantity} × ${i.name || i.productId}${i.restock ? " (restocked)" : ""}`).join(", ")}` }) : null,
          r.rejectionReason ? el("span", { class: "cell-sub", text: `Rejected: ${r.rejectionReason}` }) : null,
          staff && r.status === "requested" ? decideForm(order, r, reload) : null,
        ),
      ),
    ),
  );
}

// What the last received return is worth at the order's prices.
function receivedValue(order) {
  const last = [...(order.returns || [])].reverse().find((r) => r.status === "received");
  if (!last) return 0;
  const price = new Map(order.items.map((l) => [l.productId, l.unitPrice]));
  return last.receivedItems.reduce((sum, i) => sum + (price.get(i.productId) || 0) * i.quantity, 0);
}

export function refundForm(order, perms, reload) {
  if (!perms.has("collectPayment") || !order.paymentCollected) return null;
  const left = order.total - (order.refundedTotal || 0);
  const refunds = (order.refunds || []).map((f) => el("li", {}, `${money(f.amount, order.currency)}: ${f.reason}`, el("span", { class: "cell-sub" }, timeEl(f.at))));
  const list = refunds.length ? el("ul", { id: "order-refunds", class: "notes" }, ...refunds) : null;
  if (left <= 0) {
    return el("section", {}, el("h3", { class: "card-subtitle", text: "Refunds" }), list, el("p", { class: "hint", text: "The whole total has been refunded." }));
  }
  const error = el("p", { id: "refund-error", class: "form-error", role: "alert" });
  const suggested = Math.min(receivedValue(order) || left, left);
  const amount = el("input", { id: "refund-amount", name: "amount", type: "text", inputmode: "decimal", value: plainMoney(suggested, order.currency), autocomplete: "off" });
  const reason = el("input", { id: "refund-reason", name: "reason", type: "text", maxlength: 500, autocomplete: "off" });
  const returned = [...(order.returns || [])].reverse().find((r) => r.status === "received");
  const forReturn = returned ? el("input", { id: "refund-for-return", name: "forReturn", type: "checkbox", checked: true }) : null;
  // One key per form: a second click, or a retry after a lost answer,
  // is the same refund, not another.
  const key = crypto.randomUUID();
  const form = el(
    "form",
    { id: "refund-form", class: "stack", novalidate: true },
    el("h3", { class: "card-subtitle", text: "Refunds" }),
    list,
    error,
    el("div", { class: "grid-2" }, el("div", { class: "field" }, el("label", { for: "refund-amount", text: `Amount (up to ${money(left, order.currency)})` }), amount), el("div", { class: "field" }, el("label", { for: "refund-reason", text: "Why" }), reason)),
    forReturn ? el("label", { class: "check" }, forReturn, ` For return ${returned.id}`) : null,
    el("div", { class: "row" }, el("button", { type: "submit", id: "refund-submit", class: "btn btn-outline", text: "Record refund" })),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    let minor;
    try {
      minor = parseMoney(amount.value, order.currency);
    } catch (err) {
      showError(error, err.message);
      amount.focus();
      return;
    }
    const body = { amount: minor, reason: reason.value };
    if (forReturn && forReturn.checked) body.returnId = returned.id;
    const done = await send(form, error, path(order, "/refunds"), body, { "Idempotency-Key": key });
    if (done) {
      toast(`Refund of ${money(done.amount, order.currency)} recorded on order ${order.number}.`, "success");
      reload();
    }
  });
  return form;
}
