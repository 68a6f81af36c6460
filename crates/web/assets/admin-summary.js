// The summary cards. Which statuses there are is the server's to say: the
// cards follow the keys of `byStatus`, so a new status needs no change here.
import { describe, query, request } from "./api.js";
import { el, money, throttle, toast } from "./ui.js";

// Under steady traffic every event would ask again; one read per interval
// keeps the cards current without a request per order.
const EVERY_MS = 2000;

function todayStart() {
  const now = new Date();
  return new Date(now.getFullYear(), now.getMonth(), now.getDate()).toISOString();
}

function title(status) {
  return status.charAt(0).toUpperCase() + status.slice(1);
}

export function setupSummary() {
  const list = document.getElementById("summary");
  const revenue = list.querySelector('[data-summary="revenue-today"]');
  const revenueCard = revenue.closest("li");
  let seq = 0;

  function valueOf(status) {
    const found = list.querySelector(`[data-summary="${CSS.escape(status)}"]`);
    if (found) return found;
    const value = el("p", { class: "summary-value", "data-summary": status, text: "–" });
    list.insertBefore(el("li", { class: "card", "data-card": status }, el("p", { class: "summary-label", text: title(status) }), value), revenueCard);
    return value;
  }

  async function refresh() {
    const mine = ++seq;
    try {
      const [all, today] = await Promise.all([
        request("GET", "/api/orders/summary"),
        request("GET", `/api/orders/summary${query({ from: todayStart() })}`),
      ]);
      // A slow answer must not overwrite a newer one.
      if (mine !== seq) return;
      for (const [status, count] of Object.entries(all.byStatus || {})) valueOf(status).textContent = String(count);
      revenue.textContent = money(today.revenue);
    } catch (err) {
      if (mine === seq) toast(`The summary could not be refreshed. ${describe(err)}`, "error");
    } finally {
      if (mine === seq) list.removeAttribute("aria-busy");
    }
  }

  const soon = throttle(refresh, EVERY_MS);
  soon();
  return { refresh: soon };
}
