// The lines of a quantity form (an edit, a shipment, a return, a receipt):
// each input holding more than zero becomes an item `{productId,
// quantity, ...extra(input)}` and is marked with the field the server
// names it by (`items[i].quantity`), so a refusal lands on that input.
export function lineItems(inputs, extra = () => ({})) {
  const items = [];
  for (const input of inputs) {
    input.removeAttribute("data-field");
    const quantity = Number(input.value);
    if (!(quantity > 0)) continue;
    input.dataset.field = `items[${items.length}].quantity`;
    items.push({ productId: input.dataset.productId, quantity, ...extra(input) });
  }
  return items;
}

// The order's name for each item's product, by the item's place.
export function itemNames(order, items) {
  return items.map((item) => order.items.find((line) => line.productId === item.productId)?.name);
}
