// The site header every page shares (pages/layout.html): the links the
// account may use, who is signed in, and the live feed's indicator.
import { can, signOut } from "./api.js";
import { $, el } from "./dom.js";

/**
 * Fills the page header: nav by permission, the user's name, and Sign out.
 * Signed out (tracking page), it offers Sign in instead.
 */
export function renderHeader(user) {
  const nav = $("site-nav");
  const account = $("account");
  if (!nav || !account) return;
  const here = location.pathname;
  const links = [];
  if (can(user, "viewAllOrders")) links.push(["/admin", "Orders dashboard"]);
  else if (can(user, "placeOwnOrder")) links.push(["/my-orders", "My orders"]);
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
  const node = $("live-status");
  if (!node) return;
  node.dataset.state = state;
  const label = node.querySelector(".live-label") || node;
  // "Reconnecting" only once it has been live; the first attempt is "Connecting".
  if (state === "live") node.dataset.wasLive = "true";
  const connecting = node.dataset.wasLive ? "Reconnecting…" : "Connecting…";
  label.textContent = state === "live" ? "Live" : state === "connecting" ? connecting : "Offline";
}
