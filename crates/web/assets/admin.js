// The staff and admin dashboard: summary cards, the live orders table, and
// the catalogue and customer panels. Controls follow the permissions
// /auth/me reports, never the role name, so the table of who may do what
// lives only on the server.
import { describe, query, request, session, updateSessionUser } from "./api.js";
import { openFeed } from "./feed.js";
import { initCatalog } from "./admin-catalog.js";
import { initCustomers } from "./admin-customers.js";
import { STATUSES, badge, debounce, el, money, renderHeader, setLiveStatus, showError, timeEl, toast } from "./ui.js";

const $ = (id) => document.getElementById(id);
const PAGE_SIZE = 20;

const current = session();
if (!current) location.replace("/login?next=/admin");
else if (current.user.role === "customer") location.replace("/order");
else start(current.user);

async function start(user) {
  renderHeader(user);
  let me;
  try {
    me = await request("GET", "/auth/me");
  } catch (err) {
    showError($("admin-error"), `The dashboard could not load. ${describe(err)}`);
    setLiveStatus("offline");
    return;
  }
  const perms = new Set(me.permissions || []);
  if (!perms.has("viewAllOrders")) {
    location.replace("/order");
    return;
  }
  updateSessionUser(me);
  renderHeader(me);

  const orders = setupOrders(perms);
  const panels = {
    "tab-orders": { show() {} },
    "tab-products": perms.has("viewCatalog") || perms.has("manageCatalog") ? initCatalog(perms) : null,
    "tab-customers": perms.has("manageCustomers") ? initCustomers({ showOrdersOf }) : null,
  };
  function showOrdersOf(customer) {
    select("tab-orders");
    orders.filterByCustomer(customer);
  }
  const select = setupTabs(panels);
  const summary = setupSummary();

  let firstLive = true;
  openFeed({
    // The table was read before the feed was up; one more read once it is
    // live covers anything placed in between.
    onState: (state) => {
      if (state === "live" && firstLive) {
        firstLive = false;
        orders.reload();
        summary.refresh();
      }
      setLiveStatus(state);
    },
    onReset: () => {
      orders.reload();
      summary.refresh();
    },
    onEvent: (envelope) => {
      summary.later();
      orders.onEvent(envelope);
    },
  });
}

// WAI-ARIA tabs with automatic activation: arrows move and select.
function setupTabs(panels) {
  for (const [tabId, panel] of Object.entries(panels)) {
    if (panel) continue;
    const tab = $(tabId);
    $(tab.getAttribute("aria-controls")).remove();
    tab.remove();
  }
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  function select(tabId, focus = false) {
    for (const tab of tabs) {
      const on = tab.id === tabId;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      $(tab.getAttribute("aria-controls")).hidden = !on;
      if (on && focus) tab.focus();
    }
    panels[tabId].show();
  }
  for (const tab of tabs) {
    tab.addEventListener("click", () => select(tab.id));
    tab.addEventListener("keydown", (event) => {
      const at = tabs.indexOf(tab);
      const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (to === undefined) return;
      event.preventDefault();
      select(tabs[(to + tabs.length) % tabs.length].id, true);
    });
  }
  return select;
}

function todayStart() {
  const now = new Date();
  return new Date(now.getFullYear(), now.getMonth(), now.getDate()).toISOString();
}

function setupSummary() {
  const set = (name, text) => {
    const node = document.querySelector(`[data-summary="${name}"]`);
    if (node) node.textContent = text;
  };
  async function refresh() {
    try {
      const [all, today] = await Promise.all([
        request("GET", "/api/orders/summary"),
        request("GET", `/api/orders/summary${query({ from: todayStart() })}`),
      ]);
      for (const status of STATUSES) set(status, String(all.byStatus[status] ?? 0));
      set("revenue-today", money(today.revenue));
    } catch (err) {
      toast(`The summary could not be refreshed. ${describe(err)}`, "error");
    }
  }
  refresh();
  return { refresh, later: debounce(refresh, 500) };
}

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

