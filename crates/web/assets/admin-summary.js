// The summary cards. Which statuses there are is the server's to say: the
// cards follow the keys of `byStatus`, so a new status needs no change here.
import { query, request } from "./api.js";
import { $, countText, el, statusText } from "./dom.js";
import { todayStart } from "./dates.js";
import { describe } from "./messages.js";
import { money, rememberCurrency } from "./money.js";
import { staleGuard } from "./stale.js";
import { throttle } from "./timing.js";
import { toast } from "./toast.js";

// Under steady traffic every event would ask again; one read per interval
// keeps the cards current without a request per order.
const EVERY_MS = 2000;

function title(status) {
  const text = statusText(status);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function initSummary() {
  const list = $("summary");
  const revenue = list.querySelector('[data-summary="revenue-today"]');
  const revenueCard = revenue.closest("li");
  const begin = staleGuard();

  function valueOf(status) {
    const found = list.querySelector(`[data-summary="${CSS.escape(status)}"]`);
    if (found) return found;
    const value = el("p", { class: "summary-value", "data-summary": status, text: "–" });
    list.insertBefore(el("li", { class: "card", "data-card": status }, el("p", { class: "summary-label", text: title(status) }), value), revenueCard);
    return value;
  }

  async function refresh() {
    const stale = begin();
    try {
      const [all, today] = await Promise.all([
        request("GET", "/api/orders/summary"),
        request("GET", `/api/orders/summary${query({ from: todayStart() })}`),
      ]);
      if (stale()) return;
      for (const [status, count] of Object.entries(all.byStatus || {})) valueOf(status).textContent = countText(count);
      rememberCurrency(today.currency);
      revenue.textContent = money(today.revenue, today.currency);
    } catch (err) {
      if (!stale()) toast(`The summary could not be refreshed. ${describe(err)}`, "error");
    } finally {
      if (!stale()) list.removeAttribute("aria-busy");
    }
  }

  const soon = throttle(refresh, EVERY_MS);
  soon();
  return { refresh: soon };
}
