// Changing the quantities of one's own pending order from its tracking
// page: a number per line (0 takes the line off), saved in one request
// that reserves or releases the difference. Whether the change is allowed
// is the server's call; the form is offered where it plainly may be.
import { request, session } from "./api.js";
import { $, el } from "./dom.js";
import { clearFieldErrors, fieldErrors, showError } from "./fields.js";
import { describe } from "./messages.js";
import { itemNames, lineItems } from "./line-items.js";

export function initTrackEdit({ render }) {
  const box = $("edit-items-box");
  const form = $("edit-items-form");
  const rows = $("edit-items-rows");
  const error = $("edit-items-error");
  let order = null;

  function offered(o) {
    return Boolean(session()) && typeof o.customer.email === "string" && o.status === "pending";
  }

  function show(o) {
    order = o;
    const may = offered(o);
    box.hidden = !may || !form.hidden;
    if (!may) close();
  }

  function open() {
    clearFieldErrors(form);
    showError(error, "");
    rows.replaceChildren(
      ...order.items.map((line, i) =>
        el(
          "div",
          { class: "field" },
          el("label", { for: `edit-qty-${i}`, text: `${line.name}: units` }),
          el("input", { id: `edit-qty-${i}`, name: "edit-qty", type: "number", inputmode: "numeric", min: 0, step: 1, value: line.quantity, class: "qty", "data-product-id": line.productId }),
        ),
      ),
      el("p", { class: "hint", text: "0 takes the item off the order. More units are reserved if they are in stock." }),
    );
    form.hidden = false;
    box.hidden = true;
    rows.querySelector("input")?.focus();
  }

  function close() {
    form.hidden = true;
    if (order && offered(order)) box.hidden = false;
  }

  async function save(event) {
    event.preventDefault();
    clearFieldErrors(form);
    showError(error, "");
    const items = lineItems(rows.querySelectorAll('input[name="edit-qty"]'));
    const names = itemNames(order, items);
    if (!items.length) {
      showError(error, "Keep at least one item, or cancel the order instead.");
      return;
    }
    const button = $("edit-items-save");
    button.disabled = true;
    try {
      const updated = await request("PATCH", `/api/orders/${encodeURIComponent(order.id)}`, {
        body: { items, expectedVersion: order.version },
      });
      form.hidden = true;
      render(updated);
    } catch (err) {
      const lineName = (i) => names[i];
      const rest = fieldErrors(form, err, lineName);
      if (rest.length || !(err.fields || []).length) showError(error, describe(err, lineName));
    } finally {
      button.disabled = false;
    }
  }

  $("edit-items").addEventListener("click", open);
  $("edit-items-cancel").addEventListener("click", close);
  form.addEventListener("submit", save);
  return { show };
}
