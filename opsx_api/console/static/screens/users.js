// Users: search, filter by status, pages, create or invite.
import { api } from "../api.js";
import { attempt, field, h, select, show, values, writeButton } from "../dom.js";
import { pagedList } from "../paged.js";

const STATUSES = [["", "Any status"], ["active", "Active"], ["invited", "Invited"],
  ["deactivated", "Deactivated"]];

function createForm(box, reload) {
  const form = h("form", { id: "create-user", "aria-label": "Create or invite a user" },
    h("h2", {}, "Create or invite a user"),
    h("div", { class: "row" },
      field("Email", h("input", { name: "email", type: "email", required: true })),
      field("Name", h("input", { name: "name", required: true })),
      field("Role", select("role", [["member", "Member"], ["admin", "Admin"]], "member")),
      field("Password (leave empty to email an invitation)",
        h("input", { name: "password", type: "password", autocomplete: "new-password" })),
      writeButton("Create", null, { call: "POST /admin/users" })));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = values(form);
    if (!body.password) delete body.password;
    const made = await attempt(box, () => api("POST", "/admin/users", { body }));
    if (!made) return;
    form.reset();
    show(box, made.status === "invited"
      ? `Invitation sent to ${made.email}.` : `${made.name} can now sign in.`, "ok");
    reload();
  });
  return form;
}

export async function render(main) {
  const box = h("div", { id: "users-message" });
  const list = h("div", { id: "users-list" });
  const filters = h("form", { id: "user-filters", role: "search" },
    h("div", { class: "row" },
      field("Search name or email", h("input", { name: "q", type: "search" })),
      field("Status", select("status", STATUSES, "")),
      h("button", { type: "submit" }, "Search")));
  const reload = pagedList({ box, list, filters, path: "/admin/users", limit: 20,
    query: ({ q, status }) => ({ q, status }), caption: "Users", empty: "No user matches.",
    columns: [
      ["Name", (u) => h("a", { href: `#/users/${u.id}` }, u.name)],
      ["Email", (u) => u.email], ["Role", (u) => u.role], ["Status", (u) => u.status],
    ] });
  main.append(h("h1", {}, "Users"), box, filters, list, createForm(box, reload));
  await reload();
}
