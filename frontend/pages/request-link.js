// Ask for a new sign-in link. The answer is the API's, and the same for every address, so
// this page never tells whether an address is on the list.

import { api } from "../api.js";
import { checkEmail, errorSummary, handleForm, submitButton, textField } from "../components/form.js";
import { h, replaceChildren } from "../dom.js";
import { href } from "../router.js";

export default {
  async render() {
    const summary = errorSummary();
    const email = textField({
      name: "email",
      label: "Email address",
      hint: "Use the work email address your invitation was sent to.",
      type: "email",
      autocomplete: "email",
      width: "full",
    });
    const form = h(
      "form",
      { class: "form", "aria-labelledby": "page-heading" },
      email.element,
      submitButton("Send me a link"),
    );
    const view = h(
      "div",
      { class: "narrow" },
      h("h1", { id: "page-heading", tabindex: "-1" }, "Get a new sign-in link"),
      summary.element,
      h(
        "p",
        { class: "lead" },
        "If you did not get an invitation, your link has expired, or you have forgotten your " +
          "password, we can email you a new link to choose a password.",
      ),
      form,
      h("p", {}, h("a", { href: href("/sign-in") }, "Back to sign in")),
    );

    handleForm(form, {
      fields: [email],
      summary,
      validate: () => checkEmail(email),
      async submit() {
        const answer = await api.requestSignInLink(email.input.value.trim());
        const heading = h("h1", { id: "page-heading", tabindex: "-1" }, "Check your email");
        replaceChildren(
          view,
          heading,
          h(
            "div",
            { class: "panel panel--confirmation", role: "status" },
            h("p", { class: "panel__text", id: "link-answer" }, answer.detail),
          ),
          h("p", {}, "The link works once. If nothing arrives, check the address and try again."),
          h("p", {}, h("a", { href: href("/sign-in") }, "Back to sign in")),
        );
        document.title = document.title.replace(/^Get a new sign-in link/, "Check your email");
        heading.focus();
      },
    });

    return { title: "Get a new sign-in link", node: view };
  },
};
