// The order page's catalogue and cart: search products, set a quantity
// next to each, and see the lines and total. Totals are whole cents
// (money.js); what is in stock is only shown, the server decides at placing.
import { query, request } from "./api.js";
import { $, el } from "./dom.js";
import { clearFieldErrors, markField } from "./fields.js";
import { LIMITS } from "./limits.js";
import { watchSearch } from "./list.js";
import { describe } from "./messages.js";
import { lineTotal, money, rememberCurrency, shopCurrency, sum } from "./money.js";
import { staleGuard } from "./stale.js";

const NOT_WHOLE = "Enter a whole number, like 2.";
const AT_LEAST_ONE = "Enter at least 1 (or 0 to leave it out).";

function stockText(product) {
  return product.stock === 0 ? el("span", { class: "out", text: "Out of stock" }) : `${product.stock} left`;
}

// `onChange` runs whenever the cart changes: what was said about the cart
// before is then out of date.
export function initOrderCart({ onChange = () => {} } = {}) {
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
  // Quantities that cannot be sent, by product, with what is wrong.
  const badQuantities = new Map();

  function lines() {
    return [...quantities].map(([id, quantity]) => ({ product: products.get(id), quantity }));
  }

  function renderCart() {
    const chosen = lines().map((line) => ({ ...line, lineTotal: lineTotal(line.product.price, line.quantity) }));
    cart.replaceChildren(
      ...chosen.map(({ product, quantity, lineTotal: amount }) =>
        el("li", { "data-product-id": product.id }, el("span", {}, `${product.name} × ${quantity}`), el("span", { class: "line-total", text: money(amount, product.currency) })),
      ),
    );
    cartEmpty.hidden = chosen.length > 0;
    const amount = money(sum(chosen.map((line) => line.lineTotal)), shopCurrency());
    total.textContent = amount;
    const units = chosen.reduce((n, line) => n + line.quantity, 0);
    $("cart-bar-count").textContent = `${units} ${units === 1 ? "item" : "items"}`;
    $("cart-bar-sum").textContent = amount;
    showBar();
    for (const row of list.children) row.dataset.chosen = String(quantities.has(row.dataset.productId));
  }

  // The bar shows while the cart has lines and the form's own button is
  // out of sight (CSS keeps it off wide screens).
  let placeInView = false;
  function showBar() {
    const bar = $("cart-bar");
    bar.hidden = quantities.size === 0 || placeInView;
    document.body.classList.toggle("has-cart-bar", !bar.hidden);
  }
  if ("IntersectionObserver" in window) {
    new IntersectionObserver((entries) => {
      placeInView = entries.some((e) => e.isIntersecting);
      showBar();
    }).observe($("place-order"));
  }

  function quantityProblem(input, text) {
    if (input.validity.badInput || (text !== "" && !/^-?\d+$/.test(text))) return NOT_WHOLE;
    if (text.startsWith("-")) return AT_LEAST_ONE;
    return null;
  }

  function setQuantity(id, input) {
    clearFieldErrors(input.closest(".product-row"));
    const text = input.value.trim();
    quantities.delete(id);
    badQuantities.delete(id);
    const problem = quantityProblem(input, text);
    if (problem) {
      badQuantities.set(id, problem);
      markField(input, problem);
    } else if (Number(text) > 0) {
      quantities.set(id, Number(text));
      const product = products.get(id);
      // Only a warning: the stock shown may be out of date, the server decides.
      if (product && Number(text) > product.stock) {
        markField(input, product.stock === 0 ? "Out of stock: the order would be refused." : `Only ${product.stock} left: the order would be refused.`);
      }
    }
    renderCart();
    onChange();
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
        el("p", { class: "product-meta" }, money(product.price, product.currency), " · ", el("span", { class: "stock" }, stockText(product))),
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
      for (const product of page.items) {
        products.set(product.id, product);
        rememberCurrency(product.currency);
      }
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
    // Marks each quantity that cannot be sent; the first problem, or null.
    checkQuantities() {
      for (const [id, problem] of badQuantities) markField($(`qty-${id}`), problem);
      const first = badQuantities.entries().next().value;
      if (!first) return null;
      const product = products.get(first[0]);
      return product ? `${product.name}: ${first[1]}` : first[1];
    },
    // The name of the product with this id, as last listed.
    productName: (id) => products.get(id)?.name || null,
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
    // A product the shop stopped selling: out of the cart and the list.
    withdraw(productId) {
      quantities.delete(productId);
      products.delete(productId);
      const row = list.querySelector(`[data-product-id="${CSS.escape(productId)}"]`);
      if (row) row.remove();
      renderCart();
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
