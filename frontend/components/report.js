// "Report" on someone else's idea or comment: a small form (why, and an optional note) that
// opens in place under the post. The API keeps the reason, not who reported.

import { api } from "../api.js";
import { h } from "../dom.js";
import { href } from "../router.js";
import { errorSummary, handleForm, radioField, submitButton, textField } from "./form.js";
import { successNotice } from "./layout.js";

export const REPORT_REASONS = [
  { value: "personal", label: "A personal comment about someone" },
  { value: "abusive", label: "Abusive or offensive" },
  { value: "safeguarding", label: "I'm worried about someone's safety" },
  { value: "other", label: "Something else" },
];
const NOTE_LIMIT = 1_000;

/**
 * The report form for one post. `kind` is "idea" or "comment"; `name` says which post in
 * words ("this idea", "comment 2"). `done()` is called once the report has been sent (the
 * form has then become a thank-you note); `cancel()` when the reader closes it.
 * Returns { element, focus() }.
 */
export function reportForm({ conversation, kind, targetId, name, done, cancel }) {
  const summary = errorSummary();
  const reason = radioField({
    name: "category",
    legend: `Why are you reporting ${name}?`,
    legendClass: "fieldset__legend--s",
    options: REPORT_REASONS,
  });
  const note = textField({
    name: "note",
    label: "Anything else the facilitators should know (optional)",
    hint: "Do not include your name: reports are anonymous.",
    multiline: true,
    rows: 3,
    maxLength: NOTE_LIMIT,
    width: "full",
  });
  const heading = h("h3", { class: "report__heading", tabindex: "-1" }, `Report ${name}`);
  const form = h(
    "form",
    { class: "form report", "aria-label": `Report ${name}` },
    heading,
    h(
      "p",
      { class: "report__lead" },
      "The facilitators will look at it. They are not told who reported it.",
    ),
    summary.element,
    reason.element,
    note.element,
    h(
      "div",
      { class: "button-group" },
      submitButton("Send report", { small: true }),
      h(
        "button",
        {
          class: ["button", "button--secondary", "button--small"],
          type: "button",
          onClick: cancel,
        },
        "Cancel",
      ),
    ),
  );
  const holder = h("div", { class: "report-holder" }, form);
  handleForm(form, {
    fields: [reason, note],
    summary,
    validate() {
      const problems = [];
      if (!reason.value()) {
        problems.push({ field: reason, text: "Choose why you are reporting it" });
      }
      if ([...note.input.value.trim()].length > NOTE_LIMIT) {
        problems.push({ field: note, text: `The note must be ${NOTE_LIMIT} characters or fewer` });
      }
      return problems;
    },
    async submit() {
      const answer = await api.report(conversation.id, {
        targetKind: kind,
        targetId,
        category: reason.value(),
        note: note.input.value.trim(),
      });
      const thanks = successNotice(answer.detail);
      thanks.classList.add("report__thanks");
      if (reason.value() === "safeguarding") {
        thanks.append(
          h(
            "p",
            { class: "report__support" },
            "If you are worried about yourself or someone else, ",
            h(
              "a",
              { href: href(`/conversations/${conversation.id}/pages/support`) },
              "see the support services",
            ),
            ".",
          ),
        );
      }
      holder.replaceChildren(thanks);
      thanks.focus();
      done?.();
    },
  });
  return { element: holder, focus: () => heading.focus() };
}
