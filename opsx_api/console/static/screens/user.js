// One user: edit, deactivate (confirm, then the receipt), reactivate, emails, device.
import { api } from "../api.js";
import { attempt, field, h, select, show, table, values, writeButton } from "../dom.js";
import { when } from "../errors.js";
import { devices } from "./devices.js";

const DEACTIVATE = "POST /admin/users/{}/deactivate";

function receipt(done, name) {
  return h("section", { class: "panel receipt", id: "receipt", "aria-label": "Receipt" },
    h("h2", {}, `${name} is deactivated: receipt`),
    h("dl", {},
      h("dt", {}, "Sessions revoked"), h("dd", { id: "sessions-revoked" }, done.sessions_revoked),
      h("dt", {}, "Push tokens removed"),
      h("dd", { id: "push-tokens-removed" }, done.push_tokens_removed),
      h("dt", {}, "Pushes cancelled"), h("dd", { id: "pushes-cancelled" }, done.pushes_cancelled)),
    h("p", {}, "Their phone's next request is refused; they cannot sign in again until " +
      "reactivated."));
}

function editForm(user, box, redraw) {
  const form = h("form", { id: "edit-user", "aria-label": "Edit user" },
    h("h2", {}, "Name and role"),
    h("div", { class: "row" },
      field("Name", h("input", { name: "name", value: user.name, required: true })),
      field("Role", select("role", [["member", "Member"], ["admin", "Admin"]], user.role)),
      writeButton("Save", null, { call: "PATCH /admin/users/{}" })));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const saved = await attempt(box, () =>
      api("PATCH", `/admin/users/${user.id}`, { body: values(form) }));
    if (saved) { await redraw(); show(box, "Saved.", "ok"); }
  });
  return form;
}

function deactivation(user, box, redraw) {
  const panel = h("section", { class: "panel", id: "deactivation" });
  const reason = h("input", { name: "reason", maxlength: "500" });
  const ask = () => panel.replaceChildren(
    h("p", { role: "alert" }, `Deactivate ${user.name}? Every session and push ` +
      "registration ends now and queued pushes are cancelled."),
    h("div", { class: "row" },
      writeButton("Yes, deactivate", async () => {
        const done = await attempt(box, () => api("POST",
          `/admin/users/${user.id}/deactivate`, { body: { reason: reason.value || null } }));
        if (done) { await redraw(); box.replaceChildren(receipt(done, user.name)); }
      }, { class: "danger", id: "confirm-deactivate", call: DEACTIVATE }),
      h("button", { type: "button", class: "secondary", onclick: start }, "Cancel")));
  function start() {
    panel.replaceChildren(h("h2", {}, "Deactivate"), h("div", { class: "row" },
      field("Reason (optional)", reason),
      writeButton("Deactivate…", ask, { class: "danger", id: "deactivate", call: DEACTIVATE })));
  }
  start();
  return panel;
}

function accountActions(user, box, redraw) {
  const post = (path, done) => async () => {
    const answer = await attempt(box, () => api("POST", `/admin/users/${user.id}/${path}`));
    if (answer) { await redraw(); show(box, done(answer), "ok"); }
  };
  const actions = [];
  if (user.status === "deactivated") {
    actions.push(writeButton("Reactivate", post("reactivate",
      () => `${user.name} can sign in again.`), { call: "POST /admin/users/{}/reactivate", id: "reactivate" }));
  }
  if (user.status === "invited") {
    actions.push(writeButton("Send the invitation again", post("invitation",
      (sent) => `Invitation sent to ${sent.sent_to}.`), { call: "POST /admin/users/{}/invitation" }));
  }
  if (user.status === "active") {
    actions.push(writeButton("Email a password-reset link", post("password-reset",
      (sent) => `A reset link was sent to ${sent.sent_to}.`),
      { call: "POST /admin/users/{}/password-reset" }));
  }
  return h("div", { class: "row" }, actions);
}

export async function render(main, id) {
  const box = h("div", { id: "user-message" });
  const body = h("div");
  async function redraw() {
    const user = await attempt(box, () => api("GET", `/admin/users/${id}`));
    if (!user) return;
    body.replaceChildren(...[
      h("h1", {}, user.name),
      table([["Email", (u) => u.email], ["Role", (u) => u.role],
        ["Status", (u) => h("span", { id: "user-status" }, u.status)],
        ["Created", (u) => when(u.created_at)]], [user], "User"),
      accountActions(user, box, redraw),
      user.status === "deactivated" ? null : editForm(user, box, redraw),
      user.status === "deactivated" ? null : deactivation(user, box, redraw),
      await devices(user, box)].filter(Boolean));
  }
  main.append(h("p", {}, h("a", { href: "#/users" }, "← All users")), box, body);
  await redraw();
}
