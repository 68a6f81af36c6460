// Finding and making elements. Everything that shows data from the server
// builds nodes with textContent, never HTML strings.

export const $ = (id) => document.getElementById(id);

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else if (value === true) node.setAttribute(key, "");
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

// An order's status as a chip; its colour comes from data-status in the stylesheet.
export function badge(status) {
  return el("span", { class: "badge", "data-status": status, text: statusText(status) });
}

// A status as people read it: `partially_shipped` is "partially shipped".
export function statusText(status) {
  return String(status).replaceAll("_", " ");
}

const counts = new Intl.NumberFormat();

// A count as the reader's locale groups it: 855000 is "855,000" in English.
export function countText(n) {
  return counts.format(Number(n) || 0);
}