function setupOrders(perms) {
  const table = $("orders-table").tBodies[0];
  const errorNode = $("orders-error");
  const status = $("filter-status");
  const customer = $("filter-customer");
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

  if (!perms.has("exportOrders")) exportButton.remove();
  if (!perms.has("manageCustomers")) customer.closest(".field").remove();

  function filters() {
    return { status: status.value, customerId, from: localMidnight(from.value), to: localMidnight(to.value, 1) };
  }

  function matches(order) {
    const f = filters();
    if (f.status && order.status !== f.status) return false;
    if (f.customerId && order.customer.id !== f.customerId) return false;
    const at = Date.parse(order.createdAt);
    if (f.from && at < Date.parse(f.from)) return false;
    if (f.to && at >= Date.parse(f.to)) return false;
    return true;
  }

  function statusSelect(order) {
    const short = order.id.slice(0, 8);
    const next = order.nextStatuses || [];
    const select = el(
      "select",
      { name: "status", "aria-label": `Status of order ${short}`, disabled: !next.length || !perms.has("changeOrderStatus") },
      el("option", { value: order.status, selected: true, text: order.status }),
      ...next.map((s) => el("option", { value: s, text: s })),
    );
    select.addEventListener("change", () => change(order.id, { status: select.value }));
    return select;
  }

  function paymentBox(order) {
    const box = el("input", {
      type: "checkbox",
      name: "paymentCollected",
      "aria-label": `Payment collected for order ${order.id.slice(0, 8)}`,
      checked: order.paymentCollected,
      disabled: !perms.has("collectPayment") || order.status === "cancelled",
    });
    box.addEventListener("change", () => change(order.id, { status: shown.get(order.id).status, paymentCollected: box.checked }));
    return box;
  }

  function row(order, flash) {
    shown.set(order.id, order);
    const units = order.items.reduce((sum, line) => sum + line.quantity, 0);
    return el(
      "tr",
      { "data-order-id": order.id, class: flash || false },
      el("td", { class: "nowrap" }, timeEl(order.createdAt), el("code", { class: "cell-sub", text: order.id.slice(0, 8) })),
      el("td", {}, order.customer.name, el("span", { class: "cell-sub", text: order.customer.email })),
      el("td", { class: "num", title: `${units} units` }, String(order.items.length)),
      el("td", { class: "num", text: money(order.total) }),
      el("td", {}, badge(order.status)),
      el("td", {}, statusSelect(order)),
      el("td", {}, paymentBox(order)),
      el("td", {}, el("a", { href: `/track-order/${encodeURIComponent(order.id)}`, "aria-label": `Track order ${order.id.slice(0, 8)}`, text: "Track" })),
    );
  }

  function rowOf(id) {
    return table.querySelector(`tr[data-order-id="${CSS.escape(id)}"]`);
  }

  // Keeps keyboard focus on the same control when a row is redrawn.
  function replaceRow(order, flash) {
    const old = rowOf(order.id);
    if (!old) return;
    const focused = old.contains(document.activeElement) ? document.activeElement.getAttribute("name") : null;
    const fresh = row(order, flash);
    old.replaceWith(fresh);
    if (focused) fresh.querySelector(`[name="${focused}"]`)?.focus();
  }

  function emptyRow(text) {
    return el("tr", { class: "empty-row" }, el("td", { colspan: "8", class: "empty", text }));
  }

  async function load() {
    const mine = ++seq;
    reading = true;
    table.setAttribute("aria-busy", "true");
    const page = cursors.length;
    try {
      const answer = await request("GET", `/api/orders${query({ ...filters(), limit: PAGE_SIZE, cursor: cursors[page - 1] })}`);
      if (mine !== seq) return;
      shown.clear();
      table.replaceChildren(...(answer.items.length ? answer.items.map((o) => row(o)) : [emptyRow("No orders match these filters.")]));
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

  function restart() {
    cursors = [null];
    nextCursor = null;
    load();
  }

  async function refetch(id, flash) {
    try {
      const order = await request("GET", `/api/orders/${encodeURIComponent(id)}`);
      replaceRow(order, flash);
    } catch (err) {
      toast(describe(err), "error");
    }
  }

  async function change(id, body) {
    const order = shown.get(id);
    const old = rowOf(id);
    if (!order || !old) return;
    for (const control of old.querySelectorAll("select, input")) control.disabled = true;
    changing.add(id);
    try {
      const updated = await request("PUT", `/api/orders/${encodeURIComponent(id)}/status`, { body: { ...body, expectedVersion: order.version } });
      replaceRow(updated, "row-changed");
      const what = body.paymentCollected === undefined ? `is now ${updated.status}` : updated.paymentCollected ? "is marked paid" : "is marked not paid";
      toast(`Order ${id.slice(0, 8)} ${what}.`, "success");
    } catch (err) {
      toast(describe(err), "error");
      if (err.code === "version_mismatch" || err.code === "illegal_transition" || err.code === "contended") await refetch(id, "row-changed");
      else replaceRow(order);
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
      if (cursors.length !== 1 || !data.id || !matches(data)) return;
      // The page just read may already hold it; it is still news.
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
