// Adding a product, and changing a product's name, price, stock or
// whether it is still sold, in a dialog. Edits send the version the person
// saw, so an order placed meanwhile is never overwritten unseen. A name
// another product has is allowed (two sizes may share one) but asked
// about first.
import { query, request } from "./api.js";
import { $ } from "./dom.js";
import { closeDialog, openDialog } from "./dialog.js";
import { clearFieldErrors, fieldErrors, markField, sayProblems, showError } from "./fields.js";
import { describe } from "./messages.js";
import { money, parseMoney, plainMoney, shopCurrency } from "./money.js";
import { toast } from "./toast.js";

// Another product (for sale or archived) already named `name`, case-blind;
// null when none is, or when the catalogue cannot be read (the server
// decides then).
async function namesake(name, except) {
  const wanted = name.trim().toLowerCase();
  for (const archived of [false, true]) {
    try {
      const page = await request("GET", `/api/products${query({ q: name.trim(), limit: 100, archived: archived ? "true" : null })}`);
      const found = page.items.find((p) => p.id !== except && p.name.trim().toLowerCase() === wanted);
      if (found) return found;
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * Asks once about a name another product has. `allows(typed, except)` is
 * true when the name may be saved now; otherwise it said so at `input` (in
 * `errorNode`, `saying(twin)` what saving again does) and the next save of
 * the same name goes ahead. Typing another name asks again.
 */
function twinNames(input, errorNode, saying) {
  let confirmed = null;
  input.addEventListener("input", () => {
    confirmed = null;
  });
  return {
    reset() {
      confirmed = null;
    },
    async allows(typed, except) {
      const key = typed.toLowerCase();
      if (confirmed === key) return true;
      const twin = await namesake(typed, except);
      if (!twin) return true;
      confirmed = key;
      markField(input, `A product named ${twin.name} exists${twin.archived ? " (archived)" : ""}.`);
      showError(errorNode, saying(twin));
      input.focus();
      return false;
    },
  };
}

// Whole units from a text field; null when it is not a whole number >= 0.
function units(text) {
  const value = String(text).trim();
  return /^\d+$/.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : null;
}

export function initProductCreate({ onCreated }) {
  const form = $("product-form");
  const name = $("product-name");
  const price = $("product-price");
  const stock = $("product-stock");
  const submit = $("product-submit");
  const errorNode = $("product-form-error");
  const twins = twinNames(
    name,
    errorNode,
    (twin) => `A product named ${twin.name} already exists${twin.archived ? " among the archived ones" : ""}. Press "Add another" to add a second one, or change the name.`,
  );
  name.addEventListener("input", () => {
    submit.textContent = "Add product";
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (submit.disabled) return;
    clearFieldErrors(form);
    showError(errorNode, "");
    const problems = [];
    let cents = null;
    try {
      cents = parseMoney(price.value, shopCurrency());
    } catch (err) {
      problems.push([price, err.message]);
    }
    const level = units(stock.value);
    if (!name.value.trim()) problems.unshift([name, "Enter the product's name."]);
    if (level === null) problems.push([stock, "Enter the stock as a whole number, 0 or more."]);
    if (sayProblems(errorNode, problems)) return;
    submit.disabled = true;
    try {
      const typed = name.value.trim();
      if (!(await twins.allows(typed))) {
        submit.textContent = "Add another";
        return;
      }
      const created = await request("POST", "/api/products", { body: { name: typed, price: cents, stock: level } });
      form.reset();
      twins.reset();
      submit.textContent = "Add product";
      toast(`Added ${created.name} at ${money(created.price, created.currency)}.`, "success");
      onCreated();
    } catch (err) {
      fieldErrors(form, err);
      showError(errorNode, describe(err));
    } finally {
      submit.disabled = false;
    }
  });
}

/**
 * The edit dialog, for the product `product(id)` gives; `onSaved` hears of
 * each new version. Returns the function that opens it for a product id.
 */
export function initProductEdit({ product, onSaved }) {
  const dialog = $("product-dialog");
  const form = $("edit-form");
  const name = $("edit-name");
  const price = $("edit-price");
  const stock = $("edit-stock");
  const archived = $("edit-archived");
  const save = $("edit-save");
  const errorBox = $("edit-error");
  let editing = null;
  const twins = twinNames(name, errorBox, (twin) => `Another product is named ${twin.name}. Press Save again to keep the name anyway.`);

  $("edit-cancel").addEventListener("click", () => closeDialog(dialog));

  function fill(shown) {
    editing = shown;
    $("edit-title").textContent = `Edit ${shown.name}`;
    $("edit-version").textContent = `Now ${money(shown.price, shown.currency)}, ${shown.stock === 0 ? "out of stock" : `${shown.stock} in stock`}${shown.archived ? ", archived" : ""}.`;
    name.value = shown.name;
    price.value = plainMoney(shown.price, shown.currency);
    stock.value = String(shown.stock);
    archived.checked = shown.archived;
    twins.reset();
  }

  // What the person asked to change, or null (after saying why) when a
  // field cannot be sent.
  function changes() {
    if (!name.value.trim()) {
      markField(name, "Enter the product's name.");
      showError(errorBox, "Enter the product's name.");
      name.focus();
      return null;
    }
    let cents;
    try {
      cents = parseMoney(price.value, shopCurrency());
    } catch (err) {
      markField(price, err.message);
      showError(errorBox, err.message);
      price.focus();
      return null;
    }
    const level = units(stock.value);
    if (level === null) {
      markField(stock, "Enter a whole number, 0 or more.");
      showError(errorBox, "Stock must be a whole number, 0 or more.");
      stock.focus();
      return null;
    }
    const body = {};
    if (name.value.trim() !== editing.name) body.name = name.value.trim();
    if (archived.checked !== editing.archived) body.archived = archived.checked;
    if (cents !== editing.price) body.price = cents;
    if (level !== editing.stock) body.stock = level;
    return body;
  }

  // Someone else changed the product: show what it is now, so the
  // person decides again from the current price and stock.
  async function reload(id) {
    try {
      const fresh = await request("GET", `/api/products/${encodeURIComponent(id)}`);
      onSaved(fresh);
      fill(fresh);
    } catch (err) {
      showError(errorBox, describe(err));
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (save.disabled || !editing) return;
    clearFieldErrors(form);
    showError(errorBox, "");
    const body = changes();
    if (!body) return;
    if (!Object.keys(body).length) {
      closeDialog(dialog);
      return;
    }
    body.expectedVersion = editing.version;
    save.disabled = true;
    try {
      if (body.name && !(await twins.allows(body.name, editing.id))) return;
      const updated = await request("PATCH", `/api/products/${encodeURIComponent(editing.id)}`, { body });
      onSaved(updated);
      closeDialog(dialog);
      const said = body.archived === true ? `${updated.name} is archived: no longer sold.` : body.archived === false ? `${updated.name} is for sale again.` : `Saved ${updated.name}.`;
      toast(said, "success");
    } catch (err) {
      fieldErrors(form, err);
      showError(errorBox, describe(err));
      if (err.code === "version_mismatch") await reload(editing.id);
    } finally {
      save.disabled = false;
    }
  });

  return (id) => {
    clearFieldErrors(form);
    showError(errorBox, "");
    fill(product(id));
    openDialog(dialog, name);
  };
}
