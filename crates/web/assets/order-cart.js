// The order page's catalogue and cart: search products, set a quantity
// next to each, and see the lines and total. Totals are whole cents
// (money.js); what is in stock is only shown, the server decides at placing.
import { query, request } from "./api.js";
import { $, el } from "./dom.js";
import { clearFieldErrors, markField } from "./fields.js";
import { LIMITS } from "./limits.js";
import { watchSearch } from "./list.js";
import { describe } from "./messages.js";
import { lineTotal, money, sum } from "./money.js";
import { staleGuard } from "./stale.js";

const NOT_WHOLE = "Enter a whole number, 0 or more.";

function stockText(product) {
  return product.stock === 0 ? el("span", { class: "out", text: "Out of stock" }) : `${product.stock} left`;
}

export function initOrderCart() {
  const search = $("product-search");
  const list = $("product-list");
  const listStatus = $("product-status");
  const cart = $("cart");
  const cartEmpty = $("cart-empty");
  const total = $("order-total");
  const begin = staleGuard();
  // Last seen details of every product ever listed, so cart lines survive
  // a new search that no longer shows them.
  const products = new Map();
  const quantities = new Map();
  const badQuantities = new Set();

  function lines() {
    return [...quantities].map(([id, quantity]) => ({ product: products.get(id), quantity }));
  }

  function renderCart() {
    const chosen = lines().map((line) => ({ ...line, lineTotal: lineTotal(line.product.price, line.quantity) }));
    cart.replaceChildren(
      ...chosen.map(({ product, quantity, lineTotal: amount }) =>
        el("li", { "data-product-id": product.id }, el("span", {}, `${product.name} × ${quantity}`), el("span", { class: "line-total", text: money(amount) })),
      ),
    );
    cartEmpty.hidden = chosen.length > 0;
    total.textContent = money(sum(chosen.map((line) => line.lineTotal)));
    for (const row of list.children) row.dataset.chosen = String(quantities.has(row.dataset.productId));
  }

  function setQuantity(id, input) {
    clearFieldErrors(input.closest(".product-row"));
    const text = input.value.trim();
    quantities.delete(id);
    badQuantities.delete(id);
    if (input.validity.badInput || (text !== "" && !/^\d+$/.test(text))) {
      badQuantities.add(id);
      markField(input, NOT_WHOLE);
    } else if (Number(text) > 0) {
      quantities.set(id, Number(text));
    }
    renderCart();
  }

  function productRow(product) {
    const quantity = quantities.get(product.id) || 0;
    const inputId = `qty-${product.id}`;
    const input = el("input", {
      id: inputId,
      type: "number",
      name: "quantity",
      min: "0",
      max: LIMITS.quantityMax,
      step: "1",
      inputmode: "numeric",
      value: String(quantity),
      "aria-label": `Quantity of ${product.name}`,
      disabled: product.stock === 0 && quantity === 0,
    });
    input.addEventListener("input", () => setQuantity(product.id, input));
    return el(
      "li",
      { class: "product-row", "data-product-id": product.id, "data-chosen": String(quantity > 0) },
      el(
        "div",
        {},
        el("p", { class: "product-name", text: product.name }),
        el("p", { class: "product-meta" }, money(product.price), " · ", el("span", { class: "stock" }, stockText(product))),
      ),
      el("div", { class: "qty" }, el("label", { for: inputId, text: "Quantity" }), input),
    );
  }

  // As many matches as the API gives at once; more are found by typing more.
  async function loadProducts() {
    const stale = begin();
    list.setAttribute("aria-busy", "true");
    try {
      const page = await request("GET", `/api/products${query({ q: search.value.trim(), limit: LIMITS.pageMax })}`);
      if (stale()) return;
      for (const product of page.items) products.set(product.id, product);
      const focused = document.activeElement && list.contains(document.activeElement) ? document.activeElement.id : null;
      // Redrawn inputs show the last valid quantity, so no bad text remains.
      badQuantities.clear();
      list.replaceChildren(...page.items.map(productRow));
      if (focused && $(focused)) $(focused).focus();
      const n = page.items.length;
      listStatus.textContent =
        n === 0 ? "No products match your search." : page.nextCursor ? `Showing the first ${n} matches; type more to narrow them down.` : `${n} product${n === 1 ? "" : "s"}.`;
    } catch (err) {
      if (!stale()) listStatus.textContent = describe(err);
    } finally {
      if (!stale()) list.removeAttribute("aria-busy");
    }
  }

  watchSearch(search, loadProducts);
  renderCart();
  loadProducts();

  return {
    lines,
    // Marks each quantity that is not a whole number; false when there is one.
    checkQuantities() {
      for (const id of badQuantities) markField($(`qty-${id}`), NOT_WHOLE);
      return badQuantities.size === 0;
    },
    focusSearch: () => search.focus(),
    // A server error names lines by index (items[1].quantity); point each
    // index at the quantity input of the product sent there.
    tagLines(items) {
      for (const input of list.querySelectorAll("[data-field]")) input.removeAttribute("data-field");
      items.forEach((item, index) => {
        const input = $(`qty-${item.productId}`);
        if (input) input.dataset.field = `items[${index}].quantity`;
      });
    },
    // What the server says is left, shown at once.
    showStock(productId, available) {
      const product = products.get(productId);
      if (!product) return;
      product.stock = available;
      const stock = list.querySelector(`[data-product-id="${CSS.escape(product.id)}"] .stock`);
      if (stock) stock.replaceChildren(stockText(product));
    },
    // After an order is placed: an empty cart and the stock as it is now.
    empty() {
      quantities.clear();
      badQuantities.clear();
      renderCart();
      loadProducts();
    },
  };
}
