// The forms that change the coding frame: add, rename or describe, move, merge, split and
// retire a code. Each checks what it can first; the API's refusals (a name taken among the
// siblings, a move under the code's own sub-code, a code with sub-codes) are shown in the
// form's error summary. Merge, split and retire retire codes, so each asks to be confirmed.

import { api } from "../api.js";
import { h, replaceChildren, uniqueId } from "../dom.js";
import { countOf, excerpt } from "../format.js";
import { allCodings, codeOptions, codePath } from "./coding-common.js";
import { confirmPanel } from "./confirm.js";
import {
  characters,
  checkLength,
  errorSummary,
  handleForm,
  selectField,
  submitButton,
  textField,
} from "./form.js";

const NAME_MAX = 100;
const DESCRIPTION_MAX = 2_000;
const TOP_LEVEL = { value: "", text: "Top level (no parent)" };
const CHOOSE = { value: "", text: "Choose a code" };

function nameField(label = "Name", value = "") {
  return textField({ name: "name", label, value, maxLength: NAME_MAX, width: "full" });
}

function descriptionField(label = "Description (optional)", value = "") {
  return textField({
    name: "description",
    label,
    hint: "What belongs under this code, so every analyst applies it the same way.",
    value,
    multiline: true,
    rows: 3,
    maxLength: DESCRIPTION_MAX,
    width: "full",
  });
}

function checkName(field, empty = "Enter the code's name") {
  return checkLength(field, {
    max: NAME_MAX,
    empty,
    long: `The name must be ${NAME_MAX} characters or fewer`,
  });
}

function checkDescription(field) {
  return characters(field.input.value) > DESCRIPTION_MAX
    ? [{ field, text: `The description must be ${DESCRIPTION_MAX} characters or fewer` }]
    : [];
}

function chosen(field, text) {
  return field.input.value ? [] : [{ field, text }];
}

function panel(headingId, heading, intro, ...content) {
  return h(
    "form",
    { class: "form form--flush", "aria-labelledby": headingId },
    h("h3", { class: "heading-s", id: headingId }, heading),
    intro ? h("p", {}, intro) : null,
    ...content,
  );
}

/** Add a code, at the top level or under a live code. */
export function addCodeForm({ conversation, codes, done }) {
  const summary = errorSummary();
  const name = nameField();
  const description = descriptionField();
  const parent = selectField({
    name: "parent_id",
    label: "Put it under",
    options: codeOptions(codes, TOP_LEVEL),
  });
  const form = panel(
    "add-code-heading",
    "Add a code",
    null,
    summary.element,
    name.element,
    description.element,
    parent.element,
    submitButton("Add code", { small: true }),
  );
  handleForm(form, {
    fields: [name, description, parent],
    summary,
    validate: () => [...checkName(name), ...checkDescription(description)],
    async submit() {
      const code = await api.createCode(conversation.id, {
        name: name.input.value.trim(),
        description: description.input.value.trim(),
        parentId: parent.input.value || null,
      });
      done(`“${code.name}” has been added to the frame.`);
    },
  });
  return form;
}

/** Rename a code or change its description; the fields start with what it has now. */
export function renameCodeForm({ conversation, codes, done }) {
  const summary = errorSummary();
  const code = selectField({ name: "code", label: "Code", options: codeOptions(codes, CHOOSE) });
  const name = nameField("New name");
  const description = descriptionField("Description");
  code.input.addEventListener("change", () => {
    const picked = codes.find((c) => c.id === code.input.value);
    name.setValue(picked?.name ?? "");
    description.setValue(picked?.description ?? "");
  });
  const form = panel(
    "rename-code-heading",
    "Rename or describe a code",
    "Its codings stay with it.",
    summary.element,
    code.element,
    name.element,
    description.element,
    submitButton("Save changes", { small: true }),
  );
  handleForm(form, {
    fields: [code, name, description],
    summary,
    validate: () => [
      ...chosen(code, "Choose the code to change"),
      ...checkName(name, "Enter the code's new name"),
      ...checkDescription(description),
    ],
    async submit() {
      const before = codes.find((c) => c.id === code.input.value);
      const changes = {};
      const newName = name.input.value.trim();
      const newDescription = description.input.value.trim();
      if (newName !== before.name) changes.name = newName;
      if (newDescription !== before.description) changes.description = newDescription;
      if (!Object.keys(changes).length) {
        summary.show([{ field: name, text: "Change the name or the description first" }]);
        return;
      }
      const saved = await api.updateCode(conversation.id, before.id, changes);
      done(
        changes.name
          ? `“${before.name}” is now called “${saved.name}”.`
          : `The description of “${saved.name}” has been saved.`,
      );
    },
  });
  return form;
}

