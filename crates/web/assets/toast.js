// Short messages at the edge of the window. Two regions in one stack:
// success and news are polite and go by themselves; an error interrupts
// (role="alert") and stays until dismissed, so it is not gone before it has
// been read. The stack goes to the edge away from the control in use, so a
// message never covers what the person is about to press next.
import { $, el } from "./dom.js";

const MAX_ERRORS = 4;

function toastRegion(kind) {
  let stack = document.querySelector(".toasts");
  if (!stack) {
    stack = el("div", { class: "toasts" });
    document.body.append(stack);
  }
  const id = kind === "error" ? "toast-alerts" : "toasts";
  let region = $(id);
  if (!region) {
    region = kind === "error" ? el("div", { id, class: "toast-list" }) : el("div", { id, class: "toast-list", "aria-live": "polite", role: "status" });
    if (kind === "error") stack.prepend(region);
    else stack.append(region);
  }
  return region;
}

// The control in use: in the lower half of the window, messages go to the top.
function placeAwayFromFocus() {
  const stack = document.querySelector(".toasts");
  const active = document.activeElement;
  if (!stack || !active || active === document.body) return;
  const box = active.getBoundingClientRect();
  stack.classList.toggle("toasts-top", box.top + box.height / 2 > window.innerHeight / 2);
}

export function toast(message, kind = "info") {
  const error = kind === "error";
  const region = toastRegion(kind);
  placeAwayFromFocus();
  // The same failure repeated (a refresh failing while offline) is one message.
  if (error) {
    for (const old of region.querySelectorAll(".toast")) if (old.dataset.message === message) old.remove();
    const extra = region.querySelectorAll(".toast").length - MAX_ERRORS + 1;
    for (const old of [...region.querySelectorAll(".toast")].slice(0, Math.max(0, extra))) old.remove();
  }
  const item = el("div", { class: `toast toast-${kind}`, role: error ? "alert" : false, "data-message": message }, el("p", { text: message }));
  const close = el("button", { type: "button", class: "btn btn-ghost btn-sm toast-close", "aria-label": "Dismiss message", text: "×" });
  const remove = () => item.remove();
  close.addEventListener("click", remove);
  item.append(close);
  region.append(item);
  if (!error) setTimeout(remove, 5000);
}
