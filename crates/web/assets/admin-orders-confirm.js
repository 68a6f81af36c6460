// Moves that are hard to take back are asked about first: cancelling (with
// an optional reason, kept in the order's history) and delivering an order
// whose payment is not recorded. Everything else goes at once.
import { $ } from "./dom.js";
import { openDialog } from "./dialog.js";

/**
 * Whether to make the move of `order` to `status`, and the reason given:
 * `{ go: true, reason }` or `{ go: false }`.
 */
export function confirmMove(order, status) {
  const cancelling = status === "cancelled";
  const unpaidDelivery = status === "delivered" && order.paymentCollected === false;
  if (!cancelling && !unpaidDelivery) return Promise.resolve({ go: true });
  const dialog = $("move-dialog");
  const reason = $("move-reason");
  $("move-title").textContent = cancelling ? `Cancel order #${order.number}?` : `Deliver unpaid order #${order.number}?`;
  $("move-text").textContent = cancelling
    ? "Its items go back on the shelf. This cannot be undone."
    : "No payment is recorded for this order. Mark it delivered anyway?";
  $("move-reason-field").hidden = !cancelling;
  reason.value = "";
  $("move-confirm").textContent = cancelling ? "Cancel order" : "Deliver unpaid";
  $("move-keep").textContent = cancelling ? "Keep order" : "Not yet";
  dialog.returnValue = "";
  return new Promise((resolve) => {
    dialog.addEventListener(
      "close",
      () => {
        if (dialog.returnValue !== "confirm") resolve({ go: false });
        else resolve({ go: true, reason: reason.value.trim() || undefined });
      },
      { once: true },
    );
    openDialog(dialog, cancelling ? reason : $("move-keep"));
  });
}
