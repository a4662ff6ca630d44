// The one door to the JSON API. Tokens live in this module's memory only:
// no cookie (nothing for CSRF to ride on), no storage a script could read later.
import { sentence } from "./errors.js";

const BASE = "/api/v1";
const DEVICE_KEY = "opsx-console-device"; // an install id, not a secret

// `notice`: a sentence the next screen shows once (e.g. a support session ended).
export const state = { user: null, support: null, calls: new Set(), notice: null };
let tokens = { access: null, refresh: null };
let staffTokens = null; // support staff's own tokens while in a support session

export class ApiFailure extends Error {
  constructor(status, error) {
    super(sentence(status, error));
    this.status = status;
    this.code = error ? error.code : "network";
  }
}

export function deviceId() {
  let id = localStorage.getItem(DEVICE_KEY);
  if (!id) {
    id = crypto.randomUUID();
    localStorage.setItem(DEVICE_KEY, id);
  }
  return id;
}

function browserName() {
  const agent = navigator.userAgent;
  const name = /Firefox\//.test(agent) ? "Firefox" : /Edg\//.test(agent) ? "Edge"
    : /Chrom/.test(agent) ? "Chromium" : /Safari\//.test(agent) ? "Safari" : "a browser";
  return `Web console (${name})`;
}

async function send(method, path, { body, contentType, raw, token } = {}) {
  const headers = {};
  const bearer = token === undefined ? tokens.access : token;
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  let payload;
  if (body !== undefined) {
    headers["Content-Type"] = contentType || "application/json";
    payload = contentType ? body : JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(BASE + path, { method, headers, body: payload,
      credentials: "omit", cache: "no-store" });
  } catch (error) {
    throw new ApiFailure(0, null);
  }
  if (response.ok) {
    if (raw) return response;
    return response.status === 204 ? null : response.json();
  }
  let error = null;
  try { error = (await response.json()).error; } catch (ignored) { /* not JSON */ }
  throw new ApiFailure(response.status, error);
}

async function refreshed() {
  if (!tokens.refresh || state.support) return false;
  try {
    const pair = await send("POST", "/auth/refresh",
      { body: { refresh_token: tokens.refresh }, token: null });
    tokens = { access: pair.access_token, refresh: pair.refresh_token };
    return true;
  } catch (error) {
    return false;
  }
}

// Any call; an expired access token is refreshed once, then the call is retried.
export async function api(method, path, options = {}) {
  try {
    return await send(method, path, options);
  } catch (error) {
    if (error.status === 401 && error.code === "invalid_token" && await refreshed()) {
      return send(method, path, options);
    }
    if (error.status === 401 && state.support && staffTokens) {
      await leaveSupport(); // back to the staff member's own token
      state.notice = "The support session has ended: the grant expired or was revoked.";
      window.dispatchEvent(new Event("opsx:support-ended"));
    } else if (error.status === 401 && tokens.access) {
      forget();
    }
    throw error;
  }
}

// Which API calls this caller may make, as the server's own access check says.
async function loadCalls() {
  const answer = await send("GET", "/access");
  state.calls = new Set(answer.calls);
}

export async function signIn(email, password) {
  const device = { id: deviceId(), platform: "web", name: browserName() };
  const pair = await send("POST", "/auth/login",
    { body: { email, password, device }, token: null });
  tokens = { access: pair.access_token, refresh: pair.refresh_token };
  state.user = pair.user;
  state.support = null;
  await loadCalls();
  return pair.user;
}

export async function enterSupport(grant) {
  const opened = await api("POST", "/support/sessions", { body: { grant_id: grant.id } });
  staffTokens = tokens;
  tokens = { access: opened.access_token, refresh: null };
  state.support = { client: opened.client, scope: opened.session.scope,
    expires_at: opened.session.expires_at };
  await loadCalls();
}

export async function leaveSupport() {
  if (staffTokens) tokens = staffTokens;
  staffTokens = null;
  state.support = null;
  if (tokens.access) await loadCalls();
}

export async function signOut() {
  if (staffTokens) tokens = staffTokens;
  staffTokens = null;
  try {
    if (tokens.access) await send("POST", "/auth/logout");
  } finally {
    forget();
  }
}

function forget() {
  tokens = { access: null, refresh: null };
  staffTokens = null;
  state.user = null;
  state.support = null;
  state.calls = new Set();
  window.dispatchEvent(new Event("opsx:signed-out"));
}

export const signedIn = () => Boolean(tokens.access);
// `call` is "METHOD /path/{}/...", an API route with its parameters as {}.
export const may = (call) => state.calls.has(call);
