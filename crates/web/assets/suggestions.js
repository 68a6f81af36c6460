// Customers suggested while a person types into `input`: staff ordering
// for someone, and the orders filter. Suggestions come from the customer
// list (it needs manageCustomers); only the newest answer fills the
// <datalist>, and text longer than the API searches is not sent.
import { query, request } from "./api.js";
import { el } from "./dom.js";
import { LIMITS } from "./limits.js";
import { staleGuard } from "./stale.js";
import { debounce } from "./timing.js";

/**
 * `onChange` runs as the person types and when suggestions arrive;
 * `onError` hears of a failed lookup. Returns what is known of the
 * customers suggested so far.
 */
export function initCustomerSuggestions({ input, options, limit, minLength = 1, wait = 250, onChange = () => {}, onError = () => {} }) {
  const known = new Map();
  const begin = staleGuard();

  const suggest = debounce(async () => {
    const text = input.value.trim();
    if (text.length < minLength || [...text].length > LIMITS.searchMax) return;
    const stale = begin();
    try {
      const page = await request("GET", `/api/customers${query({ q: text, limit })}`);
      if (stale()) return;
      for (const c of page.items) known.set(c.email.toLowerCase(), c);
      options.replaceChildren(...page.items.map((c) => el("option", { value: c.email, label: c.name })));
      onChange();
    } catch (err) {
      if (!stale()) onError(err);
    }
  }, wait);

  input.addEventListener("input", () => {
    onChange();
    suggest();
  });

  return {
    // The customer with the address `text`, once suggested.
    byEmail(text) {
      return known.get(text.trim().toLowerCase()) || null;
    },
    // The customer `text` names: an address, or a name only one has.
    find(text) {
      const wanted = text.trim().toLowerCase();
      if (!wanted) return null;
      const byName = [...known.values()].filter((c) => c.name.toLowerCase() === wanted);
      return known.get(wanted) || (byName.length === 1 ? byName[0] : null);
    },
    remember(customer) {
      known.set(customer.email.toLowerCase(), customer);
    },
  };
}
