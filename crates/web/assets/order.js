// Placing an order: pick quantities from the catalogue, then send the cart
// once. The Idempotency-Key makes every resend of the same cart the same
// order, so a double click or a retry after a dropped answer never orders twice.
import { can, describe, goSignIn, onSignedOutElsewhere, query, request, session } from "./api.js";
import { clearFieldErrors, debounce, el, fieldErrors, markField, money, renderHeader, showError } from "./ui.js";

const current = session();
if (!current) location.replace("/login?next=/order");
else start(current.user);

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // randomUUID needs a secure context; a static host on plain http has none.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function start(user) {
  renderHeader(user);
  onSignedOutElsewhere(goSignIn);
  const forAnyone = can(user, "placeOrderForAnyone");
  const collects = can(user, "collectPayment");
  const $ = (id) => document.getElementById(id);
  const main = $("main");
  const search = $("product-search");
  const list = $("product-list");
  const listStatus = $("product-status");
  const form = $("order-form");
  const cart = $("cart");
  const cartEmpty = $("cart-empty");
  const total = $("order-total");
  const errorNode = $("order-error");
  const button = $("place-order");
  const result = $("order-result");
  const customerName = $("customer-name");
  const customerEmail = $("customer-email");
  const payment = $("payment-collected");

  if (forAnyone) $("staff-fields").hidden = false;
  else $("staff-fields").remove();
  if (collects) $("payment-field").hidden = false;
  else $("payment-field").remove();

  // Last seen details of every product ever listed, so cart lines survive
  // a new search that no longer shows them.
  const products = new Map();
  const quantities = new Map();
  const badQuantities = new Set();
  // The key belongs to one exact request body; a different body gets a new
  // key, the same body (a resend) the same key, until it succeeds.
  let attempt = null;
  let sending = false;
  let searchSeq = 0;

  function cartLines() {
    return [...quantities].map(([id, quantity]) => {
      const product = products.get(id);
      return { product, quantity, lineTotal: product.price * quantity };
    });
  }

  function renderCart() {
    const lines = cartLines();
    cart.replaceChildren(
      ...lines.map(({ product, quantity, lineTotal }) =>
        el(
          "li",
          { "data-product-id": product.id },
          el("span", {}, `${product.name} × ${quantity}`),
          el("span", { class: "line-total", text: money(lineTotal) }),
        ),
      ),
    );
    cartEmpty.hidden = lines.length > 0;
    total.textContent = money(lines.reduce((sum, line) => sum + line.lineTotal, 0));
    for (const row of list.children) row.dataset.chosen = String(quantities.has(row.dataset.productId));
  }

  function stockText(product) {
    return product.stock === 0 ? el("span", { class: "out", text: "Out of stock" }) : `${product.stock} left`;
  }

  function productRow(product) {
    const quantity = quantities.get(product.id) || 0;
    const inputId = `qty-${product.id}`;
    const input = el("input", {
      id: inputId,
      type: "number",
      name: "quantity",
      min: "0",
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

  function setQuantity(id, input) {
    clearFieldErrors(input.closest(".product-row"));
    const text = input.value.trim();
    quantities.delete(id);
    badQuantities.delete(id);
    if (input.validity.badInput || (text !== "" && !/^\d+$/.test(text))) {
      badQuantities.add(id);
      markField(input, "Enter a whole number, 0 or more.");
    } else if (Number(text) > 0) {
      quantities.set(id, Number(text));
    }
    renderCart();
  }

  async function loadProducts() {
    const seq = ++searchSeq;
    list.setAttribute("aria-busy", "true");
    try {
      const page = await request("GET", `/api/products${query({ q: search.value.trim(), limit: 100 })}`);
      if (seq !== searchSeq) return;
      for (const product of page.items) products.set(product.id, product);
      const focused = document.activeElement && list.contains(document.activeElement) ? document.activeElement.id : null;
      // Redrawn inputs show the last valid quantity, so no bad text remains.
      badQuantities.clear();
      list.replaceChildren(...page.items.map(productRow));
      if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
      const n = page.items.length;
      listStatus.textContent =
        n === 0 ? "No products match your search." : page.nextCursor ? `Showing the first ${n} matches; type more to narrow them down.` : `${n} product${n === 1 ? "" : "s"}.`;
    } catch (err) {
      if (seq === searchSeq) listStatus.textContent = describe(err);
    } finally {
      if (seq === searchSeq) list.removeAttribute("aria-busy");
    }
  }

  search.addEventListener("input", debounce(loadProducts, 250));
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault();
  });

  // Suggestions come from the customer list, which needs its own permission.
  if (forAnyone && can(user, "manageCustomers")) setupCustomerSuggestions(customerEmail, customerName);

  // Validates what the page can know; returns the body or null.
  function buildBody() {
    clearFieldErrors(main);
    showError(errorNode, "");
    if (badQuantities.size) {
      for (const id of badQuantities) markField(document.getElementById(`qty-${id}`), "Enter a whole number, 0 or more.");
      showError(errorNode, "Some quantities are not whole numbers. Please fix them.");
      return null;
    }
    const lines = cartLines();
    if (!lines.length) {
      showError(errorNode, "Choose at least one product: set its quantity above 0.");
      search.focus();
      return null;
    }
    const body = { items: lines.map(({ product, quantity }) => ({ productId: product.id, quantity })) };
    if (forAnyone) {
      const name = customerName.value.trim();
      const email = customerEmail.value.trim();
      // Only "is it filled in": whether an address is valid is the server's call.
      const problems = [
        [customerEmail, email ? "" : "Enter the customer's e-mail address."],
        [customerName, name ? "" : "Enter the customer's name."],
      ].filter(([, message]) => message);
      for (const [input, message] of problems) markField(input, message);
      if (problems.length) {
        showError(errorNode, problems[0][1]);
        problems[0][0].focus();
        return null;
      }
      body.customer = { name, email };
    }
    if (collects) body.paymentCollected = payment.checked;
    return body;
  }

  // A server error names lines by index (items[1].quantity); point each
  // index at the quantity input of the product sent there.
  function tagLines(body) {
    for (const input of list.querySelectorAll("[data-field]")) input.removeAttribute("data-field");
    body.items.forEach((item, index) => {
      const input = document.getElementById(`qty-${item.productId}`);
      if (input) input.dataset.field = `items[${index}].quantity`;
    });
  }

  function showResult(order) {
    const heading = el("h2", { class: "card-title", tabindex: "-1", text: "Order placed" });
    result.replaceChildren(
      el(
        "div",
        { class: "card result" },
        heading,
        el("p", {}, "Order number ", el("code", { "data-order-id": order.id, text: order.id })),
        el("p", {}, `Total ${money(order.total)}, status `, el("span", { class: "badge", "data-status": order.status, text: order.status })),
        el("a", { id: "track-link", class: "btn btn-outline", href: `/track-order/${encodeURIComponent(order.id)}`, text: "Track this order" }),
      ),
    );
    heading.focus();
  }

  function afterFailure(err, body) {
    tagLines(body);
    fieldErrors(main, err);
    showError(errorNode, describe(err));
    const detail = err.body || {};
    if (err.code === "out_of_stock" && products.has(detail.productId) && Number.isInteger(detail.available)) {
      const product = products.get(detail.productId);
      product.stock = detail.available;
      const stock = list.querySelector(`[data-product-id="${CSS.escape(product.id)}"] .stock`);
      if (stock) stock.replaceChildren(stockText(product));
    }
    if (err.code === "idempotency_key_reused") attempt = null;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (sending) return;
    const body = buildBody();
    if (!body) return;
    const signature = JSON.stringify(body);
    if (!attempt || attempt.signature !== signature) attempt = { signature, key: newKey() };
    sending = true;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    button.textContent = "Placing order…";
    result.replaceChildren();
    try {
      const order = await request("POST", "/api/orders", { body, headers: { "Idempotency-Key": attempt.key } });
      attempt = null;
      quantities.clear();
      badQuantities.clear();
      showResult(order);
      renderCart();
      loadProducts();
    } catch (err) {
      afterFailure(err, body);
    } finally {
      sending = false;
      button.disabled = false;
      button.removeAttribute("aria-busy");
      button.textContent = "Place order";
    }
  });

  renderCart();
  loadProducts();
}

// Staff usually order for a known customer: suggest addresses as they type
// and fill in the name of the one picked.
function setupCustomerSuggestions(email, name) {
  const options = document.getElementById("customer-suggestions");
  const known = new Map();
  const fillName = () => {
    const match = known.get(email.value.trim().toLowerCase());
    if (match && !name.value.trim()) name.value = match.name;
  };
  const suggest = debounce(async () => {
    const text = email.value.trim();
    if (text.length < 2) return;
    try {
      const page = await request("GET", `/api/customers${query({ q: text, limit: 8 })}`);
      for (const c of page.items) known.set(c.email.toLowerCase(), c);
      options.replaceChildren(...page.items.map((c) => el("option", { value: c.email, label: c.name })));
      fillName();
    } catch {
      // Suggestions are a convenience; typing the address still works.
    }
  }, 300);
  email.addEventListener("input", () => {
    fillName();
    suggest();
  });
  email.addEventListener("change", fillName);
}
