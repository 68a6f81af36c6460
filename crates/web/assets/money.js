// Money as the API sends it: whole minor units of the shop's one currency
// (`currency` on every order, product and summary, ISO 4217). Sums and
// products are BigInt, so no total is ever a float (1999 / 100 is 19.99 in
// print but not in binary) nor rounded past 2^53.

const DEFAULT_CURRENCY = "USD";

// The shop's currency as the last answer that carried one said; for a price
// typed before any product is shown.
let shop = null;

export function rememberCurrency(code) {
  if (code) shop = code;
}

export function shopCurrency() {
  return shop || DEFAULT_CURRENCY;
}

function minor(amount) {
  if (typeof amount === "bigint") return amount;
  const n = Number(amount);
  return Number.isFinite(n) ? BigInt(Math.trunc(n)) : 0n;
}

const formats = new Map();

// The reader's locale, the shop's currency: "$1,234.56", "1.234,56 €", "¥1,235".
function format(currency) {
  const code = currency || DEFAULT_CURRENCY;
  if (!formats.has(code)) {
    let f;
    try {
      f = new Intl.NumberFormat(undefined, { style: "currency", currency: code });
    } catch {
      f = new Intl.NumberFormat(undefined, { style: "currency", currency: DEFAULT_CURRENCY });
    }
    formats.set(code, f);
  }
  return formats.get(code);
}

// How many decimals a whole amount has in `currency` (2 for USD, 0 for JPY).
export function decimals(currency) {
  return format(currency).resolvedOptions().maximumFractionDigits;
}

// 1250 -> "12.50" in USD, "1250" in JPY: the form a price field takes.
export function plainMoney(amount, currency) {
  const n = minor(amount);
  const abs = n < 0n ? -n : n;
  const places = decimals(currency);
  const sign = n < 0n ? "-" : "";
  if (places === 0) return `${sign}${abs}`;
  const unit = 10n ** BigInt(places);
  return `${sign}${abs / unit}.${String(abs % unit).padStart(places, "0")}`;
}

// 123456 -> "$1,234.56", for reading. The decimal text goes to Intl as a
// string, which it formats exactly.
export function money(amount, currency) {
  return format(currency).format(plainMoney(amount, currency));
}

// What `quantity` units at `price` come to.
export function lineTotal(price, quantity) {
  return minor(price) * minor(quantity);
}

export function sum(amounts) {
  return amounts.reduce((total, amount) => total + minor(amount), 0n);
}

// "12", "12.5", "12.50" -> 1250 in USD; throws with a message a person can
// act on, so a price is never silently rounded. A currency sign typed in
// front is ignored.
export function parseMoney(text, currency) {
  const places = decimals(currency);
  const example = places === 0 ? "1250" : `12.${"5".padEnd(places, "0")}`;
  const raw = String(text ?? "").trim().replace(/^[^\d.]+/, "").trim();
  if (raw === "") throw new Error(`Enter a price, like ${example}.`);
  const parts = raw.split(".");
  if (parts.length > 2) throw new Error(`Enter a price with one decimal point, like ${example}.`);
  const [whole, frac = ""] = parts;
  if (!/^\d*$/.test(whole) || !/^\d*$/.test(frac) || (whole === "" && frac === "")) {
    throw new Error(`Enter a price using digits only, like ${example}.`);
  }
  if (frac.length > places) {
    throw new Error(places === 0 ? `Prices in ${currency || DEFAULT_CURRENCY} have no decimals, like ${example}.` : `A price has at most ${places} decimals, like ${example}.`);
  }
  const units = BigInt(whole || "0") * 10n ** BigInt(places) + BigInt(frac.padEnd(places, "0") || "0");
  if (units > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error("That price is too large.");
  return Number(units);
}
