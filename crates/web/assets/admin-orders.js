// The orders table: filters, paging, status moves and payment, CSV export,
// and live rows. Which orders match a filter and which moves are allowed
// are the server's rules: the page asks, it never decides.
import { describe, query, request } from "./api.js";
import { badge, debounce, el, money, showError, throttle, timeEl, toast } from "./ui.js";

const $ = (id) => document.getElementById(id);
const PAGE_SIZE = 20;
// New orders under a filter mean reading the page again; at most this often.
const RELOAD_MS = 2000;

// "2026-11-25" as the local midnight starting that day (plus `days`), in RFC 3339.
function localMidnight(value, days = 0) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || "");
  if (!match) return "";
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + days).toISOString();
}

function localDate(d) {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

function contentFileName(header) {
  if (!header) return null;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  let name = null;
  try {
    name = star ? decodeURIComponent(star[1].trim()) : null;
  } catch {
    name = null;
  }
  if (!name) {
    const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header);
    name = plain && plain[1].trim();
  }
  // A file name, not a path.
  return name ? name.replace(/[\\/\u0000-\u001f]/g, "_") : null;
}

export function setupOrders(perms) {
  const table = $("orders-table").tBodies[0];
  const errorNode = $("orders-error");
  const status = $("filter-status");
  const customer = $("filter-customer");
  const customerField = $("filter-customer-field");
  const customerHint = $("filter-customer-hint");
  const customerOptions = $("filter-customer-options");
  const from = $("filter-from");
  const to = $("filter-to");
  const prev = $("orders-prev");
  const next = $("orders-next");
  const pageNode = $("orders-page");
  const exportButton = $("export-csv");

  const shown = new Map();
  const known = new Map();
  let customerId = "";
  let cursors = [null];
  let nextCursor = null;
  let seq = 0;
  // Events that arrive while a page is being read wait for it: applied to
  // the old rows they would be lost when the new rows replace them.
  let reading = false;
  const waiting = [];
  // Orders with a change of ours in flight: its answer brings the new
  // version, so their feed events need no read of their own.
  const changing = new Set();
  // Orders placed while a filter is set, to mark as new if the reread shows them.
  const arrived = new Set();

  // Hidden in the page until now, so nobody sees a control they may not use.
  if (perms.has("exportOrders")) exportButton.hidden = false;
  else exportButton.remove();
  if (perms.has("manageCustomers")) customerField.hidden = false;
  else customerField.remove();

  function filters() {
    return { status: status.value, customerId, from: localMidnight(from.value), to: localMidnight(to.value, 1) };
  }

  function filtered() {
    return Object.values(filters()).some(Boolean);
  }

  // Choosing a status only prepares the move; the button (or Enter) makes
  // it, so arrowing through a closed select cannot cancel an order.
  function statusControl(order) {
    const short = order.id.slice(0, 8);
    const moves = order.nextStatuses || [];
    const allowed = moves.length > 0 && perms.has("changeOrderStatus");
    const select = el(
      "select",
      { name: "status", "aria-label": `Status of order ${short}`, disabled: !allowed },
      el("option", { value: order.status, selected: true, text: order.status }),
      ...moves.map((s) => el("option", { value: s, text: s })),
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
    // Whether payment can be recorded (not on a cancelled order) is the
    // server's rule: it answers 409 payment_on_cancelled, and the row is put back.
    const box = el("input", {
      type: "checkbox",
      name: "paymentCollected",
      "aria-label": `Payment collected for order ${order.id.slice(0, 8)}`,
      checked: order.paymentCollected,
      disabled: !perms.has("collectPayment"),
    });
    box.addEventListener("change", () => change(order.id, { status: shown.get(order.id).status, paymentCollected: box.checked }));
    return box;
  }

  function row(order, flash) {
    shown.set(order.id, order);
    const units = order.items.reduce((sum, line) => sum + line.quantity, 0);
    const short = order.id.slice(0, 8);
    return el(
      "tr",
      { "data-order-id": order.id, class: flash || false },
      el("td", { class: "nowrap", "data-label": "Created" }, timeEl(order.createdAt), el("code", { class: "cell-sub", text: short })),
      el("td", { "data-label": "Customer" }, order.customer.name, el("span", { class: "cell-sub", text: order.customer.email })),
      el("td", { class: "num", "data-label": "Items", title: `${units} units` }, String(order.items.length)),
      el("td", { class: "num", "data-label": "Total", text: money(order.total) }),
      el("td", { "data-label": "Status" }, badge(order.status)),
      el("td", { "data-label": "Move to" }, statusControl(order)),
      el("td", { "data-label": "Paid" }, paymentBox(order)),
      el("td", {}, el("a", { href: `/track-order/${encodeURIComponent(order.id)}`, "aria-label": `Track order ${short}`, text: "Track" })),
    );
  }

  function rowOf(id) {
    return table.querySelector(`tr[data-order-id="${CSS.escape(id)}"]`);
  }

  // How to find the focused control again in a redrawn row.
  function focusKey(node) {
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

  function emptyRow(text) {
    return el("tr", { class: "empty-row" }, el("td", { colspan: "8", class: "empty", text }));
  }

  /**
   * Shows `orders` in place of the rows there, keeping each row whose order
   * is unchanged (same version): rereading under steady traffic must not
   * take focus, a status chosen but not applied, or a highlight from a row.
   */
  function render(orders) {
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
    arrived.clear();
    if (!rows.length) {
      table.replaceChildren(emptyRow("No orders match these filters."));
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

  async function load() {
    const mine = ++seq;
    reading = true;
    table.setAttribute("aria-busy", "true");
    const page = cursors.length;
    try {
      const answer = await request("GET", `/api/orders${query({ ...filters(), limit: PAGE_SIZE, cursor: cursors[page - 1] })}`);
      if (mine !== seq) return;
      render(answer.items);
      nextCursor = answer.nextCursor || null;
      showError(errorNode, "");
    } catch (err) {
      if (mine === seq) showError(errorNode, describe(err));
    } finally {
      if (mine === seq) {
        table.removeAttribute("aria-busy");
        pageNode.textContent = String(page);
        prev.disabled = page === 1;
        next.disabled = !nextCursor;
        reading = false;
        for (const envelope of waiting.splice(0)) onEvent(envelope);
      }
    }
  }

  const reloadFirstPage = throttle(() => {
    if (cursors.length === 1) load();
  }, RELOAD_MS);

  function restart() {
    cursors = [null];
    nextCursor = null;
    arrived.clear();
    load();
  }

  async function refetch(id, flash, focusWas) {
    try {
      const order = await request("GET", `/api/orders/${encodeURIComponent(id)}`);
      replaceRow(order, flash, focusWas);
    } catch (err) {
      toast(describe(err), "error");
    }
  }

  async function change(id, body) {
    const order = shown.get(id);
    const old = rowOf(id);
    if (!order || !old) return;
    const active = document.activeElement;
    const focusWas = active && old.contains(active) ? focusKey(active) : null;
    for (const control of old.querySelectorAll("select, input, button")) control.disabled = true;
    changing.add(id);
    try {
      const updated = await request("PUT", `/api/orders/${encodeURIComponent(id)}/status`, { body: { ...body, expectedVersion: order.version } });
      replaceRow(updated, "row-changed", focusWas);
      const what = body.paymentCollected === undefined ? `is now ${updated.status}` : updated.paymentCollected ? "is marked paid" : "is marked not paid";
      toast(`Order ${id.slice(0, 8)} ${what}.`, "success");
    } catch (err) {
      toast(describe(err), "error");
      if (err.code === "version_mismatch" || err.code === "illegal_transition" || err.code === "contended") await refetch(id, "row-changed", focusWas);
      else replaceRow(order, null, focusWas);
    } finally {
      changing.delete(id);
    }
  }

  function onEvent(envelope) {
    if (reading) {
      waiting.push(envelope);
      return;
    }
    const data = envelope.data || {};
    if (envelope.event === "orderPlaced") {
      if (cursors.length !== 1 || !data.id) return;
      if (filtered()) {
        // Whether it matches the filter is the server's call: read page 1 again.
        arrived.add(data.id);
        reloadFirstPage();
        return;
      }
      // Unfiltered, every order belongs at the top. The page just read may
      // already hold it; it is still news.
      if (shown.has(data.id)) rowOf(data.id)?.classList.add("row-new");
      else {
        table.querySelector(".empty-row")?.remove();
        table.prepend(row(data, "row-new"));
      }
      return;
    }
    if (envelope.event === "orderStatusUpdated" || envelope.event === "orderPaymentUpdated") {
      const order = shown.get(data.orderId);
      if (order && !changing.has(data.orderId) && !(data.version <= order.version)) refetch(data.orderId, "row-changed");
    }
  }

  // The datalist offers addresses; the list filter needs the customer's id.
  function resolveCustomer() {
    const text = customer.value.trim().toLowerCase();
    let found = known.get(text);
    if (!found && text) {
      const byName = [...known.values()].filter((c) => c.name.toLowerCase() === text);
      if (byName.length === 1) found = byName[0];
    }
    customerHint.hidden = !text || Boolean(found);
    const id = found ? found.id : "";
    if (id !== customerId) {
      customerId = id;
      restart();
    }
  }

  const suggest = debounce(async () => {
    const text = customer.value.trim();
    if (!text) return;
    try {
      const page = await request("GET", `/api/customers${query({ q: text, limit: 20 })}`);
      for (const c of page.items) known.set(c.email.toLowerCase(), c);
      customerOptions.replaceChildren(...page.items.map((c) => el("option", { value: c.email, label: c.name })));
      resolveCustomer();
    } catch (err) {
      toast(describe(err), "error");
    }
  }, 250);

  customer.addEventListener("input", () => {
    resolveCustomer();
    suggest();
  });
  status.addEventListener("change", restart);
  from.addEventListener("change", restart);
  to.addEventListener("change", restart);
  $("orders-filters").addEventListener("submit", (event) => event.preventDefault());
  $("filters-clear").addEventListener("click", () => {
    status.value = "";
    customer.value = "";
    from.value = "";
    to.value = "";
    customerHint.hidden = true;
    customerId = "";
    restart();
  });
  next.addEventListener("click", () => {
    if (!nextCursor) return;
    cursors.push(nextCursor);
    load();
  });
  prev.addEventListener("click", () => {
    if (cursors.length > 1) cursors.pop();
    load();
  });

  exportButton.addEventListener("click", async () => {
    exportButton.disabled = true;
    try {
      const { status: s, customerId: c, from: f, to: t } = filters();
      const res = await request("GET", `/api/orders/export/csv${query({ status: s, customerId: c, from: f, to: t })}`, {
        raw: true,
        headers: { Accept: "text/csv, application/problem+json" },
      });
      const blob = await res.blob();
      const name = contentFileName(res.headers.get("Content-Disposition")) || `orders-${localDate(new Date())}.csv`;
      const url = URL.createObjectURL(blob);
      const link = el("a", { href: url, download: name, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      // Revoking at once can cancel the download in some browsers.
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      toast(`Downloaded ${name}.`, "success");
    } catch (err) {
      toast(describe(err), "error");
    } finally {
      exportButton.disabled = false;
    }
  });

  load();

  return {
    reload: load,
    onEvent,
    filterByCustomer(c) {
      known.set(c.email.toLowerCase(), c);
      customer.value = c.email;
      resolveCustomer();
      customer.focus();
    },
  };
}