/** Move a code (and everything under it) under another parent, or to the top level. */
export function moveCodeForm({ conversation, codes, done }) {
  const summary = errorSummary();
  const code = selectField({ name: "code", label: "Code", options: codeOptions(codes, CHOOSE) });
  const parent = selectField({
    name: "parent_id",
    label: "Move it under",
    hint: "Its sub-codes move with it.",
    options: codeOptions(codes, TOP_LEVEL),
  });
  const form = panel(
    "move-code-heading",
    "Move a code",
    null,
    summary.element,
    code.element,
    parent.element,
    submitButton("Move code", { small: true }),
  );
  handleForm(form, {
    fields: [code, parent],
    summary,
    validate: () => chosen(code, "Choose the code to move"),
    async submit() {
      const moving = codes.find((c) => c.id === code.input.value);
      const parentId = parent.input.value || null;
      if ((moving.parent_id ?? null) === parentId) {
        summary.show([{ field: parent, text: "The code is there already: choose another place" }]);
        return;
      }
      await api.updateCode(conversation.id, moving.id, { parent_id: parentId });
      const target = codes.find((c) => c.id === parentId);
      done(
        target
          ? `“${moving.name}” is now under “${codePath(target, codes)}”.`
          : `“${moving.name}” is now at the top level.`,
      );
    },
  });
  return form;
}

/** Ask before something that retires codes; the panel goes in `slot`. */
function askFirst(slot, form, { heading, text, confirmText, confirm }) {
  const panelView = confirmPanel({
    heading,
    text,
    confirmText,
    confirm,
    cancel() {
      slot.replaceChildren();
      form.querySelector("button[type=submit]").focus();
    },
  });
  replaceChildren(slot, panelView.element);
  panelView.focus();
}

