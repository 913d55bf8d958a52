// The facilitators' heavier actions on one post, each a form with a reason for the audit
// log: amend the wording, remove for good, move an idea, split it into parts, merge
// duplicates into it, and open a safeguarding case about it.

import { api } from "../api.js";
import { h, replaceChildren } from "../dom.js";
import { excerpt } from "../format.js";
import { href } from "../router.js";
import { CATEGORY_NAMES, PUBLIC_REASON_WORDS } from "./console.js";
import { ideaPath } from "./contribution.js";
import {
  checkboxField,
  checkLength,
  errorSummary,
  handleForm,
  radioField,
  selectField,
  submitButton,
  textField,
} from "./form.js";

export const REASON_LIMIT = 2_000;
const TITLE_LIMIT = 200;
const BODY_LIMIT = 10_000;
const MAX_PARTS = 10;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** The reason every action asks for: for the audit log, never shown to participants. */
export function reasonField(label, hint = "For the audit log. Participants do not see it.") {
  return textField({
    name: "reason",
    label,
    hint,
    multiline: true,
    rows: 3,
    maxLength: REASON_LIMIT,
    width: "full",
  });
}

export function checkReason(field) {
  return checkLength(field, {
    min: 3,
    max: REASON_LIMIT,
    empty: "Write the reason",
    short: "The reason must be 3 characters or more",
    long: `The reason must be ${REASON_LIMIT} characters or fewer`,
  });
}

function checkTitle(field, what = "the title") {
  return checkLength(field, {
    min: 3,
    max: TITLE_LIMIT,
    empty: `Write ${what}`,
    short: `${capital(what)} must be 3 characters or more`,
    long: `${capital(what)} must be ${TITLE_LIMIT} characters or fewer`,
  });
}

function checkBody(field, what = "the text") {
  return checkLength(field, {
    max: BODY_LIMIT,
    empty: `Write ${what}`,
    long: `${capital(what)} must be 10,000 characters or fewer`,
  });
}

