// The staff and admin dashboard: starts the panels the account may use and
// wires the live feed to them. Controls follow the permissions /auth/me
// reports, never the role name, so the table of who may do what lives only
// on the server.
import { can, goSignIn, onSignedOutElsewhere, request, session, updateSessionUser } from "./api.js";
import { $ } from "./dom.js";
import { openFeed } from "./feed.js";
import { showError } from "./fields.js";
import { renderHeader, setLiveStatus } from "./header.js";
import { describe } from "./messages.js";
import { initAccounts } from "./admin-accounts.js";
import { initCatalog } from "./admin-catalog.js";
import { initCustomers } from "./admin-customers.js";
import { initOrders } from "./admin-orders.js";
import { initReturns } from "./admin-returns.js";
import { initSummary } from "./admin-summary.js";
import { initWebhooks } from "./admin-webhooks.js";

const current = session();
if (!current) goSignIn();
else if (!can(current.user, "viewAllOrders")) location.replace("/order");
else initDashboard(current.user);

async function initDashboard(user) {
  renderHeader(user);
  // Signed out in another tab: this one must not go on with the old token.
  onSignedOutElsewhere(goSignIn);
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

  const orders = initOrders(perms);
  const returns = perms.has("changeOrderStatus") ? initReturns({ open: orders.open }) : null;
  const panels = {
    "tab-orders": { show() {} },
    "tab-returns": returns,
    "tab-products": perms.has("viewCatalog") || perms.has("manageCatalog") ? initCatalog(perms) : null,
    "tab-customers": perms.has("manageCustomers") ? initCustomers({ showOrdersOf }) : null,
    "tab-accounts": perms.has("manageUsers") ? initAccounts() : null,
    "tab-webhooks": perms.has("manageWebhooks") ? initWebhooks() : null,
  };
  function showOrdersOf(customer) {
    select("tab-orders");
    orders.filterByCustomer(customer);
  }
  const select = initTabs(panels);
  const summary = initSummary();

  let firstLive = true;
  openFeed({
    // The table was read before the feed was up; one more read once it is
    // live covers anything placed in between.
    onState: (state) => {
      if (state === "live" && firstLive) {
        firstLive = false;
        orders.reload();
        returns?.reload();
        summary.refresh();
      }
      setLiveStatus(state);
    },
    onReset: () => {
      orders.reload();
      returns?.reload();
      summary.refresh();
    },
    onEvent: (envelope) => {
      summary.refresh();
      orders.onEvent(envelope);
      returns?.onEvent(envelope);
    },
  });
}

// WAI-ARIA tabs with automatic activation: arrows move and select. Tabs
// start hidden and appear only for panels the account may use.
function initTabs(panels) {
  for (const [tabId, panel] of Object.entries(panels)) {
    const tab = $(tabId);
    if (panel) {
      tab.hidden = false;
      continue;
    }
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