/** Merge several codes into one: they are retired and their codings move to it. */
export function mergeCodesForm({ conversation, codes, done }) {
  const live = codes.filter((c) => c.state === "live");
  const summary = errorSummary();
  const slot = h("div", {});
  const groupId = uniqueId("merge-codes");
  const errorId = `${groupId}-error`;
  const boxError = h("p", { class: "error-message", id: errorId, hidden: true });
  const boxes = live.map((c) => {
    const id = uniqueId("merge-code");
    const input = h("input", {
      class: "checkboxes__input",
      id,
      type: "checkbox",
      name: "codes",
      value: c.id,
    });
    return {
      input,
      element: h(
        "div",
        { class: "checkboxes__item" },
        input,
        h("label", { class: "checkboxes__label", for: id }, codePath(c, live)),
      ),
    };
  });
  const fieldset = h(
    "fieldset",
    { class: "fieldset", id: groupId },
    h("legend", { class: "fieldset__legend" }, "Codes to merge"),
    boxError,
    h(
      "div",
      { class: "checkboxes" },
      boxes.map((b) => b.element),
    ),
  );
  // The error summary links to the first box; the message sits in the fieldset.
  const codesField = {
    name: "codes",
    input: boxes[0]?.input ?? fieldset,
    setError(message) {
      boxError.hidden = !message;
      replaceChildren(
        boxError,
        message ? [h("span", { class: "visually-hidden" }, "Error: "), message] : [],
      );
      if (message) fieldset.setAttribute("aria-describedby", errorId);
      else fieldset.removeAttribute("aria-describedby");
    },
  };
  const into = selectField({
    name: "into",
    label: "Merge them into",
    hint: "This code keeps its name and takes their codings and their sub-codes.",
    options: codeOptions(codes, CHOOSE),
  });
  const form = panel(
    "merge-codes-heading",
    "Merge codes",
    "The codes merged are retired: they leave the frame, and their codings move to the " +
      "code you merge them into.",
    summary.element,
    h("div", { class: "form-group" }, fieldset),
    into.element,
    submitButton("Merge codes", { small: true }),
  );
  handleForm(form, {
    fields: [codesField, into],
    summary,
    validate() {
      const picked = boxes.filter((b) => b.input.checked).map((b) => b.input.value);
      const problems = [];
      if (!picked.filter((id) => id !== into.input.value).length) {
        problems.push({ field: codesField, text: "Choose at least one code to merge" });
      }
      problems.push(...chosen(into, "Choose the code to merge them into"));
      return problems;
    },
    async submit() {
      const target = live.find((c) => c.id === into.input.value);
      const merged = boxes
        .filter((b) => b.input.checked && b.input.value !== target.id)
        .map((b) => live.find((c) => c.id === b.input.value));
      const names = merged.map((c) => `“${c.name}”`).join(", ");
      const moving = merged.reduce((n, c) => n + c.codings + c.suggested_codings, 0);
      askFirst(slot, form, {
        heading: `Merge ${countOf(merged.length, "code")} into “${target.name}”?`,
        text:
          `${names} will be retired and ${countOf(moving, "coding")} will move to ` +
          `“${target.name}”. This cannot be undone, though the frame's versions keep the record.`,
        confirmText: "Yes, merge them",
        async confirm() {
          await api.mergeCodes(conversation.id, {
            codeIds: merged.map((c) => c.id),
            intoId: target.id,
          });
          done(`${names} merged into “${target.name}”.`);
        },
      });
    },
  });
  return [form, slot];
}

/**
 * Split a code into two or more new ones under the same parent. Each of its codings goes to
 * one of the parts or stays on the old code, which is retired.
 */
