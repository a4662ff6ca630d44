// Small DOM builders. Text always goes in as text nodes (never as markup), so a
// user's name cannot become markup.
import { may } from "./api.js";

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "text") el.textContent = value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

let fieldCount = 0;

// A labelled control: h("input"/"select"/"textarea") wrapped in its label.
export function field(label, control) {
  if (!control.id) control.id = `f${++fieldCount}`;
  return h("label", { for: control.id }, label, control);
}

export function select(name, options, value) {
  return h("select", { name },
    options.map(([optionValue, text]) =>
      h("option", { value: optionValue, selected: optionValue === value }, text)));
}

// A control that changes data through `call` ("POST /admin/users/{}/deactivate").
// It is greyed out when the server says this caller may not make that call
// (a read grant, a support session on identities); the API refuses it anyway.
export function writeButton(label, onclick, { call, ...attrs }) {
  const locked = !may(call);
  return h("button", { type: onclick ? "button" : "submit", onclick, "data-write": call,
    disabled: locked, title: locked ? "You may not do this here" : null, ...attrs }, label);
}

export function message(text, kind = "error") {
  return h("div", { class: `message ${kind}`, role: kind === "error" ? "alert" : "status" },
    text);
}

// Replace the contents of `box` with a message for this outcome.
export function show(box, text, kind = "error") {
  box.replaceChildren(message(text, kind));
}

export function table(columns, rows, caption) {
  return h("div", { class: "scroll" }, h("table", {},
    caption ? h("caption", { class: "skip" }, caption) : null,
    h("thead", {}, h("tr", {}, columns.map(([title]) => h("th", { scope: "col" }, title)))),
    h("tbody", {}, rows.map((row) =>
      h("tr", {}, columns.map(([, cell]) => h("td", {}, cell(row))))))));
}

// Run `work`; show its failure as a sentence in `box`.
export async function attempt(box, work) {
  try {
    return await work();
  } catch (error) {
    show(box, error.message);
    return undefined;
  }
}

export const values = (form) => Object.fromEntries(new FormData(form).entries());
