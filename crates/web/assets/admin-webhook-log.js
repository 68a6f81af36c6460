// One endpoint's delivery log: newest first, filtered by status, a page at
// a time, read again every few seconds while it shows so new deliveries and
// attempts appear as they happen; "Send again" replays one with its id.
import { query, request } from "./api.js";
import { dateTime, timeEl } from "./dates.js";
import { $, el } from "./dom.js";
import { showError } from "./fields.js";
import { emptyRow, PAGE_SIZE } from "./list.js";
import { describe } from "./messages.js";
import { staleGuard } from "./stale.js";
import { toast } from "./toast.js";

const POLL_MS = 2000;

const EVENT_NAMES = {
  orderPlaced: "Order placed",
  orderStatusUpdated: "Status changed",
  orderPaymentUpdated: "Payment",
  orderShipped: "Shipment sent",
  orderShipmentDelivered: "Shipment delivered",
  orderAddressUpdated: "Address changed",
  orderItemsUpdated: "Items changed",
  returnRequested: "Return requested",
  returnReceived: "Return received",
  returnRejected: "Return rejected",
  orderRefunded: "Refunded",
  orderNoteAdded: "Note added",
  ping: "Test",
};

export function initDeliveryLog() {
  const box = $("deliveries");
  const title = $("deliveries-title");
  const table = $("deliveries-table").tBodies[0];
  const statusFilter = $("deliveries-status");
  const more = $("deliveries-more");
  const errorNode = $("deliveries-error");
  const begin = staleGuard();
  let hook = null;
  let pages = 1;
  let timer = null;

  async function load() {
    if (!hook) return;
    const stale = begin();
    try {
      // Every page shown so far, read again: attempts change under them.
      let cursor = null;
      const items = [];
      for (let n = 0; n < pages; n++) {
        const params = { status: statusFilter.value || null, limit: PAGE_SIZE, cursor };
        const page = await request("GET", `/api/webhooks/${encodeURIComponent(hook.id)}/deliveries${query(params)}`);
        items.push(...page.items);
        cursor = page.nextCursor || null;
        if (!cursor) break;
      }
      if (stale()) return;
      const rows = items.map(row);
      table.replaceChildren(...(rows.length ? rows : [emptyRow(5, statusFilter.value ? "No deliveries in this status." : "Nothing sent yet: events and tests show here.")]));
      more.hidden = !cursor;
      showError(errorNode, "");
    } catch (err) {
      if (!stale()) showError(errorNode, describe(err));
    }
  }

  function row(delivery) {
    const last = delivery.attempts[delivery.attempts.length - 1];
    const count = delivery.attempts.length;
    const tried = last
      ? `${count} attempt${count === 1 ? "" : "s"}; the last ${last.statusCode ? `answered ${last.statusCode}` : `failed: ${last.error}`}, ${dateTime(last.at)}, in ${last.durationMs} ms`
      : "Not tried yet";
    const next = delivery.nextAttemptAt ? el("div", { class: "hint", text: `Next attempt ${dateTime(delivery.nextAttemptAt)}` }) : null;
    // A 410's own words say more than its code.
    const failure = last?.statusCode && last.error && last.error !== `answered ${last.statusCode}` ? el("div", { class: "hint", text: last.error }) : null;
    const again = el("button", {
      type: "button",
      class: "btn btn-outline btn-sm",
      text: "Send again",
      "aria-label": `Send the ${EVENT_NAMES[delivery.event] || delivery.event} delivery again`,
      onclick: async () => {
        again.disabled = true;
        try {
          await request("POST", `/api/webhooks/${encodeURIComponent(hook.id)}/deliveries/${encodeURIComponent(delivery.id)}/retry`, { body: {} });
          toast("Sent again, with the same webhook-id.", "success");
        } catch (err) {
          toast(describe(err), "error");
        }
        load();
      },
    });
    return el(
      "tr",
      { "data-delivery-id": delivery.id, "data-status": delivery.status },
      el("td", { "data-label": "Event", text: EVENT_NAMES[delivery.event] || delivery.event }),
      el("td", { "data-label": "Status" }, el("span", { class: "badge", "data-delivery": delivery.status, text: delivery.status })),
      el("td", { "data-label": "Attempts" }, el("span", { text: tried }), failure, next),
      el("td", { "data-label": "Queued" }, timeEl(delivery.createdAt)),
      el("td", { class: "num" }, hook.enabled ? again : null),
    );
  }

  function poll() {
    clearInterval(timer);
    timer = setInterval(() => {
      if (!document.hidden && !$("panel-webhooks").hidden) load();
    }, POLL_MS);
  }

  statusFilter.addEventListener("change", () => {
    pages = 1;
    load();
  });
  more.addEventListener("click", () => {
    pages += 1;
    load();
  });

  return {
    current: () => hook?.id ?? null,
    show(endpoint) {
      const fresh = hook?.id !== endpoint.id;
      hook = endpoint;
      if (fresh) {
        pages = 1;
        statusFilter.value = "";
        table.replaceChildren();
      }
      title.textContent = `Deliveries to ${endpoint.url}`;
      box.hidden = false;
      load();
      poll();
      if (fresh) box.scrollIntoView({ block: "start" });
    },
    // The endpoint's latest state (null once it is removed).
    endpointChanged(endpoint) {
      if (!hook) return;
      if (!endpoint) return this.hide();
      hook = endpoint;
    },
    hide() {
      hook = null;
      box.hidden = true;
      clearInterval(timer);
    },
  };
}
