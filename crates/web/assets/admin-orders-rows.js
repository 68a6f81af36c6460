// The orders table's rows: each order's cells and controls, redrawn in
// place without losing keyboard focus or a status chosen but not applied.
import { badge, el, statusText } from "./dom.js";
import { timeEl } from "./dates.js";
import { emptyRow } from "./list.js";
import { money } from "./money.js";

const COLUMNS = 8;

// How to find the focused control again in a redrawn row.
export function focusKey(node) {
  if (!node) return null;
  const name = node.getAttribute("name");
  return name ? `[name="${name}"]` : node.matches("a[href]") ? "a[href]" : null;
}

// Focus goes back to the same control, or the nearest that still works
// (Apply is disabled right after a move).
function refocus(fresh, key) {
  const usable = (node) => node && !node.disabled;
  const same = fresh.querySelector(key);
  const status = fresh.querySelector('select[name="status"]');
  const target = usable(same) ? same : usable(status) ? status : fresh.querySelector("a[href]");
  if (target) target.focus();
}

/**
 * Rows of `table` for the account's `perms`; `change(id, body)` is asked
 * to make a move or record payment, `open(id)` to show the order in full.
 * Keeps the orders shown, by id.
 */
export function initOrderRows({ table, perms, change, open }) {
  const shown = new Map();

  // Choosing a status only prepares the move; the button (or Enter) makes
  // it, so arrowing through a closed select cannot cancel an order.
  function statusControl(order) {
    const short = order.number;
    const moves = order.nextStatuses || [];
    const allowed = moves.length > 0 && perms.has("changeOrderStatus");
    const select = el(
      "select",
      { name: "status", "aria-label": `Status of order ${short}`, disabled: !allowed },
      el("option", { value: order.status, selected: true, text: statusText(order.status) }),
      ...moves.map((s) => el("option", { value: s, text: statusText(s) })),
    );
    const apply = el("button", {
      type: "button",
      name: "apply-status",
      class: "btn btn-outline btn-sm",
      "aria-label": `Apply status to order ${short}`,
      text: "Apply",
      disabled: true,
    });
    const sync = () => {
      apply.disabled = !allowed || select.value === order.status;
    };
    const send = () => {
      sync();
      if (!apply.disabled) change(order.id, { status: select.value });
    };
    select.addEventListener("change", sync);
    select.addEventListener("input", sync);
    select.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      send();
    });
    apply.addEventListener("click", send);
    return el("div", { class: "move" }, select, apply);
  }

  function paymentBox(order) {
    // A cancelled order records no payment (the server answers 409
    // payment_on_cancelled): the box is not offered there.
    const box = el("input", {
      type: "checkbox",
      name: "paymentCollected",
      "aria-label": `Payment collected for order ${order.number}`,
      checked: order.paymentCollected,
      disabled: !perms.has("collectPayment") || order.status === "cancelled",
    });
    box.addEventListener("change", () => change(order.id, { status: shown.get(order.id).status, paymentCollected: box.checked }));
    return box;
  }

  function row(order, flash) {
    shown.set(order.id, order);
    const units = order.items.reduce((sum, line) => sum + line.quantity, 0);
    const lines = order.items.length;
    const short = order.number;
    return el(
      "tr",
      { "data-order-id": order.id, class: flash || false },
      el("td", { class: "nowrap", "data-label": "Order" }, timeEl(order.createdAt), el("span", { class: "cell-sub order-number", text: `#${short}` })),
      el("td", { "data-label": "Customer" }, order.customer.name, el("span", { class: "cell-sub", text: order.customer.email })),
      el("td", { class: "num", "data-label": "Units", title: `${lines} ${lines === 1 ? "line" : "lines"}, ${units} ${units === 1 ? "unit" : "units"}` }, String(units)),
      el("td", { class: "num", "data-label": "Total", text: money(order.total, order.currency) }),
      el("td", { "data-label": "Status" }, badge(order.status)),
      el("td", { "data-label": "Move to" }, statusControl(order)),
      el("td", { "data-label": "Paid" }, paymentBox(order)),
      el(
        "td",
        { class: "row-links" },
        el("button", { type: "button", name: "details", class: "btn btn-outline btn-sm", "aria-label": `Open order ${short}`, text: "Details", onclick: () => open(order.id) }),
        el("a", { href: `/track-order/${encodeURIComponent(order.id)}`, "aria-label": `Track order ${short}`, text: "Track" }),
      ),
    );
  }

  function rowOf(id) {
    return table.querySelector(`tr[data-order-id="${CSS.escape(id)}"]`);
  }

  /**
   * Keeps keyboard focus in the row when it is redrawn, and a status chosen
   * but not yet applied. `focusWas` is the control that had focus when a
   * change of ours began (disabling it may have moved focus to the body).
   */
  function replaceRow(order, flash, focusWas = null) {
    const old = rowOf(order.id);
    if (!old) return;
    const active = document.activeElement;
    let focused = null;
    if (active && old.contains(active)) focused = focusKey(active);
    else if (focusWas && (!active || active === document.body)) focused = focusWas;
    const before = shown.get(order.id);
    const chosen = old.querySelector('select[name="status"]')?.value;
    const fresh = row(order, flash);
    old.replaceWith(fresh);
    const select = fresh.querySelector('select[name="status"]');
    if (before && before.status === order.status && chosen && chosen !== order.status && !select.disabled) {
      if ([...select.options].some((o) => o.value === chosen)) {
        select.value = chosen;
        select.dispatchEvent(new Event("change"));
      }
    }
    if (focused) refocus(fresh, focused);
  }

  /**
   * Shows `orders` in place of the rows there, keeping each row whose order
   * is unchanged (same version): rereading under steady traffic must not
   * take focus, a status chosen but not applied, or a highlight from a row.
   * Orders in `arrived` are marked new.
   */
  function render(orders, arrived) {
    const before = new Map(shown);
    const old = new Map();
    for (const tr of table.rows) if (tr.dataset.orderId) old.set(tr.dataset.orderId, tr);
    shown.clear();
    const rows = orders.map((order) => {
      const tr = old.get(order.id);
      if (tr && before.get(order.id)?.version === order.version) {
        shown.set(order.id, order);
        if (arrived.has(order.id)) tr.classList.add("row-new");
        return tr;
      }
      return row(order, arrived.has(order.id) ? "row-new" : null);
    });
    if (!rows.length) {
      table.replaceChildren(emptyRow(COLUMNS, "No orders match these filters."));
      return;
    }
    const keep = new Set(rows);
    for (const tr of [...table.rows]) if (!keep.has(tr)) tr.remove();
    let at = table.firstElementChild;
    for (const tr of rows) {
      if (tr === at) at = at.nextElementSibling;
      else table.insertBefore(tr, at);
    }
  }

  // A new order at the top; the page just read may already hold it, and
  // it is still news.
  function placed(order) {
    if (shown.has(order.id)) {
      rowOf(order.id)?.classList.add("row-new");
      return;
    }
    table.querySelector(".empty-row")?.remove();
    table.prepend(row(order, "row-new"));
  }

  return {
    order: (id) => shown.get(id),
    rowOf,
    replaceRow,
    render,
    placed,
  };
}
