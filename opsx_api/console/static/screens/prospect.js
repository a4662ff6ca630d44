// One prospect and its notes.
import { api } from "../api.js";
import { attempt, field, h, show, table, writeButton } from "../dom.js";
import { when } from "../errors.js";

export async function render(main, id) {
  const box = h("div", { id: "prospect-message" });
  main.append(h("p", {}, h("a", { href: "#/prospects" }, "← All prospects")), box);
  const prospect = await attempt(box, () => api("GET", `/prospects/${id}`));
  if (!prospect) return;
  const rows = [["Phone", prospect.phone], ["Email", prospect.email],
    ["Status", prospect.status], ["Address", prospect.address],
    ["Assigned to", prospect.assigned_to], ["Updated", when(prospect.updated_at)],
    ...Object.entries(prospect.fields || {}).map(([key, value]) =>
      [key, typeof value === "string" ? value : JSON.stringify(value)])];
  const notes = h("div");
  async function loadNotes() {
    const page = await attempt(box, () => api("GET", `/prospects/${id}/notes`));
    if (page) {
      notes.replaceChildren(page.data.length ? table([["When", (n) => when(n.created_at)],
        ["Note", (n) => n.body]], page.data, "Notes") : h("p", {}, "No note yet."));
    }
  }
  const text = h("textarea", { name: "body", required: true, maxlength: "5000" });
  const form = h("form", { "aria-label": "Add a note" }, field("New note", text),
    h("p", {}, writeButton("Add note", null, { call: "POST /prospects/{}/notes" })));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const added = await attempt(box, () =>
      api("POST", `/prospects/${id}/notes`, { body: { body: text.value } }));
    if (added) { form.reset(); show(box, "Note added.", "ok"); await loadNotes(); }
  });
  main.append(h("h1", {}, prospect.name),
    table([["Field", (r) => r[0]], ["Value", (r) => r[1] ?? ""]], rows, "Prospect"),
    h("h2", {}, "Notes"), notes, form);
  await loadNotes();
}
