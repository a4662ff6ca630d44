// Support grants: grant, extend, revoke, and who is in a session now.
import { api } from "../api.js";
import { attempt, field, h, select, show, table, values, writeButton } from "../dom.js";
import { when } from "../errors.js";

function grantForm(box, reload) {
  const form = h("form", { id: "grant-form", "aria-label": "Grant support access" },
    h("h2", {}, "Grant support access"), h("div", { class: "row" },
      field("Scope", select("scope", [["read", "Read only"], ["write", "Read and write"]],
        "read")),
      field("Reason (e.g. the ticket)", h("input", { name: "reason", required: true })),
      field("Hours (1 to 168)", h("input", { name: "duration_hours", type: "number",
        min: "1", max: "168", value: "24", required: true })),
      writeButton("Grant", null, { call: "POST /admin/support-grants" })));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = values(form);
    body.duration_hours = Number(body.duration_hours);
    const grant = await attempt(box, () => api("POST", "/admin/support-grants", { body }));
    if (!grant) return;
    show(box, `Support may enter (${grant.scope}) until ${when(grant.expires_at)}.`, "ok");
    await reload();
  });
  return form;
}

function controls(grant, box, reload) {
  if (grant.status !== "live") return "";
  const hours = h("input", { type: "number", min: "1", max: "168", value: "24",
    "aria-label": "Hours from now" });
  const who = h("span", { class: "who" });
  return h("div", { class: "row" }, hours,
    writeButton("Extend", async () => {
      const body = { duration_hours: Number(hours.value) };
      const done = await attempt(box, () =>
        api("PATCH", `/admin/support-grants/${grant.id}`, { body }));
      if (done) { await reload(); show(box, `Extended until ${when(done.expires_at)}.`, "ok"); }
    }, { call: "PATCH /admin/support-grants/{}" }),
    writeButton("Revoke", async () => {
      const done = await attempt(box, () => api("DELETE", `/admin/support-grants/${grant.id}`));
      if (done === undefined) return;
      await reload();
      show(box, "Revoked: support sessions on this grant end now.", "ok");
    }, { call: "DELETE /admin/support-grants/{}", class: "danger" }),
    h("button", { type: "button", class: "secondary", onclick: async () => {
      const page = await attempt(box, () =>
        api("GET", `/admin/support-grants/${grant.id}/sessions`));
      if (!page) return;
      const now = page.data.filter((s) => !s.ended_at && new Date(s.expires_at) > new Date());
      who.textContent = now.length
        ? `In a session now: ${now.map((s) => s.staff.name).join(", ")}.`
        : "Nobody is in a session now.";
    } }, "Who is in now?"), who);
}

export async function render(main) {
  const box = h("div", { id: "grants-message" });
  const list = h("div", { id: "grants-list" });
  async function reload() {
    const page = await attempt(box, () => api("GET", "/admin/support-grants?limit=50"));
    if (!page) return;
    list.replaceChildren(h("h2", {}, "Grants"), page.data.length ? table([
      ["Scope", (g) => g.scope], ["Reason", (g) => g.reason], ["Status", (g) => g.status],
      ["Until", (g) => when(g.revoked_at || g.expires_at)],
      ["", (g) => controls(g, box, reload)],
    ], page.data, "Support grants") : h("p", {}, "No grant yet."));
  }
  main.append(h("h1", {}, "Support access"),
    h("p", {}, "Support staff can enter this company only under a grant you give, " +
      "and only until it expires or you revoke it."), box, grantForm(box, reload), list);
  await reload();
}
