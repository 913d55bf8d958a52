// A confirmation step for something that cannot be undone (withdrawing a post): a small
// panel with a heading that takes focus, the consequence in words, and two buttons.

import { h, uniqueId } from "../dom.js";
import { errorSummary, handleForm } from "./form.js";

/**
 * Returns { element, focus() }. `confirm()` does the thing (errors from the API are shown in
 * the panel's error summary); `cancel()` puts things back and returns focus.
 */
export function confirmPanel({ heading, text, confirmText, confirm, cancel }) {
  const headingId = uniqueId("confirm-heading");
  const summary = errorSummary();
  const title = h("h3", { class: "confirm__heading", id: headingId, tabindex: "-1" }, heading);
  const form = h(
    "form",
    { class: "confirm", "aria-labelledby": headingId },
    title,
    summary.element,
    h("p", {}, text),
    h(
      "div",
      { class: "button-group" },
      h(
        "button",
        { class: ["button", "button--warning", "button--small"], type: "submit" },
        confirmText,
      ),
      h(
        "button",
        { class: ["button", "button--secondary", "button--small"], type: "button", onClick: cancel },
        "Cancel",
      ),
    ),
  );
  handleForm(form, { fields: [], summary, submit: confirm });
  return { element: form, focus: () => title.focus() };
}
