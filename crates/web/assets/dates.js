// Dates as a person means them: a day picked in a date input runs from
// local midnight to local midnight, wherever the server is; times are
// shown in the browser's own locale.
import { el } from "./dom.js";

// "2026-11-25" as the local midnight starting that day (plus `days`), in RFC 3339.
export function localMidnight(value, days = 0) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || "");
  if (!match) return "";
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + days).toISOString();
}

// The day `d` falls on here, as a date input writes it: "2026-11-25".
export function localDate(d = new Date()) {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

export function todayStart() {
  return localMidnight(localDate());
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function dateTime(iso) {
  const when = new Date(iso);
  return Number.isNaN(when.getTime()) ? String(iso ?? "") : dateFormat.format(when);
}

export function timeEl(iso) {
  return el("time", { datetime: iso, text: dateTime(iso) });
}
