// "Your data" (#/my-data): download what Candour holds about you (JSON or CSV), or erase
// your account. Erasing ends every session at once, so the answer is shown afterwards on a
// signed-out page (#/account-erased).

import { api } from "../api.js";
import {
  checkboxField,
  errorSummary,
  handleForm,
  radioField,
  submitButton,
} from "../components/form.js";
import { breadcrumbs } from "../components/layout.js";
import { h, saveFile } from "../dom.js";
import { countOf } from "../format.js";
import { href } from "../router.js";

const TRAIL = [{ text: "Your conversations", path: "/" }];

// The two choices, in the API's own words (openapi: EraseMeRequest.posts).
export const ERASE_CHOICES = [
  {
    value: "keep",
    label: "Keep my posts, anonymously",
    hint:
      "Your ideas, comments, likes and dislikes stay, anonymous, and can never be changed " +
      "again.",
  },
  {
    value: "withdraw",
    label: "Withdraw my posts",
    hint:
      "Your ideas and comments are withdrawn and your likes and dislikes are taken out of " +
      "the counts.",
  },
];

// The API's answer to an erasure, kept in memory only until the confirmation page shows it.
let lastErasure = null;

function downloads() {
  const status = h("p", { class: "download-status", role: "status" });
  const error = h("p", { class: "error-message", role: "alert" });
  async function fetchFile(format, button) {
    if (button.getAttribute("aria-disabled") === "true") return;
    button.setAttribute("aria-disabled", "true");
    status.textContent = "Preparing your file…";
    error.textContent = "";
    try {
      const { blob, name } = await api.exportMyData(format);
      saveFile(blob, name);
      status.textContent = `Your file ${name} has been downloaded.`;
    } catch (problem) {
      status.textContent = "";
      error.textContent = problem.detail || "Your file could not be made. Please try again.";
    } finally {
      button.removeAttribute("aria-disabled");
    }
  }
  const button = (format, text) => {
    const element = h(
      "button",
      {
        class: ["button", "button--secondary"],
        type: "button",
        onClick: () => fetchFile(format, element),
      },
      text,
    );
    return element;
  };
  return h(
    "section",
    { class: "data-section", "aria-labelledby": "download-heading" },
    h("h2", { class: "heading-m", id: "download-heading" }, "Download your data"),
    h(
      "p",
      {},
      "One file with everything Candour holds about you: your email address and name, " +
        "the details your organisation gave us, your ideas and comments, and your likes " +
        "and dislikes.",
    ),
    h(
      "ul",
      { class: "list-bullets" },
      h("li", {}, h("strong", {}, "JSON"), " keeps everything in one structured file."),
      h("li", {}, h("strong", {}, "CSV"), " opens as one table in a spreadsheet."),
    ),
    h(
      "div",
      { class: "button-group" },
      button("json", "Download my data (JSON)"),
      button("csv", "Download my data (CSV)"),
    ),
    status,
    error,
  );
}

function eraseSection(ctx) {
  const summary = errorSummary();
  const choice = radioField({
    name: "posts",
    legend: "What should happen to your posts?",
    legendClass: "fieldset__legend--m",
    options: ERASE_CHOICES,
  });
  const confirm = checkboxField({
    name: "confirm",
    label: "I understand that erasing my account cannot be undone",
  });
  const form = h(
    "form",
    { class: "form panel panel--danger", "aria-labelledby": "erase-heading" },
    summary.element,
    choice.element,
    confirm.element,
    submitButton("Erase my account"),
  );
  form.querySelector("button[type=submit]").classList.add("button--warning");
  handleForm(form, {
    fields: [choice, confirm],
    summary,
    validate() {
      const problems = [];
      if (!choice.value()) {
        problems.push({ field: choice, text: "Choose what should happen to your posts" });
      }
      if (!confirm.input.checked) {
        problems.push({
          field: confirm,
          text: "Tick the box to confirm that you understand this cannot be undone",
        });
      }
      return problems;
    },
    async submit() {
      lastErasure = await api.eraseMe(choice.value());
      ctx.signedOut();
      ctx.go("/account-erased", { replace: true });
    },
  });
  return h(
    "section",
    { class: "data-section", "aria-labelledby": "erase-heading" },
    h("h2", { class: "heading-m", id: "erase-heading" }, "Erase your account"),
    h(
      "p",
      {},
      "Your email address, name, password and the link between you and your posts are " +
        "deleted at once. You are signed out everywhere and cannot sign in again. Nobody, " +
        "including the facilitators and the administrators, can then tell which posts were " +
        "yours.",
    ),
    h(
      "p",
      { class: "warning-text" },
      h("strong", {}, "This cannot be undone. "),
      "Download your data first if you want a copy.",
    ),
    form,
  );
}

export default {
  auth: true,

  async render(ctx) {
    return {
      title: "Your data",
      node: h(
        "div",
        {},
        breadcrumbs(TRAIL),
        h("h1", { id: "page-heading", tabindex: "-1" }, "Your data"),
        h(
          "p",
          { class: "lead" },
          "Take a copy of what Candour holds about you, or erase your account.",
        ),
        h(
          "div",
          { class: "reading-width" },
          downloads(),
          eraseSection(ctx),
          h("p", {}, h("a", { href: href("/my-posts") }, "See your posts")),
        ),
      ),
    };
  },
};

/** The signed-out page after an erasure: the API's own words, then what happened. */
export const accountErased = {
  async render() {
    const result = lastErasure;
    lastErasure = null;
    const chosen = ERASE_CHOICES.find((choice) => choice.value === result?.posts);
    return {
      title: "Your account has been erased",
      node: h(
        "div",
        { class: "narrow" },
        h("h1", { id: "page-heading", tabindex: "-1" }, "Your account has been erased"),
        result
          ? [
              h(
                "div",
                { class: "panel panel--confirmation" },
                h("p", { class: "panel__text", id: "erase-answer" }, result.detail),
              ),
              chosen
                ? h("p", {}, h("strong", {}, `${chosen.label}: `), chosen.hint)
                : null,
              h(
                "p",
                {},
                `You took part in ${countOf(result.conversations, "conversation")}. ` +
                  "You have been signed out everywhere.",
              ),
            ]
          : h("p", {}, "You have been signed out everywhere."),
        h("p", {}, "You can close this window."),
      ),
    };
  },
};
