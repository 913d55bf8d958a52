// Sign in with email and password. Errors from the API (wrong password, too many tries)
// are shown in words in the error summary, which is announced and takes focus.

import { api } from "../api.js";
import { checkEmail, errorSummary, handleForm, submitButton, textField } from "../components/form.js";
import { h } from "../dom.js";
import { href, safeReturnPath } from "../router.js";

export default {
  guestOnly: true,

  async render(ctx) {
    const summary = errorSummary();
    const email = textField({
      name: "email",
      label: "Email address",
      type: "email",
      autocomplete: "username",
      width: "full",
    });
    const password = textField({
      name: "password",
      label: "Password",
      type: "password",
      autocomplete: "current-password",
      width: "full",
    });
    const form = h(
      "form",
      { class: "form", "aria-labelledby": "page-heading" },
      email.element,
      password.element,
      submitButton("Sign in"),
    );

    handleForm(form, {
      fields: [email, password],
      summary,
      validate: () => [
        ...checkEmail(email),
        ...(password.input.value ? [] : [{ field: password, text: "Enter your password" }]),
      ],
      async submit() {
        const me = await api.login(email.input.value.trim(), password.input.value);
        ctx.signedIn(me);
        ctx.go(safeReturnPath(ctx.query.get("next")));
      },
      describeError(error) {
        if (error.code === "invalid_credentials" || error.code === "sign_in_throttled") {
          password.input.value = "";
          return { items: [{ text: error.detail, field: email }] };
        }
        return undefined;
      },
    });

    return {
      title: "Sign in",
      node: h(
        "div",
        { class: "narrow" },
        h("h1", { id: "page-heading", tabindex: "-1" }, "Sign in"),
        summary.element,
        h(
          "p",
          { class: "lead" },
          "Sign in to take part. Nothing you post or vote is ever shown with your name.",
        ),
        form,
        h("h2", { class: "heading-m" }, "No password yet, or forgotten it?"),
        h(
          "p",
          {},
          "We can email you a link to choose a new password. ",
          h("a", { href: href("/request-link") }, "Send me a new sign-in link"),
        ),
      ),
    };
  },
};
