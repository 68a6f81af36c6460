// A signed-in customer's own orders, newest first, kept live: the feed
// tells of each change to one of them, and that order is read again.
import { goSignIn, onSignedOutElsewhere, query, request, session } from "./api.js";
import { timeEl } from "./dates.js";
import { $, badge, el } from "./dom.js";
import { openFeed } from "./feed.js";
import { showError } from "./fields.js";
import { renderHeader, setLiveStatus } from "./header.js";
import { describe } from "./messages.js";
import { money } from "./money.js";

const PAGE_SIZE = 20;

const current = session();
if (!current) goSignIn();
else initMyOrders(current.user);

function initMyOrders(user) {
  renderHeader(user);
  onSignedOutElsewhere(goSignIn);
  const list = $("my-orders");
  const more = $("my-orders-more");
  const errorNode = $("my-orders-error");
  const shown = new Map();
  let cursor = null;

  function card(order) {
    const units = order.items.reduce((sum, line) => sum + line.quantity, 0);
    const names = order.items.map((line) => line.name).join(", ");
    return el(
      "li",
      { "data-order-id": order.id, "data-version": String(order.version) },
      el(
        "a",
        { href: `/track-order/${encodeURIComponent(order.id)}`, class: "my-order", "aria-label": `Order ${order.number}, ${order.status.replaceAll("_", " ")}` },
        el("span", { class: "my-order-head" }, el("strong", { text: `Order #${order.number}` }), " ", badge(order.status)),
        el("span", { class: "cell-sub", text: `${units} ${units === 1 ? "item" : "items"}: ${names}` }),
        el("span", { class: "cell-sub" }, "Placed ", timeEl(order.createdAt), ` · ${money(order.total, order.currency)}`),
      ),
    );
  }

  function put(order, { atTop = false } = {}) {
    const node = card(order);
    const old = shown.get(order.id);
    if (old) old.replaceWith(node);
    else if (atTop) list.prepend(node);
    else list.append(node);
    shown.set(order.id, node);
    $("my-orders-empty").hidden = true;
  }

  async function loadPage(reset) {
    if (reset) cursor = null;
    try {
      const page = await request("GET", `/api/orders${query({ limit: PAGE_SIZE, cursor })}`);
      if (reset) {
        list.replaceChildren();
        shown.clear();
      }
      for (const order of page.items) put(order);
      cursor = page.nextCursor || null;
      more.hidden = !cursor;
      $("my-orders-empty").hidden = shown.size > 0;
      showError(errorNode, "");
    } catch (err) {
      showError(errorNode, `Could not load your orders. ${describe(err)}`);
    } finally {
      $("my-orders-loading").hidden = true;
    }
  }

  async function refresh(id, atTop) {
    try {
      put(await request("GET", `/api/orders/${encodeURIComponent(id)}`), { atTop });
    } catch (err) {
      showError(errorNode, `Could not refresh an order. ${describe(err)}`);
    }
  }

  more.addEventListener("click", () => loadPage(false));
  loadPage(true);

  let behind = true;
  openFeed({
    onState: (state) => {
      // Back online: read the first page again for what changed meanwhile.
      if (state === "live" && behind && shown.size > 0) loadPage(true);
      behind = state !== "live";
      setLiveStatus(state);
    },
    onReset: () => loadPage(true),
    onSignedOut: goSignIn,
    onEvent: (envelope) => {
      const data = envelope.data || {};
      if (envelope.event === "orderPlaced") {
        if (data.id && !shown.has(data.id)) put(data, { atTop: true });
        return;
      }
      const node = data.orderId && shown.get(data.orderId);
      if (!node) return;
      if (typeof data.version === "number" && data.version <= Number(node.dataset.version)) return;
      refresh(data.orderId, false);
    },
  });
}
