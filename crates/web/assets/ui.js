// The small component set every page shares. Everything that shows data
// from the server builds nodes with textContent, never HTML strings.

import { can, fieldName, signOut } from "./api.js";

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else if (value === true) node.setAttribute(key, "");
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export function debounce(fn, ms) {
  let timer = null;
  const run = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  run.cancel = () => clearTimeout(timer);
  return run;
}

/**
 * At most one call per `ms`: the first at once, and one more at the end of
 * the window for whatever came during it. Unlike a debounce, a steady stream
 * of calls still gets through, only less often.
 */
export function throttle(fn, ms) {
  let last = -Infinity;
  let timer = null;
  let pending = null;
  const fire = () => {
    timer = null;
    last = Date.now();
    const args = pending;
    pending = null;
    fn(...args);
  };
  const run = (...args) => {
    pending = args;
    if (timer) return;
    const wait = last + ms - Date.now();
    if (wait <= 0) fire();
    else timer = setTimeout(fire, wait);
  };
  return run;
}

// Integer arithmetic only: 1999 / 100 is 19.99 in print but not in binary.
export function money(cents) {
  const n = Math.trunc(Number(cents) || 0);
  const abs = Math.abs(n);
  return `${n < 0 ? "-" : ""}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

// "12", "12.5", "12.50", "$12.50" -> cents; throws with a message a person
// can act on, so a price is never silently rounded.
export function parseMoney(text) {
  const raw = String(text ?? "").trim().replace(/^\$/, "").trim();
  if (raw === "") throw new Error("Enter a price, like 12.50.");
  const parts = raw.split(".");
  if (parts.length > 2) throw new Error("Enter a price with one decimal point, like 12.50.");
  const [whole, frac = ""] = parts;
  if (!/^\d*$/.test(whole) || !/^\d*$/.test(frac) || (whole === "" && frac === "")) {
    throw new Error("Enter a price using digits only, like 12.50.");
  }
  if (frac.length > 2) throw new Error("A price has at most two decimals (cents), like 12.50.");
  const cents = Number(whole || "0") * 100 + Number(frac.padEnd(2, "0"));
  if (!Number.isSafeInteger(cents)) throw new Error("That price is too large.");
  return cents;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function dateTime(iso) {
  const when = new Date(iso);
  return Number.isNaN(when.getTime()) ? String(iso ?? "") : dateFormat.format(when);
}

export function timeEl(iso) {
  return el("time", { datetime: iso, text: dateTime(iso) });
}

export function badge(status) {
  return el("span", { class: "badge", "data-status": status, text: status });
}

// Two regions in one stack: success and news are polite and go by
// themselves; an error interrupts (role="alert") and stays until dismissed,
// so it is not gone before it has been read.
function toastRegion(kind) {
  let stack = document.querySelector(".toasts");
  if (!stack) {
    stack = el("div", { class: "toasts" });
    document.body.append(stack);
  }
  const id = kind === "error" ? "toast-alerts" : "toasts";
  let region = document.getElementById(id);
  if (!region) {
    region = kind === "error" ? el("div", { id, class: "toast-list" }) : el("div", { id, class: "toast-list", "aria-live": "polite", role: "status" });
    if (kind === "error") stack.prepend(region);
    else stack.append(region);
  }
  return region;
}

const MAX_ERRORS = 4;

export function toast(message, kind = "info") {
  const error = kind === "error";
  const region = toastRegion(kind);
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

// Native <dialog> already closes on Escape and traps focus while modal;
// this puts focus back where it was, which not every browser does.
export function openDialog(dialog, focusFirst) {
  const opener = document.activeElement;
  dialog.addEventListener(
    "close",
    () => {
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    },
    { once: true },
  );
  dialog.showModal();
  if (focusFirst) focusFirst.focus();
}

export function closeDialog(dialog) {
  if (dialog.open) dialog.close();
}

export function clearFieldErrors(form) {
  for (const node of form.querySelectorAll(".field-error")) node.remove();
  for (const input of form.querySelectorAll("[aria-invalid]")) {
    input.removeAttribute("aria-invalid");
    const ids = (input.getAttribute("aria-describedby") || "").split(" ").filter((id) => !id.endsWith("-fielderror"));
    if (ids.length) input.setAttribute("aria-describedby", ids.join(" "));
    else input.removeAttribute("aria-describedby");
  }
}

export function markField(input, message) {
  if (!input) return;
  const id = `${input.id || input.name}-fielderror`;
  input.setAttribute("aria-invalid", "true");
  const old = document.getElementById(id);
  if (old) old.remove();
  const note = el("p", { class: "field-error", id, text: message });
  const wrapper = input.closest(".field, .product-row");
  if (wrapper) wrapper.append(note);
  else input.after(note);
  const ids = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  if (!ids.includes(id)) input.setAttribute("aria-describedby", [...ids, id].join(" "));
}

function findField(form, field) {
  const safe = CSS.escape(field);
  return form.querySelector(`[data-field="${safe}"]`) || form.querySelector(`[name="${safe}"]`);
}

/**
 * Marks each input named in the error's `errors[].field` (or its single
 * `field`, as out_of_stock carries) and returns the problems no input in
 * `form` answers to, so the caller can say them elsewhere.
 */
export function fieldErrors(form, apiError) {
  clearFieldErrors(form);
  const problems = [...(apiError.fields || [])];
  const single = apiError.body && apiError.body.field;
  if (single && !problems.some((p) => p.field === single)) problems.push({ field: single, message: "" });
  const unmatched = [];
  let first = null;
  for (const problem of problems) {
    const input = findField(form, problem.field);
    if (!input) {
      unmatched.push(problem);
      continue;
    }
    const left = apiError.code === "out_of_stock" && Number.isInteger(apiError.body.available);
    const message = problem.message
      ? `${fieldName(problem.field)} ${problem.message}.`
      : left
        ? `Only ${apiError.body.available} left.`
        : "Please change this.";
    markField(input, message);
    first = first || input;
  }
  if (first) first.focus();
  return unmatched;
}

// The alert node stays in the page, empty when all is well: a live region
// that appears together with its text is often not announced.
export function showError(node, message) {
  node.textContent = message || "";
}

/**
 * Fills the page header: nav by permission, the user's name, and Sign out.
 * Signed out (tracking page), it offers Sign in instead.
 */
export function renderHeader(user) {
  const nav = document.getElementById("site-nav");
  const account = document.getElementById("account");
  if (!nav || !account) return;
  const here = location.pathname;
  const links = [];
  if (can(user, "viewAllOrders")) links.push(["/admin", "Orders dashboard"]);
  if (can(user, "placeOwnOrder") || can(user, "placeOrderForAnyone")) links.push(["/order", "New order"]);
  nav.replaceChildren(
    ...links.map(([href, text]) => el("a", { href, text, class: "nav-link", "aria-current": here === href ? "page" : false })),
  );
  nav.hidden = links.length === 0;
  if (!user) {
    account.replaceChildren(el("a", { href: "/login", class: "btn btn-outline btn-sm", text: "Sign in" }));
    return;
  }
  const signout = el("button", { type: "button", id: "signout", class: "btn btn-outline btn-sm", text: "Sign out" });
  signout.addEventListener("click", signOut);
  account.replaceChildren(el("span", { class: "user-name", text: user.name, title: user.email }), signout);
}

export function setLiveStatus(state) {
  const node = document.getElementById("live-status");
  if (!node) return;
  node.dataset.state = state;
  const label = node.querySelector(".live-label") || node;
  // "Reconnecting" only once it has been live; the first attempt is "Connecting".
  if (state === "live") node.dataset.wasLive = "true";
  const connecting = node.dataset.wasLive ? "Reconnecting…" : "Connecting…";
  label.textContent = state === "live" ? "Live" : state === "connecting" ? connecting : "Offline";
}
