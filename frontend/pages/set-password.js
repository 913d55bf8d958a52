// Choose a password from an emailed one-time link (#/set-password?token=…), then go in.

import { api } from "../api.js";
import { errorSummary, handleForm, submitButton, textField } from "../components/form.js";
import { h } from "../dom.js";
import { href } from "../router.js";
import { passwordChecks, PASSWORD_HINT } from "../components/passwords.js";

function newLinkLink() {
  return h("p", {}, h("a", { href: href("/request-link") }, "Ask for a new sign-in link"));
}

export default {
  async render(ctx) {
    const token = ctx.query.get("token") || "";
    if (!token) {
      return {
        title: "This link is not complete",
        node: h(
          "div",
          { class: "narrow" },
          h("h1", { id: "page-heading", tabindex: "-1" }, "This link is not complete"),
          h(
            "p",
            {},
            "The sign-in link should end with a long code. Copy the whole link from the " +
              "email into your browser, or ask for a new one.",
          ),
          newLinkLink(),
        ),
      };
    }

    const summary = errorSummary();
    const password = textField({
      name: "password",
      label: "New password",
      hint: PASSWORD_HINT,
      type: "password",
      autocomplete: "new-password",
      width: "full",
    });
    const confirm = textField({
      name: "confirm",
      label: "Confirm new password",
      type: "password",
      autocomplete: "new-password",
      width: "full",
    });
    const form = h(
      "form",
      { class: "form", "aria-labelledby": "page-heading" },
      password.element,
      confirm.element,
      submitButton("Save password and sign in"),
    );

    handleForm(form, {
      fields: [password, confirm],
      summary,
      validate: () => passwordChecks(password, confirm),
      async submit() {
        const me = await api.setPassword(token, password.input.value);
        ctx.signedIn(me);
        ctx.flash("Your password is saved and you are signed in.", "success");
        ctx.go("/");
      },
      describeError(error) {
        if (error.code === "invalid_sign_in_link") {
          return { items: [{ text: error.detail }], after: newLinkLink() };
        }
        return undefined;
      },
    });

    return {
      title: "Choose your password",
      node: h(
        "div",
        { class: "narrow" },
        h("h1", { id: "page-heading", tabindex: "-1" }, "Choose your password"),
        summary.element,
        h(
          "p",
          { class: "lead" },
          "You will use this password with your email address to sign in to Candour.",
        ),
        form,
      ),
    };
  },
};
