// Broadcasts: compose, then the delivery counts updating until nothing is queued.
import { api } from "../api.js";
import { attempt, field, h, show, table, values, writeButton } from "../dom.js";
import { when } from "../errors.js";

const COUNTS = ["queued", "sent", "invalid_token", "failed", "cancelled"];
const POLL_MS = 1000;

function countsTable(report) {
  return table(COUNTS.map((name) => [name.replace("_", " "),
    (r) => h("span", { "data-count": name }, r.counts[name])]), [report], "Delivery counts");
}

async function follow(id, panel, box) {
  for (;;) {
    if (!panel.isConnected) return; // the admin went to another screen
    const report = await attempt(box, () => api("GET", `/admin/notifications/${id}`));
    if (!report) return;
    const done = report.counts.queued === 0;
    panel.replaceChildren(h("h2", {}, `“${report.title}”`),
      h("p", { id: "broadcast-state", role: "status" }, done
        ? `Done: ${report.counts.sent} of ${report.pushes} pushes delivered to ` +
          `${report.recipients} recipients' inboxes.`
        : `Sending… ${report.counts.queued} of ${report.pushes} pushes still queued.`),
      countsTable(report));
    if (done) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export async function render(main) {
  const box = h("div", { id: "broadcast-message" });
  const panel = h("section", { id: "broadcast-report", class: "panel", "aria-live": "polite" });
  const form = h("form", { id: "broadcast-form", "aria-label": "Compose a broadcast" },
    h("h2", {}, "Compose"),
    h("div", { class: "row" },
      field("Title", h("input", { name: "title", maxlength: "200", required: true })),
      field("Message", h("textarea", { name: "body", maxlength: "2000", required: true })),
      writeButton("Send to everyone", null, { call: "POST /admin/notifications" })));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const sent = await attempt(box, () =>
      api("POST", "/admin/notifications", { body: values(form) }));
    if (!sent) return;
    form.reset();
    show(box, `Queued for ${sent.recipients} people (${sent.queued} phones).`, "ok");
    await follow(sent.id, panel, box);
  });
  const recent = h("div");
  const page = await attempt(box, () => api("GET", "/admin/notifications?limit=10"));
  if (page && page.data.length) {
    recent.append(h("h2", {}, "Recent"), table([
      ["Sent", (b) => when(b.created_at)], ["Title", (b) => b.title],
      ["Delivered", (b) => `${b.counts.sent} of ${b.pushes}`],
    ], page.data, "Recent broadcasts"));
  }
  main.append(h("h1", {}, "Broadcasts"), box, form, panel, recent);
}
