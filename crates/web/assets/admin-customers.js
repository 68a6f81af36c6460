// The customers panel: search, add, and jump to a customer's orders.
import { request } from "./api.js";
import { $, el } from "./dom.js";
import { timeEl } from "./dates.js";
import { clearFieldErrors, fieldErrors, markField, sayProblems, showError } from "./fields.js";
import { initCursorList } from "./list.js";
import { describe } from "./messages.js";
import { toast } from "./toast.js";

export function initCustomers({ showOrdersOf }) {
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

  const list = initCursorList({
    path: "/api/customers",
    table: $("customers-table").tBodies[0],
    search: $("customers-search"),
    more: $("customers-more"),
    errorNode: $("customers-error"),
    row,
    empty: "No customers match.",
    columns: 4,
  });
  initCustomerCreate({ onCreated: list.reload });
  return { show: list.show };
}

function initCustomerCreate({ onCreated }) {
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
    const missing = [
      [name, name.value.trim() ? "" : "Enter the customer's name."],
      [email, email.value.trim() ? "" : "Enter the customer's e-mail address."],
    ];
    if (sayProblems(formError, missing)) return;
    submit.disabled = true;
    try {
      const created = await request("POST", "/api/customers", { body: { name: name.value.trim(), email: email.value.trim() } });
      form.reset();
      toast(`Added ${created.name}.`, "success");
      onCreated();
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
}
