// Tables read a page at a time, newest answer only: the catalogue and the
// customers panels, narrowed by a search box and grown by "Load more"
// (the API's cursor), and the pieces the orders table shares with them.
import { query, request } from "./api.js";
import { el } from "./dom.js";
import { showError } from "./fields.js";
import { describe } from "./messages.js";
import { staleGuard } from "./stale.js";
import { debounce } from "./timing.js";

// Rows per page: a screenful, well under the API's largest page.
export const PAGE_SIZE = 20;

// Runs `run` once typing pauses; Enter in the box must not submit a form.
export function watchSearch(input, run, ms = 250) {
  input.addEventListener("input", debounce(run, ms));
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault();
  });
}

export function emptyRow(columns, text) {
  return el("tr", { class: "empty-row" }, el("td", { colspan: String(columns), class: "empty", text }));
}

/**
 * The list at `path` (`/api/products`, with the query `params()` gives)
 * in `table`, searched by `search`,
 * one `row(item)` each; `empty` says no item matches, across `columns`.
 * Read first when `show()` is called, so a hidden panel costs nothing.
 */
export function initCursorList({ path, params = () => ({}), table, search, more, errorNode, row, empty, columns }) {
  const begin = staleGuard();
  let nextCursor = null;
  let shown = false;

  async function load(reset) {
    const stale = begin();
    if (reset) nextCursor = null;
    more.disabled = true;
    try {
      const page = await request("GET", `${path}${query({ ...params(), q: search.value.trim(), limit: PAGE_SIZE, cursor: reset ? null : nextCursor })}`);
      if (stale()) return;
      const rows = page.items.map((item) => row(item));
      if (reset) table.replaceChildren(...(rows.length ? rows : [emptyRow(columns, empty)]));
      else table.append(...rows);
      nextCursor = page.nextCursor || null;
      showError(errorNode, "");
    } catch (err) {
      if (!stale()) showError(errorNode, describe(err));
    } finally {
      if (!stale()) {
        more.hidden = !nextCursor;
        more.disabled = false;
      }
    }
  }

  watchSearch(search, () => load(true));
  more.addEventListener("click", () => load(false));

  return {
    reload: () => load(true),
    show() {
      if (shown) return;
      shown = true;
      load(true);
    },
  };
}
