// The audit trail: filters and pages, read-only.
import { field, h } from "../dom.js";
import { pagedList } from "../paged.js";
import { when } from "../errors.js";

export async function render(main) {
  const box = h("div", { id: "audit-message" });
  const list = h("div", { id: "audit-list" });
  const filters = h("form", { id: "audit-filters", role: "search" }, h("div", { class: "row" },
    field("Action (e.g. user.deactivated)", h("input", { name: "action" })),
    field("Actor id", h("input", { name: "actor_id" })),
    field("Since", h("input", { name: "since", type: "datetime-local" })),
    h("button", { type: "submit" }, "Filter")));
  const reload = pagedList({ box, list, filters, path: "/admin/audit-events",
    query: ({ action, actor_id: actor, since }) => ({ action, actor_id: actor,
      since: since && new Date(since).toISOString() }),
    caption: "Audit events", empty: "No event matches.",
    columns: [
      ["When", (e) => when(e.created_at)], ["Action", (e) => e.action],
      ["Actor", (e) => `${e.actor_role}${e.actor_id ? ` ${e.actor_id}` : ""}`],
      ["Target", (e) => (e.target_type ? `${e.target_type} ${e.target_id}` : "")],
      ["Details", (e) => Object.entries(e.details || {})
        .map(([key, value]) => `${key}: ${JSON.stringify(value)}`).join(", ")],
    ] });
  main.append(h("h1", {}, "Audit trail"), box, filters, list);
  await reload();
}
