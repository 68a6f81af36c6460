// The customers panel: search, add, and jump to a customer's orders.
import { describe, query, request } from "./api.js";
import { clearFieldErrors, debounce, el, fieldErrors, markField, showError, timeEl, toast } from "./ui.js";

const $ = (id) => document.getElementById(id);

export function initCustomers({ showOrdersOf }) {
  const table = $("customers-table").tBodies[0];
  const search = $("customers-search");
  const more = $("customers-more");
  const errorNode = $("customers-error");
  let nextCursor = null;
  let seq = 0;
  let loaded = false;

  function row(customer) {
    const orders = el("button", { type: "button", class: "btn btn-ghost btn-sm", "aria-label": `Show orders of ${customer.name}`, text: "Show orders" });
    orders.addEventListener("click", () => showOrdersOf(customer));
    return el(
      "tr",
      { "data-customer-id": customer.id },
      el("td", { "data-label": "Name", text: customer.name }),
      el("td", { "data-label": "E-mail", text: customer.email }),
      el("td", { class: "nowrap", "data-label": "Since" }, timeEl(customer.createdAt)),
      el("td", { class: "num" }, orders),
    );
  }

  async function load(reset) {
    const mine = ++seq;
    if (reset) nextCursor = null;
    more.disabled = true;
    try {
      const page = await request("GET", `/api/customers${query({ q: search.value.trim(), limit: 20, cursor: reset ? null : nextCursor })}`);
      if (mine !== seq) return;
      const rows = page.items.map(row);
      if (reset) table.replaceChildren(...(rows.length ? rows : [el("tr", { class: "empty-row" }, el("td", { colspan: "4", class: "empty", text: "No customers match." }))]));
      else table.append(...rows);
      nextCursor = page.nextCursor || null;
      showError(errorNode, "");
    } catch (err) {
      if (mine === seq) showError(errorNode, describe(err));
    } finally {
      if (mine === seq) {
        more.hidden = !nextCursor;
        more.disabled = false;
      }
    }
  }

  search.addEventListener("input", debounce(() => load(true), 250));
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault();
  });
  more.addEventListener("click", () => load(false));

  const form = $("customer-form");
  const name = $("new-customer-name");
  const email = $("new-customer-email");
  const submit = $("customer-submit");
  const formError = $("customer-form-error");

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (submit.disabled) return;
    clearFieldErrors(form);
    showError(formError, "");
    // Only "is it filled in": whether an address is valid is the server's call (422).
    const problems = [
      [name, name.value.trim() ? "" : "Enter the customer's name."],
      [email, email.value.trim() ? "" : "Enter the customer's e-mail address."],
    ].filter(([, message]) => message);
    if (problems.length) {
      for (const [input, message] of problems) markField(input, message);
      showError(formError, problems[0][1]);
      problems[0][0].focus();
      return;
    }
    submit.disabled = true;
    try {
      const created = await request("POST", "/api/customers", { body: { name: name.value.trim(), email: email.value.trim() } });
      form.reset();
      toast(`Added ${created.name}.`, "success");
      load(true);
    } catch (err) {
      fieldErrors(form, err);
      if (err.code === "duplicate_email") {
        markField(email, "This address is taken.");
        showError(formError, `A customer with the address ${email.value.trim()} already exists. Search for it below.`);
        email.focus();
      } else {
        showError(formError, describe(err));
      }
    } finally {
      submit.disabled = false;
    }
  });

  return {
    show() {
      if (loaded) return;
      loaded = true;
      load(true);
    },
  };
}
