// Client settings: the device policy.
import { api } from "../api.js";
import { attempt, field, h, select, show, values, writeButton } from "../dom.js";

export async function render(main) {
  const box = h("div", { id: "settings-message" });
  main.append(h("h1", {}, "Settings"), box);
  const client = await attempt(box, () => api("GET", "/admin/client"));
  if (!client) return;
  const form = h("form", { id: "settings-form", "aria-label": "Company settings" },
    h("p", {}, `Company: ${client.name}`),
    field("When someone signs in on a second device",
      select("device_policy", [
        ["reject", "Refuse it until the first device is released (reject)"],
        ["replace", "Sign the first device out (replace)"]], client.device_policy)),
    h("p", {}, writeButton("Save", null, { call: "PATCH /admin/client" })));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const saved = await attempt(box, () =>
      api("PATCH", "/admin/client", { body: values(form) }));
    if (saved) show(box, `Saved: the device policy is now “${saved.device_policy}”.`, "ok");
  });
  main.append(form);
}
