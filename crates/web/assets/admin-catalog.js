// The catalogue panel: list and search products, for sale or archived;
// with manageCatalog also add them, and rename, archive, reprice or
// restock them (admin-catalog-forms.js).
import { $, el } from "./dom.js";
import { initCursorList } from "./list.js";
import { money, rememberCurrency } from "./money.js";
import { initProductCreate, initProductEdit } from "./admin-catalog-forms.js";

export function initCatalog(perms) {
  const canEdit = perms.has("manageCatalog");
  const table = $("products-table").tBodies[0];
  const products = new Map();
  let openEdit = () => {};

  // Hidden in the page until now, so nobody sees a form they may not use.
  if (canEdit) {
    $("product-create").hidden = false;
  } else {
    $("product-create").remove();
    $("product-dialog").remove();
    $("products-table").tHead.rows[0].lastElementChild.remove();
  }

  function row(product, flash) {
    products.set(product.id, product);
    rememberCurrency(product.currency);
    const name = el("td", { "data-label": "Name" }, product.name);
    // What counts as low is the server's rule; it says so on every product.
    if (product.archived) name.append(el("span", { class: "badge badge-archived", text: "Archived" }));
    else if (product.lowStock) name.append(el("span", { class: "badge badge-low", text: "Low stock" }));
    const cells = [
      name,
      el("td", { class: "num", "data-label": "Price", text: money(product.price, product.currency) }),
      el("td", { class: "num", "data-label": "Stock", text: product.stock === 0 ? "Out of stock" : String(product.stock) }),
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

  const archived = $("products-archived");
  const list = initCursorList({
    path: "/api/products",
    params: () => (archived.checked ? { archived: "true" } : {}),
    table,
    search: $("products-search"),
    more: $("products-more"),
    errorNode: $("products-error"),
    row,
    empty: "No products match.",
    columns: canEdit ? 4 : 3,
  });
  archived.addEventListener("change", () => list.reload());

  if (canEdit) {
    initProductCreate({ onCreated: list.reload });
    openEdit = initProductEdit({
      product: (id) => products.get(id),
      onSaved: (product) => {
        // Archived or brought back: it belongs to the other list now.
        if (product.archived !== archived.checked) list.reload();
        else replaceRow(product, "row-changed");
      },
    });
  }

  return { show: list.show };
}