export function splitCodeForm({ conversation, codes, done }) {
  const summary = errorSummary();
  const slot = h("div", {});
  const code = selectField({ name: "code", label: "Code", options: codeOptions(codes, CHOOSE) });
  const parts = [];
  const fields = [code];
  const partsList = h("div", { class: "split-parts" });
  const codingsSlot = h("div", { class: "coding-split-codings" });
  let codings = [];

  function addPart() {
    const number = parts.length + 1;
    const part = nameField(`Name of new code ${number}`);
    parts.push(part);
    fields.push(part);
    partsList.append(part.element);
    refreshChoices();
    return part;
  }

  // One select per coding of the chosen code: which part it goes to.
  const choices = [];
  function partOptions() {
    return [
      { value: "", text: "Stays on the old code" },
      ...parts.map((part, i) => ({
        value: String(i),
        text: part.input.value.trim() || `New code ${i + 1}`,
      })),
    ];
  }
  function refreshChoices() {
    for (const choice of choices) choice.setOptions(partOptions());
  }

  let loading = 0;
  async function loadCodings() {
    choices.length = 0;
    codings = [];
    if (!code.input.value) {
      codingsSlot.replaceChildren();
      return;
    }
    const ticket = ++loading;
    const found = await allCodings(conversation.id, { codeId: code.input.value });
    const titles = await ideaTitles(conversation.id, found);
    if (ticket !== loading) return; // another code was chosen meanwhile
    codings = found.filter((c) => c.status !== "rejected");
    if (!codings.length) {
      replaceChildren(
        codingsSlot,
        h("p", { class: "quiet" }, "This code has no codings to share out."),
      );
      return;
    }
    replaceChildren(
      codingsSlot,
      h(
        "fieldset",
        { class: "fieldset" },
        h("legend", { class: "fieldset__legend fieldset__legend--s" }, "Where each coding goes"),
        codings.map((coding, index) => {
          const title = titles.has(coding.post_id)
            ? `“${excerpt(titles.get(coding.post_id), 60)}”`
            : "";
          const what = coding.excerpt
            ? `“${excerpt(coding.excerpt, 80)}”${title ? ` in the idea ${title}` : ""}`
            : `the whole ${coding.post_kind}${title ? ` ${title}` : ""}`;
          const choice = selectField({
            name: "coding_ids",
            label:
              `Coding ${index + 1}: ${what}` + (coding.status === "suggested" ? ", suggested" : ""),
            labelClass: "label--small",
            options: partOptions(),
          });
          choice.coding = coding;
          choices.push(choice);
          return choice.element;
        }),
      ),
    );
  }
  code.input.addEventListener("change", () => {
    loadCodings().catch((error) => summary.show([{ text: error.detail ?? String(error) }]));
  });
  partsList.addEventListener("input", refreshChoices);

  const more = h(
    "button",
    {
      class: ["button", "button--secondary", "button--small"],
      type: "button",
      onClick: () => addPart().input.focus(),
    },
    "Add another new code",
  );
  addPart();
  addPart();

  const form = panel(
    "split-code-heading",
    "Split a code",
    "Two or more new codes take its place, under the same parent. Choose where each of its " +
      "codings goes; the old code is retired.",
    summary.element,
    code.element,
    partsList,
    h("p", {}, more),
    codingsSlot,
    submitButton("Split code", { small: true }),
  );
  handleForm(form, {
    fields,
    summary,
    validate: () => [
      ...chosen(code, "Choose the code to split"),
      ...parts.flatMap((part, i) => checkName(part, `Enter the name of new code ${i + 1}`)),
    ],
    async submit() {
      const original = codes.find((c) => c.id === code.input.value);
      const body = parts.map((part) => ({
        name: part.input.value.trim(),
        description: "",
        coding_ids: [],
      }));
      for (const choice of choices) {
        if (choice.input.value !== "")
          body[Number(choice.input.value)].coding_ids.push(choice.coding.id);
      }
      const names = body.map((part) => `“${part.name}”`).join(", ");
      askFirst(slot, form, {
        heading: `Split “${original.name}”?`,
        text:
          `${names} will replace it; “${original.name}” will be retired, keeping the ` +
          "codings you did not move. This cannot be undone.",
        confirmText: "Yes, split it",
        async confirm() {
          await api.splitCode(conversation.id, original.id, body);
          done(`“${original.name}” has been split into ${names}.`);
        },
      });
    },
  });
  return [form, slot];
}

/** The titles of the ideas among `codings`' posts, by id (the first 100; the rest unnamed). */
async function ideaTitles(conversationId, codings) {
  const ids = [...new Set(codings.filter((c) => c.post_kind === "idea").map((c) => c.post_id))];
  const titles = new Map();
  await Promise.all(
    ids.slice(0, 100).map(async (id) => {
      try {
        titles.set(id, (await api.getIdea(conversationId, id)).title);
      } catch {
        // Withdrawn or removed since: the coding is still listed, without its title.
      }
    }),
  );
  return titles;
}

/** Retire a code: it leaves the frame and takes no new codings; its codings are kept. */
export function retireCodeForm({ conversation, codes, done }) {
  const summary = errorSummary();
  const slot = h("div", {});
  const code = selectField({ name: "code", label: "Code", options: codeOptions(codes, CHOOSE) });
  const form = panel(
    "retire-code-heading",
    "Retire a code",
    "A code with sub-codes cannot be retired: move or merge them first.",
    summary.element,
    code.element,
    submitButton("Retire code", { small: true }),
  );
  form.querySelector("button[type=submit]").classList.add("button--warning");
  handleForm(form, {
    fields: [code],
    summary,
    validate: () => chosen(code, "Choose the code to retire"),
    async submit() {
      const retiring = codes.find((c) => c.id === code.input.value);
      askFirst(slot, form, {
        heading: `Retire “${retiring.name}”?`,
        text:
          "It leaves the frame and can take no new codings. Its " +
          `${countOf(retiring.codings, "coding")} are kept for the record. This cannot be undone.`,
        confirmText: "Yes, retire it",
        async confirm() {
          await api.retireCode(conversation.id, retiring.id);
          done(`“${retiring.name}” has been retired.`);
        },
      });
    },
  });
  return [form, slot];
}
