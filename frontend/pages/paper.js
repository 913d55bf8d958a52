// Paper forms (#/conversations/<id>/paper): a facilitator types in an idea or a comment
// that a member of staff wrote on paper. It is marked as from a paper form and has no
// author. A comment's idea is found by searching its title or by pasting its link or ID.

import { api } from "../api.js";
import { consoleConversation, consoleNav, consoleTrail } from "../components/console.js";
import { commentLocation, ideaPath, readable } from "../components/contribution.js";
import {
  checkLength,
  errorSummary,
  handleForm,
  radioField,
  selectField,
  submitButton,
  textField,
} from "../components/form.js";
import { breadcrumbs, successNotice } from "../components/layout.js";
import { h, replaceChildren } from "../dom.js";
import { excerpt, number } from "../format.js";
import { href } from "../router.js";
import { BODY_LIMIT, TITLE_LIMITS } from "./section.js";

const COMMENT_LIMIT = 5_000;
const NOTE_LIMIT = 1_000;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** The idea ID in a pasted link ("…/ideas/<id>…") or a bare ID; null if there is none. */
export function pastedIdeaId(text) {
  const link = /\/ideas\/([0-9a-f-]{36})/i.exec(text);
  if (link) return link[1].toLowerCase();
  const all = String(text).match(UUID);
  return all ? all[all.length - 1].toLowerCase() : null;
}

/** Finding the idea a paper comment is about, and the comment it may answer. */
function ideaChooser(conversation) {
  const search = textField({
    name: "idea_id",
    label: "Find the idea",
    hint: "Type words from its title, or paste the idea's link or ID.",
    type: "search",
    width: "full",
  });
  const status = h("p", { class: "list-summary", role: "status" });
  const results = h("div", { class: "idea-choices" });
  const replyTo = selectField({
    name: "parent_id",
    label: "Is it a reply to a comment? (optional)",
    hint: "Replies answer a comment; leave this as it is for a comment on the idea itself.",
    options: [{ value: "", text: "No: a comment on the idea" }],
  });
  replyTo.element.hidden = true;
  let choice = null; // the radio group of ideas found
  let ticket = 0;

  async function loadComments(ideaId) {
    const mine = ++ticket;
    replyTo.setOptions([{ value: "", text: "No: a comment on the idea" }], "");
    replyTo.element.hidden = true;
    try {
      const page = await api.listComments(conversation.id, ideaId);
      if (mine !== ticket) return;
      const top = page.items.filter((c) => !c.parent_id && readable(c));
      if (!top.length) return;
      replyTo.setOptions(
        [
          { value: "", text: "No: a comment on the idea" },
          ...top.map((c) => ({ value: c.id, text: `Reply to: “${excerpt(c.body, 70)}”` })),
        ],
        "",
      );
      replyTo.element.hidden = false;
    } catch {
      // Without the comments the form still works: as a comment on the idea.
    }
  }

  function show(ideas) {
    choice = null;
    replyTo.element.hidden = true;
    if (!ideas.length) {
      replaceChildren(results);
      status.textContent = "No idea matches. Try other words, or paste the idea's link.";
      return;
    }
    status.textContent =
      ideas.length === 1 ? "1 idea found." : `${number(ideas.length)} ideas found.`;
    choice = radioField({
      name: "idea_choice",
      legend: "Choose the idea",
      legendClass: "fieldset__legend--s",
      options: ideas.map((idea) => ({ value: idea.id, label: idea.title })),
      value: ideas.length === 1 ? ideas[0].id : "",
      onChange: (id) => loadComments(id),
    });
    replaceChildren(results, choice.element);
    if (ideas.length === 1) loadComments(ideas[0].id);
  }

  async function find() {
    const text = search.input.value.trim();
    search.setError(null);
    const id = pastedIdeaId(text);
    try {
      if (id) {
        const idea = await api.getIdea(conversation.id, id);
        show(readable(idea) ? [idea] : []);
      } else if (text.length >= 2) {
        const page = await api.search(conversation.id, { q: text });
        show(page.items.filter((hit) => hit.kind === "idea").map((hit) => hit.idea));
      } else {
        search.setError("Enter at least 2 characters, or paste the idea's link");
      }
    } catch (error) {
      show([]);
      if (error.status !== 404 && error.status !== 422) {
        status.textContent = error.detail;
      }
    }
  }

  const findButton = h(
    "button",
    { class: ["button", "button--secondary", "button--small"], type: "button", onClick: find },
    "Find ideas",
  );
  // Enter in the search box finds, rather than sending the whole form.
  search.input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      find();
    }
  });

  return {
    search,
    replyTo,
    element: h(
      "div",
      { class: "idea-chooser" },
      h("div", { class: "idea-chooser__search" }, search.element, findButton),
      status,
      results,
      replyTo.element,
    ),
    ideaId: () => choice?.value() || "",
    problems() {
      choice?.setError(null);
      if (choice?.value()) return [];
      if (choice) return [{ field: choice, text: "Choose the idea the comment is about" }];
      return [{ field: search, text: "Find the idea the comment is about, then choose it" }];
    },
    reset() {
      search.setValue("");
      replaceChildren(results);
      status.textContent = "";
      choice = null;
      replyTo.element.hidden = true;
    },
  };
}

