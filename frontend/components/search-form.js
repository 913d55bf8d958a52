// The search box of a conversation: on the conversation's home and on the results page.

import { h, uniqueId } from "../dom.js";
import { href } from "../router.js";
import { errorSummary, handleForm, submitButton, textField } from "./form.js";

/**
 * A search form. On submit it goes to #/conversations/<id>/search?q=…(&section=…).
 * With `sections`, a select narrows the search to one section.
 */
export function searchForm(
  conversation,
  { go, q = "", sectionId = "", sections = null, compact = false },
) {
  const summary = errorSummary();
  const query = textField({
    name: "q",
    label: "Search ideas and comments",
    type: "search",
    value: q,
    hint: compact
      ? null
      : "For example: rota, parking, breaks. Words like “rota” also find “rotas”.",
    labelClass: compact ? "label--small" : null,
  });
  query.input.setAttribute("enterkeyhint", "search");
  let select = null;
  if (sections?.length) {
    const id = uniqueId("section");
    select = h(
      "select",
      { class: "select", id, name: "section" },
      h("option", { value: "" }, "All sections"),
      sections.map((section) =>
        h("option", { value: section.id, selected: section.id === sectionId }, section.title),
      ),
    );
    select = h(
      "div",
      { class: "form-group" },
      h("label", { class: "label", for: id }, "In section"),
      select,
    );
  }
  const form = h(
    "form",
    {
      class: ["search-form", compact && "search-form--compact"],
      role: "search",
      "aria-label": "Search this conversation",
    },
    summary.element,
    query.element,
    select,
    submitButton("Search", { small: compact }),
  );
  handleForm(form, {
    fields: [query],
    summary,
    validate: () =>
      query.input.value.trim().length >= 2
        ? []
        : [{ field: query, text: "Enter at least 2 characters to search for" }],
    async submit() {
      const section = select?.querySelector("select").value;
      const params = { q: query.input.value.trim() };
      if (section) params.section = section;
      go(`/conversations/${conversation.id}/search`, { query: params });
    },
  });
  return form;
}

/** The link to a conversation's search results for `q`. */
export function searchHref(conversationId, q) {
  return href(`/conversations/${conversationId}/search`, { q });
}
