import { signIn } from "../api.js";
import { attempt, field, h, values } from "../dom.js";

export async function render(main) {
  const box = h("div", { id: "signin-message" });
  const form = h("form", { id: "signin", novalidate: true },
    h("div", { class: "row" },
      field("Email", h("input", { name: "email", type: "email", autocomplete: "username",
        required: true })),
      field("Password", h("input", { name: "password", type: "password",
        autocomplete: "current-password", required: true })),
      h("button", { type: "submit" }, "Sign in")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const { email, password } = values(form);
    const user = await attempt(box, () => signIn(email, password));
    if (!user) return;
    const { home } = await import("../app.js");
    if (location.hash === home()) window.dispatchEvent(new Event("opsx:navigate"));
    else location.hash = home();
  });
  main.replaceChildren(h("h1", {}, "Sign in"),
    h("p", {}, "Signing in here is a login on a web device, like the phone app's: " +
      "it counts as your one device."), box, form);
  form.querySelector("input").focus();
}
