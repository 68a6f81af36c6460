// The orders filters: what was typed (an order number, or part of a name or
// address, searched as it is typed), status, customer, and a range of days. The API takes
// a customer's id and instants; the person picks an address or a name and
// local days. A customer typed but not picked filters by what was typed
// (part of a name or address), as the Find box does.
import { $ } from "./dom.js";
import { localMidnight } from "./dates.js";
import { describe } from "./messages.js";
import { initCustomerSuggestions } from "./suggestions.js";
import { debounce } from "./timing.js";
import { toast } from "./toast.js";

// `onChange` runs whenever the filters ask for other orders.
export function initOrderFilters({ perms, onChange }) {
  const q = $("filter-q");
  const status = $("filter-status");
  const customer = $("filter-customer");
  const customerHint = $("filter-customer-hint");
  const from = $("filter-from");
  const to = $("filter-to");
  let customerId = "";
  let customerText = "";
  let customers = null;

  // Hidden in the page until now, so nobody sees a control they may not use.
  if (perms.has("manageCustomers")) $("filter-customer-field").hidden = false;
  else $("filter-customer-field").remove();

  // A range that ends before it starts selects nothing: said at the fields.
  function datesInOrder() {
    const reversed = Boolean(from.value && to.value && to.value < from.value);
    $("filter-to-hint").hidden = !reversed;
    to.setAttribute("aria-invalid", String(reversed));
    return !reversed;
  }

  function values() {
    // One text search at a time: Find's, else the customer typed but not picked.
    return { q: q.value.trim() || customerText, status: status.value, customerId, from: localMidnight(from.value), to: localMidnight(to.value, 1) };
  }

  // The datalist offers addresses; a pick filters by the customer's id,
  // anything else typed by name or address containing it.
  function resolveCustomer() {
    const text = customer.value.trim();
    const found = customers.find(text);
    const id = found ? found.id : "";
    const partial = found ? "" : text;
    customerHint.hidden = !partial || !q.value.trim();
    if (id !== customerId) {
      customerId = id;
      customerText = partial;
      onChange();
    } else if (partial !== customerText) {
      // Typing: the list follows once the typing pauses.
      customerText = partial;
      customerTyped();
    }
  }
  const customerTyped = debounce(onChange, 250);

  if (perms.has("manageCustomers")) {
    customers = initCustomerSuggestions({
      input: customer,
      options: $("filter-customer-options"),
      limit: 20,
      onChange: resolveCustomer,
      onError: (err) => toast(describe(err), "error"),
    });
    customer.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      resolveCustomer();
      customerTyped.cancel();
      onChange();
    });
  }

  const typed = debounce(() => {
    if (customers) resolveCustomer();
    onChange();
  }, 250);
  q.addEventListener("input", typed);
  q.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    typed.cancel();
    onChange();
  });
  status.addEventListener("change", onChange);
  const dates = () => {
    if (datesInOrder()) onChange();
  };
  from.addEventListener("change", dates);
  to.addEventListener("change", dates);
  $("orders-filters").addEventListener("submit", (event) => event.preventDefault());
  $("filters-clear").addEventListener("click", () => {
    q.value = "";
    status.value = "";
    customer.value = "";
    from.value = "";
    to.value = "";
    customerHint.hidden = true;
    customerId = "";
    customerText = "";
    datesInOrder();
    onChange();
  });

  return {
    values,
    filtered: () => Object.values(values()).some(Boolean),
    showCustomer(c) {
      customers.remember(c);
      customer.value = c.email;
      resolveCustomer();
      customer.focus();
    },
  };
}
