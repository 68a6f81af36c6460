// Money as the API sends it: whole minor units (cents) of the shop's one
// currency. Sums and products are BigInt, so no total is ever a float
// (1999 / 100 is 19.99 in print but not in binary) nor rounded past 2^53.

function minor(amount) {
  if (typeof amount === "bigint") return amount;
  const n = Number(amount);
  return Number.isFinite(n) ? BigInt(Math.trunc(n)) : 0n;
}

// 1250 -> "12.50", the form a price field takes (no grouping).
export function plainMoney(amount) {
  const n = minor(amount);
  const abs = n < 0n ? -n : n;
  return `${n < 0n ? "-" : ""}${abs / 100n}.${String(abs % 100n).padStart(2, "0")}`;
}

// Grouped as the reader's locale writes numbers: 123456 -> "1,234.56" in
// English, "1.234,56" in German. The decimal text goes to Intl as a string,
// which it formats exactly.
const FORMAT = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

// 123456 -> "1,234.56", for reading.
export function money(amount) {
  return FORMAT.format(plainMoney(amount));
}

// What `quantity` units at `price` come to.
export function lineTotal(price, quantity) {
  return minor(price) * minor(quantity);
}

export function sum(amounts) {
  return amounts.reduce((total, amount) => total + minor(amount), 0n);
}

// "12", "12.5", "12.50", "$12.50" -> 1250; throws with a message a person
// can act on, so a price is never silently rounded.
export function parseMoney(text) {
  const raw = String(text ?? "").trim().replace(/^\$/, "").trim();
  if (raw === "") throw new Error("Enter a price, like 12.50.");
  const parts = raw.split(".");
  if (parts.length > 2) throw new Error("Enter a price with one decimal point, like 12.50.");
  const [whole, frac = ""] = parts;
  if (!/^\d*$/.test(whole) || !/^\d*$/.test(frac) || (whole === "" && frac === "")) {
    throw new Error("Enter a price using digits only, like 12.50.");
  }
  if (frac.length > 2) throw new Error("A price has at most two decimals (cents), like 12.50.");
  const cents = BigInt(whole || "0") * 100n + BigInt(frac.padEnd(2, "0"));
  if (cents > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error("That price is too large.");
  return Number(cents);
}
