// A conversation's sections (#/admin/conversations/<id>/sections): add, rename, put in
// order, delete. Staff see them in this order. The API refuses to delete a section that
// holds ideas, and the refusal is shown where the deletion was asked for.

import { api } from "../api.js";
import { adminConversation, adminHeader } from "../components/admin.js";
import { confirmPanel } from "../components/confirm.js";
import {
  characters,
  checkLength,
  errorSummary,
  handleForm,
  submitButton,
  textField,
} from "../components/form.js";
import { successNotice } from "../components/layout.js";
import { h, paragraphs, replaceChildren } from "../dom.js";
import { countOf, number } from "../format.js";

const TITLE_LIMITS = { min: 3, max: 200 };
const DESCRIPTION_LIMIT = 5_000;

/** Title and description fields, filled from `section` when one is being renamed. */
function sectionFields(section = null) {
  const title = textField({
    name: "title",
    label: section ? "New title" : "Title",
    value: section?.title ?? "",
    maxLength: TITLE_LIMITS.max,
    width: "full",
  });
  const description = textField({
    name: "description",
    label: "Description (optional)",
    hint: "A sentence under the title that says what belongs here.",
    value: section?.description ?? "",
    multiline: true,
    rows: 3,
    maxLength: DESCRIPTION_LIMIT,
    width: "full",
  });
  function problems() {
    const found = checkLength(title, {
      ...TITLE_LIMITS,
      empty: "Enter the section's title",
      short: `The title must be ${TITLE_LIMITS.min} characters or more`,
      long: `The title must be ${TITLE_LIMITS.max} characters or fewer`,
    });
    if (characters(description.input.value) > DESCRIPTION_LIMIT) {
      found.push({
        field: description,
        text: `The description must be ${number(DESCRIPTION_LIMIT)} characters or fewer`,
      });
    }
    return found;
  }
  const values = () => ({
    title: title.input.value.trim(),
    description: description.input.value.trim(),
  });
  return { title, description, problems, values };
}

