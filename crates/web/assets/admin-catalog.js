// The catalogue panel: list and search products; with manageCatalog also
// add them and change price or stock. Edits send the version the person
// saw, so an order placed meanwhile is never overwritten unseen.
import { describe, query, request } from "./api.js";
import { clearFieldErrors, closeDialog, debounce, el, fieldErrors, markField, money, openDialog, parseMoney, showError, toast } from "./ui.js";

const $ = (id) => document.getElementById(id);

// Whole units from a text field; null when it is not a whole number >= 0.
function units(text) {
  const value = String(text).trim();
  return /^\d+$/.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : null;
}

export function initCatalog(perms) {
  const canEdit = perms.has("manageCatalog");
  const table = $("products-table").tBodies[0];
  const search = $("products-search");
  const more = $("products-more");
  const errorNode = $("products-error");
  const dialog = $("product-dialog");
  const products = new Map();
  let nextCursor = null;
  let seq = 0;
  let loaded = false;
  let editing = null;
  let openEdit = () => {};

  // Hidden in the page until now, so nobody sees a form they may not use.
  if (canEdit) {
    $("product-create").hidden = false;
  } else {
    $("product-create").remove();
    dialog.remove();
    $("products-table").tHead.rows[0].lastElementChild.remove();
  }

  function row(product, flash) {
    products.set(product.id, product);
    const name = el("td", { "data-label": "Name" }, product.name);
    // What counts as low is the server's rule; it says so on every product.
    if (product.lowStock) name.append(el("span", { class: "badge badge-low", text: "Low stock" }));
    const cells = [
      name,
      el("td", { class: "num", "data-label": "Price", text: money(product.price) }),
      el("td", { class: "num", "data-label": "Stock", text: String(product.stock) }),
    ];
    if (canEdit) {
      const edit = el("button", { type: "button", class: "btn btn-outline btn-sm", "aria-label": `Edit ${product.name}`, text: "Edit" });
      edit.addEventListener("click", () => openEdit(product.id));
      cells.push(el("td", { class: "num" }, edit));
    }
    return el("tr", { "data-product-id": product.id, "data-version": String(product.version), class: flash || false }, ...cells);
  }

  function replaceRow(product, flash) {
    const old = table.querySelector(`tr[data-product-id="${CSS.escape(product.id)}"]`);
    if (old) old.replaceWith(row(product, flash));
  }

  async function load(reset) {
    const mine = ++seq;
    if (reset) nextCursor = null;
    more.disabled = true;
    try {
      const page = await request("GET", `/api/products${query({ q: search.value.trim(), limit: 20, cursor: reset ? null : nextCursor })}`);
      if (mine !== seq) return;
      const rows = page.items.map((p) => row(p));
      if (reset) {
        table.replaceChildren(...(rows.length ? rows : [el("tr", { class: "empty-row" }, el("td", { colspan: canEdit ? "4" : "3", class: "empty", text: "No products match." }))]));
      } else {
        table.append(...rows);
      }
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

  if (canEdit) {
    setupCreate(() => load(true));
    setupEdit();
  }

  function setupEdit() {
    const form = $("edit-form");
    const price = $("edit-price");
    const stock = $("edit-stock");
    const save = $("edit-save");
    const errorBox = $("edit-error");

    $("edit-cancel").addEventListener("click", () => closeDialog(dialog));

    function fill(product) {
      editing = product;
      $("edit-title").textContent = `Edit ${product.name}`;
      $("edit-version").textContent = `Version ${product.version}; ${product.stock} in stock at ${money(product.price)}.`;
      price.value = money(product.price);
      stock.value = String(product.stock);
    }

    openEdit = (id) => {
      clearFieldErrors(form);
      showError(errorBox, "");
      fill(products.get(id));
      openDialog(dialog, price);
    };

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (save.disabled || !editing) return;
      clearFieldErrors(form);
      showError(errorBox, "");
      let cents;
      try {
        cents = parseMoney(price.value);
      } catch (err) {
        markField(price, err.message);
        showError(errorBox, err.message);
        price.focus();
        return;
      }
      const level = units(stock.value);
      if (level === null) {
        markField(stock, "Enter a whole number, 0 or more.");
        showError(errorBox, "Stock must be a whole number, 0 or more.");
        stock.focus();
        return;
      }
      const body = {};
      if (cents !== editing.price) body.price = cents;
      if (level !== editing.stock) body.stock = level;
      if (!Object.keys(body).length) {
        closeDialog(dialog);
        return;
      }
      body.expectedVersion = editing.version;
      save.disabled = true;
      try {
        const updated = await request("PATCH", `/api/products/${encodeURIComponent(editing.id)}`, { body });
        replaceRow(updated, "row-changed");
        closeDialog(dialog);
        toast(`Saved ${updated.name}.`, "success");
      } catch (err) {
        fieldErrors(form, err);
        showError(errorBox, describe(err));
        if (err.code === "version_mismatch") await reload(editing.id);
      } finally {
        save.disabled = false;
      }
    });

    // Someone else changed the product: show what it is now, so the
    // person decides again from the current price and stock.
    async function reload(id) {
      try {
        const fresh = await request("GET", `/api/products/${encodeURIComponent(id)}`);
        replaceRow(fresh, "row-changed");
        fill(fresh);
      } catch (err) {
        showError(errorBox, describe(err));
      }
    }
  }

  return {
    show() {
      if (loaded) return;
      loaded = true;
      load(true);
    },
  };
}

function setupCreate(reload) {
  const form = $("product-form");
  const name = $("product-name");
  const price = $("product-price");
  const stock = $("product-stock");
  const submit = $("product-submit");
  const errorNode = $("product-form-error");

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (submit.disabled) return;
    clearFieldErrors(form);
    showError(errorNode, "");
    const problems = [];
    let cents = null;
    try {
      cents = parseMoney(price.value);
    } catch (err) {
      problems.push([price, err.message]);
    }
    const level = units(stock.value);
    if (!name.value.trim()) problems.unshift([name, "Enter the product's name."]);
    if (level === null) problems.push([stock, "Enter the stock as a whole number, 0 or more."]);
    if (problems.length) {
      for (const [input, message] of problems) markField(input, message);
      showError(errorNode, problems[0][1]);
      problems[0][0].focus();
      return;
    }
    submit.disabled = true;
    try {
      const created = await request("POST", "/api/products", { body: { name: name.value.trim(), price: cents, stock: level } });
      form.reset();
      toast(`Added ${created.name} at ${money(created.price)}.`, "success");
      reload();
    } catch (err) {
      fieldErrors(form, err);
      showError(errorNode, describe(err));
    } finally {
      submit.disabled = false;
    }
  });
}
