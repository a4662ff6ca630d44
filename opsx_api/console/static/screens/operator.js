// The operator: client companies and their first admin.
import { api } from "../api.js";
import { attempt, field, h, select, show, table, values } from "../dom.js";
import { when } from "../errors.js";

export async function render(main) {
  const box = h("div", { id: "operator-message" });
  const list = h("div");
  async function load() {
    const page = await attempt(box, () => api("GET", "/operator/clients?limit=100"));
    if (!page) return;
    list.replaceChildren(table([["Company", (c) => c.name],
      ["Device policy", (c) => c.device_policy], ["Since", (c) => when(c.created_at)]],
    page.data, "Client companies"));
  }
  const form = h("form", { id: "client-form", "aria-label": "New client company" },
    h("h2", {}, "New client company"), h("div", { class: "row" },
      field("Company name", h("input", { name: "name", required: true })),
      field("Device policy", select("device_policy",
        [["reject", "reject"], ["replace", "replace"]], "reject")),
      field("First admin's email", h("input", { name: "email", type: "email", required: true })),
      field("First admin's name", h("input", { name: "admin_name", required: true })),
      field("First admin's password", h("input", { name: "password", type: "password",
        autocomplete: "new-password", required: true })),
      h("button", { type: "submit" }, "Create")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const v = values(form);
    const body = { name: v.name, device_policy: v.device_policy,
      admin: { email: v.email, name: v.admin_name, password: v.password } };
    const made = await attempt(box, () => api("POST", "/operator/clients", { body }));
    if (!made) return;
    form.reset();
    show(box, `${made.name} was created; its first admin can sign in.`, "ok");
    await load();
  });
  main.append(h("h1", {}, "Client companies"), box, form, list);
  await load();
}
