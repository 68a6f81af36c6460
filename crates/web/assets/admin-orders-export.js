// The CSV export of the orders the filters select, downloaded under the
// name the server gives it.
import { request, query } from "./api.js";
import { $, el } from "./dom.js";
import { localDate } from "./dates.js";
import { describe } from "./messages.js";
import { toast } from "./toast.js";

function contentFileName(header) {
  if (!header) return null;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  let name = null;
  try {
    name = star ? decodeURIComponent(star[1].trim()) : null;
  } catch {
    name = null;
  }
  if (!name) {
    const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header);
    name = plain && plain[1].trim();
  }
  // A file name, not a path.
  return name ? name.replace(/[\\/\u0000-\u001f]/g, "_") : null;
}

function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = el("a", { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  // Revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// `filters()` gives the list's current filters.
export function initOrderExport({ perms, filters }) {
  const button = $("export-csv");
  // Hidden in the page until now, so nobody sees a control they may not use.
  if (!perms.has("exportOrders")) {
    button.remove();
    return;
  }
  button.hidden = false;
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const { q, status, customerId, from, to } = filters();
      const res = await request("GET", `/api/orders/export/csv${query({ q, status, customerId, from, to })}`, {
        raw: true,
        headers: { Accept: "text/csv, application/problem+json" },
      });
      const blob = await res.blob();
      const name = contentFileName(res.headers.get("Content-Disposition")) || `orders-${localDate(new Date())}.csv`;
      download(blob, name);
      toast(`Downloaded ${name}.`, "success");
    } catch (err) {
      toast(describe(err), "error");
    } finally {
      button.disabled = false;
    }
  });
}