export default {
  auth: true,

  async render(ctx) {
    const loaded = await adminConversation(ctx);
    if (loaded.view) return loaded.view;
    const { conversation } = loaded;
    const cid = conversation.id;
    let sections = await api.listSections(cid);

    const listHeading = h(
      "h2",
      { class: "heading-m", id: "sections-heading", tabindex: "-1" },
      "Sections in order",
    );
    const announcer = h("p", { class: "visually-hidden", role: "status" });
    const listError = h("p", { class: "error-message", role: "alert" });
    const list = h("div", {});

    function announce(text) {
      announcer.textContent = text;
    }

    /** Draw the list again; `then(items)` may move focus into the new nodes. */
    function draw(then = null) {
      const items = new Map();
      if (!sections.length) {
        replaceChildren(
          list,
          h("p", { class: "inset" }, "There are no sections yet. Add the first one below."),
        );
      } else {
        replaceChildren(
          list,
          h(
            "ol",
            { class: "admin-sections", "aria-labelledby": "sections-heading" },
            sections.map((section, index) => {
              const item = sectionItem(section, index);
              items.set(section.id, item);
              return item.element;
            }),
          ),
        );
      }
      then?.(items);
    }

    async function move(index, delta) {
      listError.textContent = "";
      const order = sections.map((s) => s.id);
      const [moved] = order.splice(index, 1);
      order.splice(index + delta, 0, moved);
      try {
        sections = await api.reorderSections(cid, order);
      } catch (error) {
        listError.textContent = error.detail;
        // Someone else may have added or deleted a section: show the order as it is now.
        sections = await api.listSections(cid).catch(() => sections);
        draw();
        return;
      }
      const at = sections.findIndex((s) => s.id === moved);
      draw((items) => {
        const item = items.get(moved);
        const wanted = delta < 0 ? item.up : item.down;
        (wanted.disabled ? (delta < 0 ? item.down : item.up) : wanted).focus();
      });
      announce(
        `“${sections[at].title}” moved ${delta < 0 ? "up" : "down"}: now ` +
          `${at + 1} of ${sections.length}.`,
      );
    }

    function sectionItem(section, index) {
      const slot = h("div", { class: "admin-sections__slot" });
      const named = (text) => [
        text,
        h("span", { class: "visually-hidden" }, ` “${section.title}”`),
      ];
      const smallButton = (text, onClick, extra = {}) =>
        h(
          "button",
          {
            class: ["button", "button--secondary", "button--small"],
            type: "button",
            onClick,
            ...extra,
          },
          named(text),
        );
      const up = smallButton("Move up", () => move(index, -1), { disabled: index === 0 });
      const down = smallButton("Move down", () => move(index, 1), {
        disabled: index === sections.length - 1,
      });
      const rename = smallButton("Rename", () => openRename());
      const remove = h(
        "button",
        {
          class: ["button", "button--warning-outline", "button--small"],
          type: "button",
          onClick: () => openDelete(),
        },
        named("Delete"),
      );
      const actions = h("div", { class: "button-group" }, up, down, rename, remove);

      function close(returnTo) {
        slot.replaceChildren();
        actions.hidden = false;
        returnTo.focus();
      }

      function openRename() {
        const fields = sectionFields(section);
        const summary = errorSummary();
        const form = h(
          "form",
          { class: "form panel panel--form", "aria-label": `Rename “${section.title}”` },
          summary.element,
          fields.title.element,
          fields.description.element,
          h(
            "div",
            { class: "button-group" },
            submitButton("Save", { small: true }),
            h(
              "button",
              {
                class: ["button", "button--secondary", "button--small"],
                type: "button",
                onClick: () => close(rename),
              },
              "Cancel",
            ),
          ),
        );
        handleForm(form, {
          fields: [fields.title, fields.description],
          summary,
          validate: fields.problems,
          async submit() {
            const changed = await api.updateSection(cid, section.id, fields.values());
            sections = sections.map((s) => (s.id === changed.id ? changed : s));
            draw((items) => items.get(changed.id).rename.focus());
            announce(`Section saved as “${changed.title}”.`);
          },
        });
        actions.hidden = true;
        replaceChildren(slot, form);
        fields.title.input.focus();
      }

      function openDelete() {
        const panel = confirmPanel({
          heading: `Delete “${section.title}”?`,
          text:
            "Staff will no longer see this section. A section that holds ideas, even " +
            "withdrawn ones, cannot be deleted: the facilitators must move them first.",
          confirmText: "Delete the section",
          async confirm() {
            await api.deleteSection(cid, section.id);
            sections = sections.filter((s) => s.id !== section.id);
            draw();
            listHeading.focus();
            announce(`“${section.title}” has been deleted.`);
          },
          cancel: () => close(remove),
        });
        actions.hidden = true;
        replaceChildren(slot, panel.element);
        panel.focus();
      }

      const element = h(
        "li",
        { class: "admin-sections__item" },
        h("h3", { class: ["heading-s", "break-words"] }, section.title),
        paragraphs(section.description, "quiet"),
        h("p", { class: "admin-sections__meta" }, countOf(section.idea_count, "idea")),
        actions,
        slot,
      );
      return { element, up, down, rename };
    }

    // Adding a section, at the end.
    const added = h("div", {});
    const fields = sectionFields();
    const summary = errorSummary();
    const addForm = h(
      "form",
      { class: "form", "aria-labelledby": "add-section-heading" },
      summary.element,
      fields.title.element,
      fields.description.element,
      submitButton("Add the section"),
    );
    handleForm(addForm, {
      fields: [fields.title, fields.description],
      summary,
      validate: fields.problems,
      async submit() {
        const created = await api.createSection(cid, fields.values());
        sections = [...sections, created];
        draw();
        fields.title.setValue("");
        fields.description.setValue("");
        const notice = successNotice(
          `“${created.title}” has been added as section ${sections.length}.`,
        );
        replaceChildren(added, notice);
        notice.focus();
      },
    });

    draw();
    return {
      title: `Sections: ${conversation.title}`,
      node: h(
        "div",
        {},
        adminHeader(conversation, "Sections", "sections"),
        h(
          "p",
          { class: "reading-width" },
          "Sections group ideas by topic. Staff see them in this order. A section that " +
            "holds ideas cannot be deleted.",
        ),
        listHeading,
        announcer,
        listError,
        list,
        h("h2", { class: "heading-m", id: "add-section-heading" }, "Add a section"),
        h("div", { class: "reading-width" }, added, addForm),
      ),
    };
  },
};
