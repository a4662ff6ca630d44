// Prospects: search and pages; import a CSV (per-row errors shown); export.
import { api } from "../api.js";
import { attempt, field, h, select, show, table, writeButton } from "../dom.js";
import { pagedList } from "../paged.js";
import { when } from "../errors.js";

const STATUSES = [["", "Any status"], ["new", "New"], ["contacted", "Contacted"],
  ["qualified", "Qualified"], ["won", "Won"], ["lost", "Lost"]];

const problems = (errors) => Object.entries(errors)
  .map(([column, text]) => `${column}: ${[].concat(text).join(" ")}`).join("; ");

function importForm(box, reload) {
  const file = h("input", { name: "file", type: "file", accept: ".csv,text/csv",
    required: true });
  const result = h("div", { id: "import-result", "aria-live": "polite" });
  const form = h("form", { id: "import-form", "aria-label": "Import prospects" },
    h("h2", {}, "Import a CSV file"),
    h("div", { class: "row" }, field("CSV file (a name column is required)", file),
      writeButton("Import", null, { call: "POST /prospects/import" })), result);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!file.files.length) { show(result, "Choose a CSV file first."); return; }
    const text = await file.files[0].text();
    const done = await attempt(result, () => api("POST", "/prospects/import",
      { body: text, contentType: "text/csv" }));
    if (!done) return;
    result.replaceChildren(h("p", { role: "status" },
      `Created ${done.created}, updated ${done.updated}, unchanged ${done.unchanged}; ` +
      `${done.errors.length} row(s) refused.`),
    done.errors.length ? table([["Line", (e) => e.row],
      ["What is wrong", (e) => problems(e.errors)]], done.errors, "Refused rows") : "");
    await reload();
  });
  return form;
}

async function download(box) {
  const response = await attempt(box, () => api("GET", "/prospects/export", { raw: true }));
  if (!response) return;
  const name = (response.headers.get("Content-Disposition") || "").match(/filename="(.+)"/);
  const link = h("a", { href: URL.createObjectURL(await response.blob()),
    download: name ? name[1] : "prospects.csv" });
  document.body.append(link);
  link.click();
  link.remove();
  show(box, "The export was downloaded.", "ok");
}

export async function render(main) {
  const box = h("div", { id: "prospects-message" });
  const list = h("div", { id: "prospects-list" });
  const filters = h("form", { id: "prospect-filters", role: "search" }, h("div", { class: "row" },
    field("Search name, phone or email", h("input", { name: "q", type: "search" })),
    field("Status", select("status", STATUSES, "")),
    h("button", { type: "submit" }, "Search"),
    h("button", { type: "button", class: "secondary", onclick: () => download(box) },
      "Export CSV")));
  const reload = pagedList({ box, list, filters, path: "/prospects",
    query: ({ q, status }) => ({ q, status }), caption: "Prospects",
    empty: "No prospect matches.",
    columns: [
      ["Name", (p) => h("a", { href: `#/prospects/${p.id}` }, p.name)],
      ["Phone", (p) => p.phone || ""], ["Email", (p) => p.email || ""],
      ["Status", (p) => p.status], ["Updated", (p) => when(p.updated_at)],
    ] });
  main.append(h("h1", {}, "Prospects"), box, filters, list, importForm(box, reload));
  await reload();
}
