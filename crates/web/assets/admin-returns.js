// The returns queue: every return asked for and not yet received or
// rejected, oldest first, read again as returns change. Receiving,
// rejecting and refunding happen in the order's detail view, which each
// row opens; which orders have an open return is the server's to say
// (`hasOpenReturn=true`).
import { query, request } from "./api.js";
import { timeEl } from "./dates.js";
import { $, el } from "./dom.js";
import { showError } from "./fields.js";
import { emptyRow } from "./list.js";
import { describe } from "./messages.js";
import { staleGuard } from "./stale.js";
import { throttle } from "./timing.js";

const COLUMNS = 5;
const EVENTS = new Set(["returnRequested", "returnReceived", "returnRejected"]);
// Orders read per request (the API's largest page), and pages at most:
// a queue longer than that is shown in part, and says so.
const PAGE = 100;
const MAX_PAGES = 10;
const RELOAD_MS = 1000;

function itemsText(items) {
  return (items || []).map((i) => `${i.quantity} × ${i.name || i.productId}`).join(", ");
}

export function initReturns({ open }) {
  const table = $("returns-table").tBodies[0];
  const errorNode = $("returns-error");
  const countNode = $("returns-count");
  const moreNode = $("returns-more");
  const begin = staleGuard();

  async function load() {
    const stale = begin();
    table.setAttribute("aria-busy", "true");
    try {
      const orders = [];
      let cursor = null;
      let pages = 0;
      do {
        const answer = await request("GET", `/api/orders${query({ hasOpenReturn: "true", limit: PAGE, cursor })}`);
        if (stale()) return;
        orders.push(...answer.items);
        cursor = answer.nextCursor || null;
        pages += 1;
      } while (cursor && pages < MAX_PAGES);
      render(orders, Boolean(cursor));
      showError(errorNode, "");
    } catch (err) {
      if (!stale()) showError(errorNode, `The returns could not be read. ${describe(err)}`);
    } finally {
      if (!stale()) table.removeAttribute("aria-busy");
    }
  }

  function render(orders, cut) {
    const waiting = orders.flatMap((order) => (order.returns || []).filter((r) => r.status === "requested").map((r) => ({ order, r })));
    waiting.sort((a, b) => Date.parse(a.r.requestedAt) - Date.parse(b.r.requestedAt) || a.order.number - b.order.number);
    countNode.textContent = waiting.length ? ` (${waiting.length}${cut ? "+" : ""})` : "";
    moreNode.hidden = !cut;
    table.replaceChildren(...(waiting.length ? waiting.map(row) : [emptyRow(COLUMNS, "No returns are waiting.")]));
  }

  function row({ order, r }) {
    const label = `Order #${order.number}, return ${r.id}`;
    return el(
      "tr",
      { "data-order-id": order.id, "data-return-id": String(r.id) },
      el("td", { class: "nowrap", "data-label": "Asked" }, timeEl(r.requestedAt)),
      el("td", { "data-label": "Order" }, `#${order.number}`, el("span", { class: "cell-sub", text: `Return ${r.id}` })),
      el("td", { "data-label": "Customer" }, order.customer.name, el("span", { class: "cell-sub", text: order.customer.email })),
      el("td", { "data-label": "Items" }, itemsText(r.items), el("span", { class: "cell-sub", text: r.reason })),
      el("td", {}, el("button", { type: "button", name: "open-return", class: "btn btn-outline btn-sm", "aria-label": `Handle ${label}`, text: "Handle", onclick: () => open(order.id) })),
    );
  }

  const soon = throttle(load, RELOAD_MS);
  load();
  return {
    show() {},
    onEvent(envelope) {
      if (EVENTS.has(envelope.event)) soon();
    },
    reload: load,
  };
}
