// The orders table: filters, paging, status moves and payment, CSV export,
// and live rows, each in an admin-orders-*.js of its own. Which orders
// match a filter and which moves are allowed are the server's rules: the
// page asks, it never decides.
import { query, request } from "./api.js";
import { $ } from "./dom.js";
import { showError } from "./fields.js";
import { PAGE_SIZE } from "./list.js";
import { describe } from "./messages.js";
import { staleGuard } from "./stale.js";
import { initOrderDetail } from "./admin-order-detail.js";
import { initOrderChanges } from "./admin-orders-changes.js";
import { initOrderExport } from "./admin-orders-export.js";
import { initOrderFilters } from "./admin-orders-filters.js";
import { initOrderLive } from "./admin-orders-live.js";
import { initOrderRows } from "./admin-orders-rows.js";

export function initOrders(perms) {
  const table = $("orders-table").tBodies[0];
  const errorNode = $("orders-error");
  const prev = $("orders-prev");
  const next = $("orders-next");
  const pageNode = $("orders-page");
  const begin = staleGuard();
  // The cursor of each page read so far; the last is the page shown.
  let cursors = [null];
  let nextCursor = null;

  const detail = initOrderDetail(perms);
  const rows = initOrderRows({ table, perms, change: (id, body) => changes.change(id, body), open: detail.open });
  const changes = initOrderChanges(rows);
  const filters = initOrderFilters({ perms, onChange: restart });
  const live = initOrderLive({ rows, changes, filtered: filters.filtered, onFirstPage: () => cursors.length === 1, reload: load });
  initOrderExport({ perms, filters: filters.values });

  async function load() {
    const stale = begin();
    live.hold();
    table.setAttribute("aria-busy", "true");
    const page = cursors.length;
    try {
      const answer = await request("GET", `/api/orders${query({ ...filters.values(), limit: PAGE_SIZE, cursor: cursors[page - 1] })}`);
      if (stale()) return;
      rows.render(answer.items, live.takeArrived());
      nextCursor = answer.nextCursor || null;
      showError(errorNode, "");
    } catch (err) {
      if (!stale()) showError(errorNode, describe(err));
    } finally {
      if (!stale()) {
        table.removeAttribute("aria-busy");
        pageNode.textContent = String(page);
        prev.disabled = page === 1;
        next.disabled = !nextCursor;
        live.release();
      }
    }
  }

  function restart() {
    cursors = [null];
    nextCursor = null;
    // Orders marked new under the old filters mean nothing under the new.
    live.takeArrived();
    load();
  }

  next.addEventListener("click", () => {
    if (!nextCursor) return;
    cursors.push(nextCursor);
    load();
  });
  prev.addEventListener("click", () => {
    if (cursors.length > 1) cursors.pop();
    load();
  });

  load();

  return {
    reload: load,
    onEvent: (envelope) => {
      live.onEvent(envelope);
      detail.onEvent(envelope);
    },
    filterByCustomer: filters.showCustomer,
    open: detail.open,
  };
}
