// Change your password. Every other session of yours ends; this one carries on.

import { api } from "../api.js";
import { errorSummary, handleForm, submitButton, textField } from "../components/form.js";
import { PASSWORD_HINT, passwordChecks } from "../components/passwords.js";
import { h } from "../dom.js";
import { href } from "../router.js";

export default {
  auth: true,

  async render(ctx) {
    const summary = errorSummary();
    const current = textField({
      name: "current_password",
      label: "Current password",
      type: "password",
      autocomplete: "current-password",
      width: "full",
    });
    const password = textField({
      name: "new_password",
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
      current.element,
      password.element,
      confirm.element,
      submitButton("Change password"),
    );

    handleForm(form, {
      fields: [current, password, confirm],
      summary,
      validate: () => [
        ...(current.input.value ? [] : [{ field: current, text: "Enter your current password" }]),
        ...passwordChecks(password, confirm),
      ],
      async submit() {
        const me = await api.changePassword(current.input.value, password.input.value);
        ctx.signedIn(me);
        ctx.flash("Your password has been changed. You are signed out everywhere else.", "success");
        ctx.go("/");
      },
      describeError(error) {
        if (error.code === "invalid_credentials") {
          return { items: [{ text: error.detail, field: current }] };
        }
        return undefined;
      },
    });

    return {
      title: "Change your password",
      node: h(
        "div",
        { class: "narrow" },
        h("a", { class: "back-link", href: href("/") }, "Back to your conversations"),
        h("h1", { id: "page-heading", tabindex: "-1" }, "Change your password"),
        summary.element,
        form,
      ),
    };
  },
};
