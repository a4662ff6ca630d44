// A user's device session(s) and the release of a device.
import { api } from "../api.js";
import { attempt, h, show, table, writeButton } from "../dom.js";
import { when } from "../errors.js";

export async function devices(user, box) {
  const section = h("section", { id: "devices", "aria-label": "Device" },
    h("h2", {}, "Device"));
  async function load() {
    const page = await attempt(box, () => api("GET", `/admin/users/${user.id}/sessions`));
    if (!page) return;
    const live = page.data.filter((s) => s.live);
    section.replaceChildren(h("h2", {}, "Device"), live.length ? table([
      ["Device", (s) => `${s.device.name || "Unnamed"} (${s.device.platform})`],
      ["Signed in", (s) => when(s.created_at)], ["Last seen", (s) => when(s.last_seen_at)],
      ["Push", (s) => (s.push_registered ? "registered" : "none")],
      ["", (s) => writeButton("Release this device", async () => {
        const done = await attempt(box, () => api("DELETE", `/admin/sessions/${s.id}`));
        if (done === undefined) return;
        show(box, `Released ${s.device.name || "the device"}: it is signed out, ` +
          `and ${user.name} can sign in on another device.`, "ok");
        await load();
      }, { class: "danger", "data-session": s.id, call: "DELETE /admin/sessions/{}" })],
    ], live, "Live device") : h("p", { id: "no-device" }, "No device is signed in."),
    page.data.length > live.length ? h("p", {},
      `${page.data.length - live.length} earlier session(s) ended.`) : "");
  }
  await load();
  return section;
}