export default {
  auth: true,

  async render(ctx) {
    const loaded = await consoleConversation(ctx);
    if (loaded.view) return loaded.view;
    const { conversation } = loaded;
    const sections = await api.listSections(conversation.id);

    const summary = errorSummary();
    const noticeSlot = h("div", {});
    const kind = radioField({
      name: "kind",
      legend: "What is on the form?",
      legendClass: "fieldset__legend--m",
      value: "idea",
      options: [
        { value: "idea", label: "An idea" },
        { value: "comment", label: "A comment on an idea, or a reply to a comment" },
      ],
      onChange: (value) => switchTo(value),
    });
    const section = selectField({
      name: "section_id",
      label: "Section",
      hint: "The section the idea belongs in.",
      options: [
        { value: "", text: "Choose a section" },
        ...sections.map((s) => ({ value: s.id, text: s.title })),
      ],
    });
    const title = textField({
      name: "title",
      label: "Title",
      hint: "As written on the form. If it has none, a short summary of the idea.",
      maxLength: TITLE_LIMITS.max,
      width: "full",
    });
    const ideaBody = textField({
      name: "body",
      label: "The idea, as written on the form",
      hint: "Leave out anything that names or describes a person.",
      multiline: true,
      rows: 8,
      maxLength: BODY_LIMIT,
      width: "full",
    });
    const chooser = ideaChooser(conversation);
    const commentBody = textField({
      name: "body",
      label: "The comment, as written on the form",
      hint: "Leave out anything that names or describes a person.",
      multiline: true,
      rows: 5,
      maxLength: COMMENT_LIMIT,
      width: "full",
    });
    const note = textField({
      name: "note",
      label: "Note for the audit log (optional)",
      hint: "For example, the form's number. Do not write the author's name.",
      maxLength: NOTE_LIMIT,
      width: "full",
    });
    const ideaPart = h(
      "div",
      { class: "form-part" },
      section.element,
      title.element,
      ideaBody.element,
    );
    const commentPart = h(
      "div",
      { class: "form-part", hidden: true },
      chooser.element,
      commentBody.element,
    );

    function switchTo(value) {
      ideaPart.hidden = value !== "idea";
      commentPart.hidden = value !== "comment";
    }

    const form = h(
      "form",
      { class: "form", "aria-label": "Enter a paper form" },
      summary.element,
      kind.element,
      ideaPart,
      commentPart,
      note.element,
      submitButton("Enter paper form"),
    );
    const fields = [kind, section, title, ideaBody, chooser.search, chooser.replyTo, commentBody];
    handleForm(form, {
      fields: [...fields, note],
      summary,
      validate() {
        const problems = [];
        const noteLength = [...note.input.value.trim()].length;
        if (kind.value() === "idea") {
          if (!section.input.value) {
            problems.push({ field: section, text: "Choose the section the idea belongs in" });
          }
          problems.push(
            ...checkLength(title, {
              ...TITLE_LIMITS,
              empty: "Enter a title for the idea",
              short: `The title must be ${TITLE_LIMITS.min} characters or more`,
              long: `The title must be ${TITLE_LIMITS.max} characters or fewer`,
            }),
            ...checkLength(ideaBody, {
              max: BODY_LIMIT,
              empty: "Type the idea",
              long: `The idea must be ${number(BODY_LIMIT)} characters or fewer`,
            }),
          );
        } else {
          problems.push(
            ...chooser.problems(),
            ...checkLength(commentBody, {
              max: COMMENT_LIMIT,
              empty: "Type the comment",
              long: `The comment must be ${number(COMMENT_LIMIT)} characters or fewer`,
            }),
          );
        }
        if (noteLength > NOTE_LIMIT) {
          const text = `The note must be ${NOTE_LIMIT} characters or fewer`;
          problems.push({ field: note, text });
        }
        return problems;
      },
      describeError(error) {
        // Both kinds have a "body" field: put the API's findings on the one in use.
        if (error.code !== "invalid_input") return undefined;
        const active =
          kind.value() === "idea"
            ? [section, title, ideaBody, note]
            : [chooser.search, chooser.replyTo, commentBody, note];
        const items = active.flatMap((field) =>
          error.fieldMessages(field.name).map((message) => ({
            field,
            text: message.charAt(0).toUpperCase() + message.slice(1),
          })),
        );
        return { items: items.length ? items : [{ text: error.detail }] };
      },
      async submit() {
        const isIdea = kind.value() === "idea";
        const created = await api.paperSubmission(
          conversation.id,
          isIdea
            ? {
                kind: "idea",
                sectionId: section.input.value,
                title: title.input.value.trim(),
                body: ideaBody.input.value.trim(),
                note: note.input.value.trim(),
              }
            : {
                kind: "comment",
                ideaId: chooser.ideaId(),
                parentId: chooser.replyTo.input.value || null,
                body: commentBody.input.value.trim(),
                note: note.input.value.trim(),
              },
        );
        let notice;
        if (isIdea) {
          const where = sections.find((s) => s.id === created.section_id);
          notice = successNotice(
            `The idea from the paper form is now in “${where?.title ?? "its section"}”. `,
            h("a", { href: href(ideaPath(conversation.id, created.id)) }, "View the idea"),
          );
          title.setValue("");
          ideaBody.setValue("");
        } else {
          notice = successNotice(
            "The comment from the paper form has been added. ",
            h(
              "a",
              { href: href(...commentLocation(conversation.id, created.idea_id, created.id)) },
              "View the comment",
            ),
          );
          commentBody.setValue("");
          chooser.reset();
        }
        note.setValue("");
        replaceChildren(noticeSlot, notice);
        notice.focus();
      },
    });

    return {
      title: "Paper forms",
      node: h(
        "div",
        {},
        breadcrumbs(consoleTrail(conversation)),
        h("span", { class: "caption" }, conversation.title),
        h("h1", { id: "page-heading", class: "h1--tight", tabindex: "-1" }, "Paper forms"),
        consoleNav(conversation, "paper"),
        h(
          "div",
          { class: "reading-width" },
          h(
            "p",
            {},
            "Type in an idea or a comment that a member of staff wrote on a paper form. It " +
              "is shown as “From a paper form” and has no author, so nobody can be messaged " +
              "about it. Each one is recorded in the audit log under your name.",
          ),
          noticeSlot,
          form,
        ),
      ),
    };
  },
};
