// The shell: navigation by the URL's #fragment, the support banner, sign-out.
import { leaveSupport, may, signedIn, signOut, state } from "./api.js";
import { h } from "./dom.js";
import { when } from "./errors.js";
import * as audit from "./screens/audit.js";
import * as broadcasts from "./screens/broadcasts.js";
import * as grants from "./screens/grants.js";
import * as operator from "./screens/operator.js";
import * as prospect from "./screens/prospect.js";
import * as prospects from "./screens/prospects.js";
import * as settings from "./screens/settings.js";
import * as signin from "./screens/signin.js";
import * as support from "./screens/support.js";
import * as user from "./screens/user.js";
import * as users from "./screens/users.js";

// Each screen with the call that reads it: shown when the caller may make it.
const SCREENS = [
  ["users", "Users", users, "GET /admin/users"],
  ["audit", "Audit trail", audit, "GET /admin/audit-events"],
  ["grants", "Support access", grants, "GET /admin/support-grants"],
  ["broadcasts", "Broadcasts", broadcasts, "GET /admin/notifications"],
  ["prospects", "Prospects", prospects, "GET /prospects"],
  ["settings", "Settings", settings, "GET /admin/client"],
  ["support", "Support", support, "GET /support/grants"],
  ["operator", "Clients", operator, "GET /operator/clients"],
];
const DETAIL = { users: user, prospects: prospect };

const screensFor = () => SCREENS.filter(([, , , call]) => may(call));

export function home() {
  const screens = screensFor();
  return screens.length ? `#/${screens[0][0]}` : "#/";
}

function drawNav(current) {
  const links = screensFor().map(([slug, title]) =>
    h("a", { href: `#/${slug}`, "aria-current": slug === current ? "page" : null }, title));
  document.getElementById("nav").replaceChildren(...links);
  const who = document.getElementById("who");
  who.replaceChildren();
  if (!signedIn()) return;
  who.append(`${state.user.name} (${state.user.role}) `);
  if (state.support) {
    who.append(h("button", { type: "button", class: "link",
      onclick: async () => { await leaveSupport(); location.hash = "#/support"; } },
      "Leave support session"), " ");
  }
  who.append(h("button", { type: "button", class: "link", id: "sign-out",
    onclick: async () => { await signOut(); location.hash = "#/"; } }, "Sign out"));
}

function drawBanner() {
  const banner = document.getElementById("banner");
  if (!state.support) { banner.hidden = true; banner.replaceChildren(); return; }
  const { client, scope, expires_at: expires } = state.support;
  banner.hidden = false;
  banner.replaceChildren(
    `Support session for ${client.name}: ${scope === "read" ? "read-only" : "read and write"} ` +
    `access (a ${scope} grant) until ${when(expires)}.`);
}

async function route() {
  const main = document.getElementById("main");
  const [slug = "", id] = location.hash.replace(/^#\/?/, "").split("/");
  drawBanner();
  if (!signedIn()) {
    drawNav(null);
    await signin.render(main);
    return;
  }
  const screen = screensFor().find(([name]) => name === slug);
  if (!screen) { location.replace(home()); return; }
  drawNav(slug);
  const module = id && DETAIL[slug] ? DETAIL[slug] : screen[2];
  main.replaceChildren();
  await module.render(main, decodeURIComponent(id || ""));
  main.focus();
}

window.addEventListener("hashchange", route);
window.addEventListener("opsx:signed-out", () => route());
window.addEventListener("opsx:navigate", route);
window.addEventListener("opsx:support-ended", () => {
  if (location.hash === home()) route();
  else location.hash = home();
});
route();
