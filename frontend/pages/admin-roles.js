// Giving someone a role (#/admin/roles): facilitator, sponsor, administrator, or back to
// participant. The person must have been imported first. Their sessions end, so the new
// role applies from their next sign-in.

import { api } from "../api.js";
import { ADMIN_HOME, adminsOnly } from "../components/admin.js";
import {
  checkEmail,
  errorSummary,
  handleForm,
  radioField,
  submitButton,
  textField,
} from "../components/form.js";
import { breadcrumbs, successNotice } from "../components/layout.js";
import { h, replaceChildren } from "../dom.js";

export const ROLES = [
  {
    value: "facilitator",
    label: "Facilitator",
    hint:
      "Moderates, enters paper forms, messages authors through the platform, handles " +
      "safeguarding cases and analyses the conversation.",
  },
  {
    value: "sponsor",
    label: "Sponsor",
    hint: "Reads the conversations and the published reports; sees nothing of moderation.",
  },
  {
    value: "admin",
    label: "Administrator",
    hint: "Creates conversations, imports staff and gives roles, like you.",
  },
  {
    value: "participant",
    label: "Participant",
    hint: "Takes part in the conversations they were imported into; no staff role.",
  },
];
const ROLE_WORDS = {
  facilitator: "a facilitator",
  sponsor: "a sponsor",
  admin: "an administrator",
  participant: "a participant",
};

export default {
  auth: true,

  async render(ctx) {
    if (ctx.person.role !== "admin") return adminsOnly();
    const summary = errorSummary();
    const noticeSlot = h("div", {});
    const email = textField({
      name: "email",
      label: "Their email address",
      hint: "As it was imported. Import them first if they are not on a staff list yet.",
      type: "email",
      autocomplete: "off",
      width: "full",
    });
    const role = radioField({
      name: "role",
      legend: "Their role",
      legendClass: "fieldset__legend--s",
      options: ROLES,
    });
    const form = h(
      "form",
      { class: "form", "aria-labelledby": "page-heading" },
      summary.element,
      email.element,
      role.element,
      submitButton("Give the role"),
    );
    handleForm(form, {
      fields: [email, role],
      summary,
      validate() {
        const problems = checkEmail(email).map((p) =>
          p.text === "Enter your email address" ? { ...p, text: "Enter their email address" } : p,
        );
        if (!role.value()) problems.push({ field: role, text: "Choose their role" });
        return problems;
      },
      describeError(error) {
        if (error.status === 404) return { items: [{ text: error.detail, field: email }] };
        return undefined;
      },
      async submit() {
        const account = await api.assignRole(email.input.value.trim(), role.value());
        const self = account.email === ctx.person.email;
        const notice = successNotice(
          `${account.email} is now ${ROLE_WORDS[account.role] ?? account.role}. `,
          self
            ? "This is your own account: sign in again to carry on with your new role."
            : "Any session they had has ended; the role applies from their next sign-in.",
        );
        email.setValue("");
        role.setValue("");
        replaceChildren(noticeSlot, notice);
        notice.focus();
      },
    });
    return {
      title: "Roles",
      node: h(
        "div",
        { class: "narrow" },
        breadcrumbs([ADMIN_HOME]),
        h("h1", { id: "page-heading", tabindex: "-1" }, "Give someone a role"),
        h(
          "p",
          {},
          "Roles apply across every conversation. Nobody, whatever their role, can see who " +
            "wrote a post or cast a vote.",
        ),
        noticeSlot,
        form,
      ),
    };
  },
};
