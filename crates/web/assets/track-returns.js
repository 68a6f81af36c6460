// Returns on the tracking page: the order's returns with their status
// (everyone who may see the order), and for its signed-in customer a form
// to send back units that have shipped, and the refunds recorded.
import { request, session } from "./api.js";
import { timeEl } from "./dates.js";
import { $, el } from "./dom.js";
import { clearFieldErrors, fieldErrors, showError } from "./fields.js";
import { describe } from "./messages.js";
import { itemNames, lineItems } from "./line-items.js";
import { money } from "./money.js";

const RETURNABLE = new Set(["partially_shipped", "shipped", "delivered"]);

function returnable(order) {
  return order.items
    .map((line) => ({ line, left: (line.shippedQuantity || 0) - (line.returnedQuantity || 0) }))
    .filter(({ left }) => left > 0);
}

export function initTrackReturns({ render }) {
  const box = $("returns-box");
  const list = $("order-returns");
  const form = $("return-form");
  const rows = $("return-rows");
  const error = $("return-error");
  let order = null;

  function show(o) {
    order = o;
    const returns = o.returns || [];
    const refunds = o.refunds || [];
    list.replaceChildren(
      ...returns.map((r) => {
        const items = (r.items || []).map((i) => `${i.quantity} × ${i.name || i.productId}`).join(", ");
        return el(
          "li",
          { "data-return-id": String(r.id) },
          el("strong", { text: `Return ${r.id}` }),
          " ",
          el("span", { class: "badge", "data-status": r.status === "received" ? "delivered" : r.status === "rejected" ? "cancelled" : "pending", text: r.status }),
          items ? el("span", { class: "cell-sub", text: items }) : null,
          r.rejectionReason ? el("span", { class: "cell-sub", text: `Not accepted: ${r.rejectionReason}` }) : null,
        );
      }),
      ...refunds.map((f) => el("li", { "data-refund-id": String(f.id) }, el("strong", { text: `Refund ${money(f.amount, o.currency)}` }), el("span", { class: "cell-sub" }, timeEl(f.at)))),
    );
    const mine = Boolean(session()) && typeof o.customer.email === "string";
    const offer = mine && RETURNABLE.has(o.status) && returnable(o).length > 0;
    $("return-open").hidden = !offer || !form.hidden;
    if (!offer) form.hidden = true;
    box.hidden = returns.length + refunds.length === 0 && !offer;
  }

  function open() {
    clearFieldErrors(form);
    showError(error, "");
    rows.replaceChildren(
      ...returnable(order).map(({ line, left }, i) =>
        el(
          "div",
          { class: "field" },
          el("label", { for: `return-qty-${i}`, text: `${line.name}: units to send back (up to ${left})` }),
          el("input", { id: `return-qty-${i}`, name: "return-qty", type: "number", inputmode: "numeric", min: 0, max: left, step: 1, value: 0, class: "qty", "data-product-id": line.productId }),
        ),
      ),
    );
    form.hidden = false;
    $("return-open").hidden = true;
    rows.querySelector("input")?.focus();
  }

  async function send(event) {
    event.preventDefault();
    clearFieldErrors(form);
    showError(error, "");
    const items = lineItems(rows.querySelectorAll('input[name="return-qty"]'));
    const names = itemNames(order, items);
    if (!items.length) {
      showError(error, "Choose how many units to send back.");
      return;
    }
    const button = $("return-submit");
    button.disabled = true;
    try {
      await request("POST", `/api/orders/${encodeURIComponent(order.id)}/returns`, {
        body: { items, reason: $("return-reason").value },
      });
      form.hidden = true;
      $("return-reason").value = "";
      render(await request("GET", `/api/orders/${encodeURIComponent(order.id)}`));
    } catch (err) {
      const lineName = (i) => names[i];
      const rest = fieldErrors(form, err, lineName);
      if (rest.length || !(err.fields || []).length) showError(error, describe(err, lineName));
    } finally {
      button.disabled = false;
    }
  }

  $("return-open").addEventListener("click", open);
  $("return-cancel").addEventListener("click", () => {
    form.hidden = true;
    if (order) show(order);
  });
  form.addEventListener("submit", send);
  return { show };
}
