// The orders table under the live feed: new orders appear, moved orders
// are read again. Whether an order matches a filter is the server's call,
// so under a filter a new order means reading the first page again.
import { throttle } from "./timing.js";

// New orders under a filter mean reading the page again; at most this often.
const RELOAD_MS = 2000;

/**
 * `onFirstPage()` says whether the first page is shown, `reload()` reads it
 * again; `filtered()` whether any filter is set.
 */
export function initOrderLive({ rows, changes, filtered, onFirstPage, reload }) {
  // Events that arrive while a page is being read wait for it: applied to
  // the old rows they would be lost when the new rows replace them.
  let reading = false;
  const waiting = [];
  // Orders placed while a filter is set, to mark as new if the reread shows them.
  let arrived = new Set();

  const reloadFirstPage = throttle(() => {
    if (onFirstPage()) reload();
  }, RELOAD_MS);

  function onEvent(envelope) {
    if (reading) {
      waiting.push(envelope);
      return;
    }
    const data = envelope.data || {};
    if (envelope.event === "orderPlaced") {
      if (!onFirstPage() || !data.id) return;
      if (filtered()) {
        arrived.add(data.id);
        reloadFirstPage();
        return;
      }
      // Unfiltered, every order belongs at the top.
      rows.placed(data);
      return;
    }
    // Every other event names the order it changed.
    if (data.orderId) {
      const order = rows.order(data.orderId);
      if (order && !changes.changing(data.orderId) && !(data.version <= order.version)) changes.refetch(data.orderId, "row-changed");
    }
  }

  return {
    onEvent,
    // A page is being read: hold events until it is drawn.
    hold() {
      reading = true;
    },
    release() {
      reading = false;
      for (const envelope of waiting.splice(0)) onEvent(envelope);
    },
    // The orders to mark new in the page about to be drawn; forgotten after.
    takeArrived() {
      const taken = arrived;
      arrived = new Set();
      return taken;
    },
  };
}
