// Support staff: the live grants, and entering a company under one.
import { api, enterSupport, state } from "../api.js";
import { attempt, h, message, table } from "../dom.js";
import { when } from "../errors.js";

export async function render(main) {
  const box = h("div", { id: "support-message" });
  if (state.notice) box.append(message(state.notice));
  state.notice = null;
  main.append(h("h1", {}, "Support"), box);
  const page = await attempt(box, () => api("GET", "/support/grants?limit=100"));
  if (!page) return;
  main.append(page.data.length ? table([
    ["Company", (g) => g.client.name], ["Scope", (g) => g.scope], ["Reason", (g) => g.reason],
    ["Until", (g) => when(g.expires_at)],
    ["", (g) => h("button", { type: "button", "data-grant": g.id, onclick: async () => {
      const entered = await attempt(box, () => enterSupport(g).then(() => true));
      if (entered) location.hash = "#/users";
    } }, `Enter ${g.client.name}`)],
  ], page.data, "Live grants") : h("p", {}, "No company has granted support access now."));
}
