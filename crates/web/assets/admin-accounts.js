// The accounts panel (admins): add staff and admin accounts, change a
// role, disable and enable. The server keeps the last active admin
// (409 last_admin) and signs a disabled account out; this page says so.
import { request, session } from "./api.js";
import { openDialog } from "./dialog.js";
import { $, el } from "./dom.js";
import { clearFieldErrors, fieldErrors, markField, sayProblems, showError } from "./fields.js";
import { emptyRow } from "./list.js";
import { describe } from "./messages.js";
import { toast } from "./toast.js";

const ROLES = [
  ["staff", "Staff"],
  ["admin", "Admin"],
];

export function initAccounts() {
  const table = $("accounts-table").tBodies[0];
  const errorNode = $("accounts-error");
  let shown = false;

  async function load() {
    try {
      const page = await request("GET", "/api/users");
      const rows = page.items.map(row);
      table.replaceChildren(...(rows.length ? rows : [emptyRow(5, "No accounts.")]));
      showError(errorNode, "");
    } catch (err) {
      showError(errorNode, describe(err));
    }
  }

  async function change(account, body, done) {
    try {
      const changed = await request("PATCH", `/api/users/${encodeURIComponent(account.id)}`, { body });
      toast(done(changed), "success");
    } catch (err) {
      toast(describe(err), "error");
    }
    load();
  }

  function row(account) {
    const self = session()?.user?.id === account.id;
    const role = el("select", { "aria-label": `Role of ${account.name}`, "data-field": "role" });
    for (const [value, label] of ROLES) role.append(el("option", { value, text: label }));
    if (!ROLES.some(([value]) => value === account.role)) role.append(el("option", { value: account.role, text: account.role }));
    role.value = account.role;
    role.addEventListener("change", () =>
      change(account, { role: role.value }, (changed) => `${changed.name} is now ${changed.role === "admin" ? "an admin" : "staff"}; signed out to pick up the new role.`),
    );
    const toggle = el("button", {
      type: "button",
      class: "btn btn-outline btn-sm",
      text: account.disabled ? "Enable" : "Disable",
      "aria-label": `${account.disabled ? "Enable" : "Disable"} ${account.name}`,
    });
    toggle.addEventListener("click", async () => {
      const disabling = !account.disabled;
      if (disabling && !(await confirmDisable(account, self))) return;
      change(account, { disabled: disabling }, (changed) =>
        changed.disabled ? `${changed.name} is disabled and signed out.` : `${changed.name} can sign in again.`,
      );
    });
    return el(
      "tr",
      { "data-account-id": account.id, class: account.disabled ? "muted" : "" },
      el("td", { "data-label": "Name", text: self ? `${account.name} (you)` : account.name }),
      el("td", { "data-label": "E-mail", text: account.email }),
      el("td", { "data-label": "Role" }, role),
      el("td", { "data-label": "Status", text: account.disabled ? "Disabled" : "Active" }),
      el("td", { class: "num" }, toggle),
    );
  }

  initAccountCreate({ onCreated: load });
  return {
    show() {
      if (shown) return;
      shown = true;
      load();
    },
  };
}

// Disabling signs a person out mid-work: asked first.
function confirmDisable(account, self) {
  const dialog = $("account-dialog");
  $("account-dialog-title").textContent = `Disable ${account.name}?`;
  $("account-dialog-text").textContent = self
    ? "You will be signed out at once and cannot sign in until another admin enables your account."
    : `${account.name} is signed out at once and cannot sign in until an admin enables the account again.`;
  dialog.returnValue = "";
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "confirm"), { once: true });
    openDialog(dialog, $("account-keep"));
  });
}

function initAccountCreate({ onCreated }) {
  const form = $("account-form");
  const name = $("new-account-name");
  const email = $("new-account-email");
  const role = $("new-account-role");
  const password = $("new-account-password");
  const submit = $("account-submit");
  const formError = $("account-form-error");

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (submit.disabled) return;
    clearFieldErrors(form);
    showError(formError, "");
    // Only "is it filled in": the password rules are the server's (422 names the rule).
    const missing = [
      [name, name.value.trim() ? "" : "Enter the person's name."],
      [email, email.value.trim() ? "" : "Enter the person's e-mail address."],
      [password, password.value ? "" : "Choose a first password."],
    ];
    if (sayProblems(formError, missing)) return;
    submit.disabled = true;
    try {
      const body = { name: name.value.trim(), email: email.value.trim(), role: role.value, password: password.value };
      const created = await request("POST", "/api/users", { body });
      form.reset();
      toast(`Added ${created.name} (${created.role}).`, "success");
      onCreated();
    } catch (err) {
      fieldErrors(form, err);
      if (err.code === "duplicate_email") {
        markField(email, "This address is taken.");
        showError(formError, `An account with the address ${email.value.trim()} already exists.`);
        email.focus();
      } else {
        showError(formError, describe(err));
      }
    } finally {
      submit.disabled = false;
    }
  });
}