function capital(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function categoryField(legend, chosen, extra = () => ({})) {
  return radioField({
    name: "category",
    legend,
    legendClass: "fieldset__legend--s",
    value: chosen,
    options: Object.entries(CATEGORY_NAMES).map(([value, label]) => ({
      value,
      label,
      ...extra(value),
    })),
  });
}

function actionForm(id, heading, ...content) {
  return h(
    "form",
    { class: "form form--flush", "aria-labelledby": id },
    h("h3", { class: "heading-s", id }, heading),
    content,
  );
}

const sectionOptions = (sections) => sections.map((s) => ({ value: s.id, text: s.title }));

/** Amend: new wording that takes out what identifies someone. */
export function amendForm({ target, done }) {
  const summary = errorSummary();
  const isIdea = target.kind === "idea";
  const title = isIdea
    ? textField({
        name: "title",
        label: "Title",
        value: target.title || "",
        maxLength: TITLE_LIMIT,
        width: "full",
      })
    : null;
  const body = textField({
    name: "body",
    label: isIdea ? "The idea's text" : "The comment's text",
    value: target.body || "",
    multiline: true,
    rows: 6,
    maxLength: BODY_LIMIT,
    width: "full",
  });
  const category = categoryField("Why it needs changing", "personal");
  const reason = reasonField("Reason for amending it");
  const form = actionForm(
    "amend-heading",
    `Amend this ${target.kind}`,
    h(
      "p",
      {},
      "Change only what identifies someone. Everyone then sees the new text with the note " +
        "“Edited by the facilitators”; the original stays in this post's history.",
    ),
    summary.element,
    title?.element,
    body.element,
    category.element,
    reason.element,
    submitButton(`Amend ${target.kind}`, { small: true }),
  );
  const fields = [title, body, category, reason].filter(Boolean);
  handleForm(form, {
    fields,
    summary,
    validate: () => [
      ...(title ? checkTitle(title) : []),
      ...checkBody(body),
      ...(category.value() ? [] : [{ field: category, text: "Choose why it needs changing" }]),
      ...checkReason(reason),
    ],
    async submit() {
      await api.amendContribution(target.conversation_id, target.kind, target.id, {
        title: title ? title.input.value.trim() : undefined,
        body: body.input.value.trim(),
        category: category.value(),
        reason: reason.input.value.trim(),
      });
      done(`The ${target.kind} is amended. Everyone sees the new text, marked as edited.`);
    },
  });
  return form;
}

/** Remove for good, telling the author (by default) through the relay. */
export function removeForm({ target, done }) {
  const summary = errorSummary();
  const category = categoryField("What participants are told", "abusive", (value) => ({
    hint: `They see “Removed by the facilitators: ${PUBLIC_REASON_WORDS[value]}”.`,
  }));
  const reason = reasonField("Reason for removing it");
  const notify = checkboxField({
    name: "message_author",
    label: "Tell the author, through the relay",
    hint: "They are not named to you, and you are not named to them.",
  });
  notify.input.checked = target.source !== "paper";
  const message = textField({
    name: "message",
    label: "Message to the author (optional)",
    hint: "Leave it empty to send the usual message, which names the post and the reason.",
    multiline: true,
    rows: 4,
    maxLength: 5_000,
    width: "full",
  });
  const form = actionForm(
    "remove-heading",
    `Remove this ${target.kind}`,
    h(
      "p",
      {},
      "Removing is final: the text is gone for everyone, and the post cannot be shown again.",
    ),
    summary.element,
    category.element,
    reason.element,
    notify.element,
    message.element,
    submitButton(`Remove ${target.kind}`, { small: true }),
  );
  form.querySelector("button[type=submit]").classList.add("button--warning");
  handleForm(form, {
    fields: [category, reason, notify, message],
    summary,
    validate: () => [
      ...(category.value()
        ? []
        : [{ field: category, text: "Choose what participants are told" }]),
      ...checkReason(reason),
      ...(message.input.value.length > 5_000
        ? [{ field: message, text: "The message must be 5,000 characters or fewer" }]
        : []),
    ],
    async submit() {
      const text = message.input.value.trim();
      const result = await api.removeContribution(
        target.conversation_id,
        target.kind,
        target.id,
        {
          category: category.value(),
          reason: reason.input.value.trim(),
          notify: notify.input.checked,
          message: text || null,
        },
      );
      done(result.detail);
    },
  });
  return form;
}

/** Move an idea to another section. */
export function moveForm({ target, sections, done }) {
  const summary = errorSummary();
  const others = sections.filter((s) => s.id !== target.section_id);
  const section = selectField({
    name: "section_id",
    label: "Move it to",
    options: [{ value: "", text: "Choose a section" }, ...sectionOptions(others)],
  });
  const reason = reasonField("Reason for moving it");
  const form = actionForm(
    "move-heading",
    "Move this idea to another section",
    summary.element,
    section.element,
    reason.element,
    submitButton("Move idea", { small: true }),
  );
  handleForm(form, {
    fields: [section, reason],
    summary,
    validate: () => [
      ...(section.input.value ? [] : [{ field: section, text: "Choose the section" }]),
      ...checkReason(reason),
    ],
    async submit() {
      await api.moveIdea(target.conversation_id, target.id, {
        sectionId: section.input.value,
        reason: reason.input.value.trim(),
      });
      const to = sections.find((s) => s.id === section.input.value);
      done(`The idea is moved to “${to?.title ?? "the new section"}”.`);
    },
  });
  return form;
}

/**
 * Split an idea: an editor that divides its text into 2–10 parts, each with a title, text
 * and section; one part keeps the idea itself (its votes and comments).
 */
export function splitForm({ target, sections, done }) {
  const summary = errorSummary();
  const partsList = h("ol", { class: "split-parts" });
  const keeperSlot = h("div", {});
  const addButton = h(
    "button",
    { class: ["button", "button--secondary", "button--small"], type: "button" },
    "Add a part",
  );
  const reason = reasonField("Reason for splitting it");
  let parts = [];
  let keeper = null;
  let keeperField = null;
  const splitFields = [];

  function makePart(titleText, bodyText) {
    const part = {};
    part.title = textField({
      name: "title",
      label: "Title",
      value: titleText,
      maxLength: TITLE_LIMIT,
      width: "full",
    });
    part.body = textField({
      name: "body",
      label: "Text",
      value: bodyText,
      multiline: true,
      rows: 5,
      maxLength: BODY_LIMIT,
      width: "full",
    });
    part.section = selectField({
      name: "section_id",
      label: "Section",
      options: sectionOptions(sections),
      value: target.section_id,
    });
    part.legend = h("legend", { class: "fieldset__legend fieldset__legend--s" });
    part.removeText = h("span", { class: "visually-hidden" });
    part.removeButton = h(
      "button",
      {
        class: ["button", "button--warning-outline", "button--small"],
        type: "button",
        onClick: () => removePart(part),
      },
      "Remove this part",
      part.removeText,
    );
    part.element = h(
      "li",
      { class: "split-parts__item" },
      h(
        "fieldset",
        { class: "fieldset" },
        part.legend,
        part.title.element,
        part.body.element,
        part.section.element,
        part.removeButton,
      ),
    );
    return part;
  }

  function refresh() {
    parts.forEach((part, index) => {
      part.legend.textContent = `Part ${index + 1}`;
      part.removeText.textContent = ` (part ${index + 1})`;
      part.removeButton.hidden = parts.length <= 2;
    });
    replaceChildren(
      partsList,
      parts.map((p) => p.element),
    );
    addButton.hidden = parts.length >= MAX_PARTS;
    if (!parts.includes(keeper)) keeper = parts[0];
    keeperField = radioField({
      name: "keep_votes_on",
      legend: "Which part keeps the votes and comments?",
      legendClass: "fieldset__legend--s",
      hint: "That part stays this idea. The others become new ideas that link back to it.",
      options: parts.map((_, index) => ({ value: String(index), label: `Part ${index + 1}` })),
      value: String(parts.indexOf(keeper)),
      onChange: (value) => {
        keeper = parts[Number(value)];
      },
    });
    replaceChildren(keeperSlot, keeperField.element);
    // The form's list of fields (for clearing errors) follows the parts.
    splitFields.splice(
      0,
      splitFields.length,
      ...parts.flatMap((p) => [p.title, p.body, p.section]),
      keeperField,
      reason,
    );
  }

  function addPart() {
    const part = makePart("", "");
    parts.push(part);
    refresh();
    part.title.input.focus();
  }

  function removePart(part) {
    const index = parts.indexOf(part);
    parts = parts.filter((p) => p !== part);
    refresh();
    (parts[index] ?? parts[parts.length - 1]).title.input.focus();
  }

  addButton.addEventListener("click", addPart);
  parts = [makePart(target.title || "", target.body || ""), makePart("", "")];
  refresh();

  const form = actionForm(
    "split-heading",
    "Split this idea",
    h(
      "p",
      {},
      "For an idea that raises more than one thing. Divide its text between the parts: part " +
        "1 starts with all of it.",
    ),
    summary.element,
    partsList,
    h("div", { class: "button-group" }, addButton),
    keeperSlot,
    reason.element,
    submitButton("Split idea", { small: true }),
  );
  handleForm(form, {
    fields: splitFields,
    summary,
    validate: () => [
      ...parts.flatMap((part, index) => [
        ...checkTitle(part.title, `the title of part ${index + 1}`),
        ...checkBody(part.body, `the text of part ${index + 1}`),
      ]),
      ...checkReason(reason),
    ],
    describeError(error) {
      const items = error.errors
        .map((problem) => {
          const found = /^(?:body\.)?parts\.(\d+)\.(title|body|section_id)$/.exec(problem.field);
          const part = found ? parts[Number(found[1])] : null;
          if (!part) return null;
          const field = { title: part.title, body: part.body, section_id: part.section }[found[2]];
          return { field, text: `Part ${Number(found[1]) + 1}: ${problem.message}` };
        })
        .filter(Boolean);
      return items.length ? { items } : null;
    },
    async submit() {
      const payload = parts.map((part) => ({
        title: part.title.input.value.trim(),
        body: part.body.input.value.trim(),
        section_id: part.section.input.value || null,
      }));
      const result = await api.splitIdea(target.conversation_id, target.id, {
        parts: payload,
        keepVotesOn: parts.indexOf(keeper),
        reason: reason.input.value.trim(),
      });
      const link = (idea) =>
        h(
          "a",
          { href: href(ideaPath(target.conversation_id, idea.id)) },
          `“${excerpt(idea.title || "", 80)}”`,
        );
      done([
        "The idea is split. It stays ",
        link(result.kept),
        `, with its votes and comments; the new ${
          result.new_parts.length === 1 ? "idea is" : "ideas are"
        } `,
        result.new_parts.map((idea, index) => [index ? ", " : "", link(idea)]),
        ".",
      ]);
    },
  });
  return form;
}

/** Merge duplicates into this idea, found by a search or pasted as links or IDs. */
export function mergeForm({ target, done }) {
  const summary = errorSummary();
  const chosen = new Map(); // id → title
  const query = textField({ name: "q", label: "Find duplicates", width: "full" });
  const results = h("div", { "aria-live": "polite" });
  const chosenList = h("div", {});
  const pasted = textField({
    name: "source_ids",
    label: "Or paste links to them, or their IDs (optional)",
    hint: "One or more, on separate lines.",
    multiline: true,
    rows: 3,
    width: "full",
  });
  const reason = reasonField("Reason for merging them");
  const findButton = h(
    "button",
    { class: ["button", "button--secondary", "button--small"], type: "button" },
    "Find ideas",
  );

  function showChosen() {
    replaceChildren(
      chosenList,
      chosen.size
        ? [
            h("p", { class: "label" }, "Chosen to merge into this idea:"),
            h(
              "ul",
              {},
              [...chosen].map(([id, title]) => h("li", {}, title || id)),
            ),
          ]
        : null,
    );
  }

  async function find() {
    const q = query.input.value.trim();
    query.setError(null);
    if (!q) {
      query.setError("Write a word to search for");
      query.input.focus();
      return;
    }
    let page;
    try {
      page = await api.search(target.conversation_id, { q });
    } catch (error) {
      replaceChildren(results, h("p", {}, error.detail || "The search failed."));
      return;
    }
    const ideas = page.items
      .filter((hit) => hit.kind === "idea" && hit.idea && hit.idea.id !== target.id)
      .map((hit) => hit.idea);
    replaceChildren(
      results,
      h("p", {}, ideas.length ? `${ideas.length} found.` : "No other ideas found."),
      ideas.length
        ? h(
            "div",
            { class: "checkboxes" },
            ideas.map((idea) => {
              const box = checkboxField({ name: "duplicate", label: idea.title || idea.id });
              box.input.checked = chosen.has(idea.id);
              box.input.addEventListener("change", () => {
                if (box.input.checked) chosen.set(idea.id, idea.title);
                else chosen.delete(idea.id);
                showChosen();
              });
              return box.element;
            }),
          )
        : null,
    );
  }

  findButton.addEventListener("click", find);
  query.input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      find();
    }
  });

  const form = actionForm(
    "merge-heading",
    "Merge duplicates into this idea",
    h(
      "p",
      {},
      "Their comments move to this idea and they then point here. Each person's vote counts " +
        "once: where someone voted on both, their vote on this idea stands.",
    ),
    summary.element,
    query.element,
    h("div", { class: "button-group" }, findButton),
    results,
    chosenList,
    pasted.element,
    reason.element,
    submitButton("Merge into this idea", { small: true }),
  );
  const sourceIds = () => {
    const ids = new Set(chosen.keys());
    for (const id of pasted.input.value.match(UUID) ?? []) ids.add(id.toLowerCase());
    ids.delete(target.id);
    return [...ids];
  };
  handleForm(form, {
    fields: [query, pasted, reason],
    summary,
    validate: () => {
      const ids = sourceIds();
      return [
        ...(ids.length
          ? []
          : [{ field: query, text: "Choose at least one duplicate, or paste its link" }]),
        ...(ids.length > 20 ? [{ field: pasted, text: "Merge at most 20 ideas at once" }] : []),
        ...checkReason(reason),
      ];
    },
    async submit() {
      const ids = sourceIds();
      await api.mergeIdeas(target.conversation_id, target.id, {
        sourceIds: ids,
        reason: reason.input.value.trim(),
      });
      done(
        `${ids.length === 1 ? "1 idea is" : `${ids.length} ideas are`} merged into this one.`,
      );
    },
  });
  return form;
}

/** Open a safeguarding case about this post; goes to the case once it is open. */
export function openCaseForm({ target, opened }) {
  const summary = errorSummary();
  const note = textField({
    name: "note",
    label: "Why you are opening it",
    hint: "Only facilitators read the case. Nobody can see who wrote the post.",
    multiline: true,
    rows: 4,
    maxLength: 5_000,
    width: "full",
  });
  const form = actionForm(
    "case-heading",
    "Open a safeguarding case",
    h(
      "p",
      {},
      "When the post suggests that someone may be at risk. The case keeps notes and lets " +
        "you send the author a support message without learning who they are.",
    ),
    summary.element,
    note.element,
    submitButton("Open case", { small: true }),
  );
  handleForm(form, {
    fields: [note],
    summary,
    validate: () =>
      checkLength(note, {
        min: 3,
        max: 5_000,
        empty: "Write why you are opening the case",
        short: "The note must be 3 characters or more",
        long: "The note must be 5,000 characters or fewer",
      }),
    async submit() {
      const created = await api.openCase(target.conversation_id, {
        targetKind: target.kind,
        targetId: target.id,
        note: note.input.value.trim(),
      });
      opened(created);
    },
  });
  return form;
}
