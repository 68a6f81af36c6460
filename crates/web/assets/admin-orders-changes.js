// Moving an order on and recording payment from its row. Each change
// sends the version the row shows; when the server has a newer one, the
// row is read again so the person sees why.
import { request } from "./api.js";
import { describe } from "./messages.js";
import { toast } from "./toast.js";
import { confirmMove } from "./admin-orders-confirm.js";
import { focusKey } from "./admin-orders-rows.js";

// Refusals that mean the row is out of date, not that the request was wrong.
const REREAD = new Set(["version_mismatch", "illegal_transition", "contended"]);

export function initOrderChanges(rows) {
  // Orders with a change of ours in flight: its answer brings the new
  // version, so their feed events need no read of their own.
  const changing = new Set();

  async function refetch(id, flash, focusWas) {
    try {
      const order = await request("GET", `/api/orders/${encodeURIComponent(id)}`);
      rows.replaceRow(order, flash, focusWas);
    } catch (err) {
      toast(describe(err), "error");
    }
  }

  async function change(id, body) {
    const order = rows.order(id);
    const old = rows.rowOf(id);
    if (!order || !old) return;
    const active = document.activeElement;
    const focusWas = active && old.contains(active) ? focusKey(active) : null;
    if (body.status !== order.status) {
      const asked = await confirmMove(order, body.status);
      if (!asked.go) {
        // Not made: the row shows the order as it is, with nothing chosen.
        const select = old.querySelector('select[name="status"]');
        if (select) select.value = order.status;
        rows.replaceRow(order, null, focusWas);
        return;
      }
      if (asked.reason) body = { ...body, reason: asked.reason };
    }
    for (const control of old.querySelectorAll("select, input, button")) control.disabled = true;
    changing.add(id);
    try {
      const updated = await request("PUT", `/api/orders/${encodeURIComponent(id)}/status`, { body: { ...body, expectedVersion: order.version } });
      rows.replaceRow(updated, "row-changed", focusWas);
      const what = body.paymentCollected === undefined ? `is now ${updated.status}` : updated.paymentCollected ? "is marked paid" : "is marked not paid";
      toast(`Order ${updated.number} ${what}.`, "success");
    } catch (err) {
      toast(describe(err), "error");
      if (REREAD.has(err.code)) await refetch(id, "row-changed", focusWas);
      else rows.replaceRow(order, null, focusWas);
    } finally {
      changing.delete(id);
    }
  }

  return { change, refetch, changing: (id) => changing.has(id) };
}
