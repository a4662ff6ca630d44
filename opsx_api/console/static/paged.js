// A list with filters and keyset pages (`limit`, `cursor`, `next_cursor`).
import { api } from "./api.js";
import { attempt, h, table, values } from "./dom.js";

// `query(filterValues)` gives the filter parameters; `columns` and `caption`
// draw the rows; `empty` is said when nothing matches. Returns `reload()`.
export function pagedList({ box, list, filters, path, limit = 25, query, columns, caption,
  empty }) {
  let cursors = [null];
  async function load() {
    const args = new URLSearchParams({ limit: String(limit) });
    for (const [name, value] of Object.entries(query(values(filters)))) {
      if (value) args.set(name, value);
    }
    const cursor = cursors[cursors.length - 1];
    if (cursor) args.set("cursor", cursor);
    const page = await attempt(box, () => api("GET", `${path}?${args}`));
    if (!page) return;
    list.replaceChildren(
      page.data.length ? table(columns, page.data, caption) : h("p", {}, empty),
      h("div", { class: "row" },
        h("button", { type: "button", class: "secondary", disabled: cursors.length < 2,
          onclick: () => { cursors.pop(); load(); } }, "Previous page"),
        h("button", { type: "button", class: "secondary", disabled: !page.next_cursor,
          onclick: () => { cursors.push(page.next_cursor); load(); } }, "Next page")));
  }
  function reload() {
    cursors = [null];
    return load();
  }
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    reload();
  });
  return reload;
}
