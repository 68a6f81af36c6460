// A packing slip for one shipment: the order's number, where it goes and
// what is in the parcel, with no prices. The print stylesheet shows the
// slip alone while the page is printed.
import { addressLines } from "./address-lines.js";
import { $, el } from "./dom.js";

export function printSlip(order, shipment) {
  const slip = $("packing-slip");
  const names = new Map(order.items.map((line) => [line.productId, line.name]));
  const address = order.shippingAddress;
  slip.replaceChildren(
    el("h1", { text: `Order #${order.number}` }),
    el("p", { text: `Shipment ${shipment.id} of ${order.shipments.length}` }),
    el("h2", { text: "Ship to" }),
    address
      ? el("address", {}, ...addressLines(address).map((line) => el("span", { text: line })))
      : el("p", { text: "No shipping address on this order." }),
    el(
      "table",
      {},
      el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "Product" }), el("th", { scope: "col", class: "num", text: "Quantity" }))),
      el(
        "tbody",
        {},
        ...shipment.items.map((item) =>
          el("tr", {}, el("td", { text: item.name || names.get(item.productId) || item.productId }), el("td", { class: "num", text: String(item.quantity) })),
        ),
      ),
    ),
    shipment.carrier || shipment.trackingNumber ? el("p", { text: [shipment.carrier, shipment.trackingNumber].filter(Boolean).join(" ") }) : null,
  );
  document.body.dataset.printing = "slip";
  window.addEventListener("afterprint", () => delete document.body.dataset.printing, { once: true });
  window.print();
}
