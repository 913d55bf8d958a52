// A conversation's help pages (#/admin/conversations/<id>/pages): the FAQ, the privacy
// notice and the support services, each a title and rich text. The text is simple HTML;
// the preview shows it the way staff will see it (the same allow-list as the API).

import { api } from "../api.js";
import { adminConversation, adminHeader } from "../components/admin.js";
import {
  characters,
  checkLength,
  errorSummary,
  handleForm,
  submitButton,
  textField,
} from "../components/form.js";
import { successNotice } from "../components/layout.js";
import { richText } from "../components/rich-text.js";
import { h, replaceChildren } from "../dom.js";
import { number } from "../format.js";
import { href } from "../router.js";

const TITLE_LIMITS = { min: 3, max: 200 };
const BODY_LIMIT = 100_000;
const ABOUT = {
  faq: "Questions staff ask about the conversation: who runs it, who sees what, how long it is open.",
  privacy: "What personal data is kept, why, for how long, and who to ask about it.",
  support:
    "Where staff can find help (occupational health, counselling, freedom to speak up). " +
    "It is also added below every support message the facilitators send.",
};
const HTML_HINT =
  "Simple HTML: <p> paragraphs, <h2> and <h3> headings, <ul> or <ol> lists with <li>, " +
  "<strong>, <em>, and links as <a href=\"https://…\">. Anything else is removed.";

function pageEditor(conversation, page) {
  const headingId = `page-${page.kind}-heading`;
  const summary = errorSummary();
  const notice = h("div", {});
  const title = textField({
    name: "title",
    label: "Title",
    value: page.title,
    maxLength: TITLE_LIMITS.max,
    width: "full",
  });
  const body = textField({
    name: "body_html",
    label: "Text",
    hint: HTML_HINT,
    value: page.body_html,
    multiline: true,
    rows: 10,
    maxLength: BODY_LIMIT,
    width: "full",
  });
  const previewHeading = h("h3", { class: "heading-s" }, "Preview");
  const preview = h(
    "div",
    { class: "admin-preview", role: "region", "aria-label": `Preview of ${page.title}` },
    previewHeading,
  );
  preview.hidden = true;

  function showPreview(html) {
    const rendered = richText(html);
    replaceChildren(
      preview,
      previewHeading,
      rendered.childNodes.length ? rendered : h("p", { class: "quiet" }, "(no text yet)"),
    );
    preview.hidden = false;
  }

  const form = h(
    "form",
    { class: "form", "aria-labelledby": headingId },
    summary.element,
    title.element,
    body.element,
    h(
      "div",
      { class: "button-group" },
      submitButton("Save", { small: true }),
      h(
        "button",
        {
          class: ["button", "button--secondary", "button--small"],
          type: "button",
          onClick: () => {
            showPreview(body.input.value);
            preview.focus();
          },
        },
        "Preview",
        h("span", { class: "visually-hidden" }, ` ${page.title}`),
      ),
    ),
  );
  preview.setAttribute("tabindex", "-1");
  handleForm(form, {
    fields: [title, body],
    summary,
    validate() {
      const problems = checkLength(title, {
        ...TITLE_LIMITS,
        empty: "Enter the page's title",
        short: `The title must be ${TITLE_LIMITS.min} characters or more`,
        long: `The title must be ${TITLE_LIMITS.max} characters or fewer`,
      });
      if (characters(body.input.value) > BODY_LIMIT) {
        problems.push({
          field: body,
          text: `The text must be ${number(BODY_LIMIT)} characters or fewer`,
        });
      }
      return problems;
    },
    async submit() {
      const saved = await api.updatePage(conversation.id, page.kind, {
        title: title.input.value.trim(),
        bodyHtml: body.input.value,
      });
      // Show what was kept: the API removes what is not allowed.
      body.setValue(saved.body_html);
      showPreview(saved.body_html);
      const done = successNotice(
        `“${saved.title}” has been saved. `,
        h("a", { href: href(`/conversations/${conversation.id}/pages/${page.kind}`) }, "View it"),
      );
      replaceChildren(notice, done);
      done.focus();
    },
  });

  return h(
    "section",
    { class: "admin-page", "aria-labelledby": headingId },
    h("h2", { class: "heading-m", id: headingId }, page.title),
    h("p", { class: "quiet" }, ABOUT[page.kind] ?? ""),
    notice,
    form,
    preview,
  );
}

export default {
  auth: true,

  async render(ctx) {
    const loaded = await adminConversation(ctx);
    if (loaded.view) return loaded.view;
    const { conversation } = loaded;
    const pages = await api.listPages(conversation.id);
    return {
      title: `Pages: ${conversation.title}`,
      node: h(
        "div",
        {},
        adminHeader(conversation, "Pages", "pages"),
        h(
          "p",
          { class: "reading-width" },
          "Each conversation has three help pages. Staff find a link to each one that has " +
            "text on the conversation's home page. Facilitators can edit them too.",
        ),
        h(
          "div",
          { class: "reading-width" },
          pages.map((page) => pageEditor(conversation, page)),
        ),
      ),
    };
  },
};
