// The moderation queue (#/conversations/<id>/moderation?state=…&category=…): the posts
// waiting for the facilitators, safeguarding first, then abuse, personal comments and the
// rest, oldest first within each. Filters live in the address, so a view can be shared.

import { api } from "../api.js";
import {
  CATEGORY_NAMES,
  consoleConversation,
  consoleNav,
  consoleTrail,
} from "../components/console.js";
import { errorSummary, handleForm, selectField, submitButton } from "../components/form.js";
import { breadcrumbs } from "../components/layout.js";
import { queueCard, staffLabel } from "../components/queue-item.js";
import { h, uniqueId } from "../dom.js";
import { countOf } from "../format.js";

const STATES = [
  { value: "open", text: "Open" },
  { value: "claimed", text: "Claimed" },
  { value: "resolved", text: "Resolved" },
];
const DEFAULT_STATES = ["open", "claimed"];

function filterForm(conversation, { states, category, go }) {
  const summary = errorSummary();
  const boxes = STATES.map((state) => {
    const id = uniqueId("state");
    const input = h("input", {
      class: "checkboxes__input",
      id,
      type: "checkbox",
      name: "state",
      value: state.value,
      checked: states.includes(state.value),
    });
    return {
      input,
      element: h(
        "div",
        { class: "checkboxes__item" },
        input,
        h("label", { class: "checkboxes__label", for: id }, state.text),
      ),
    };
  });
  const reason = selectField({
    name: "category",
    label: "Reason",
    labelClass: "label--small",
    value: category,
    options: [
      { value: "", text: "All reasons" },
      ...Object.entries(CATEGORY_NAMES).map(([value, text]) => ({ value, text })),
    ],
  });
  const form = h(
    "form",
    { class: "filters", "aria-label": "Filter the queue" },
    summary.element,
    h(
      "div",
      { class: "filters__row" },
      h(
        "fieldset",
        { class: "fieldset filters__states" },
        h("legend", { class: "fieldset__legend label--small" }, "Show items that are"),
        h(
          "div",
          { class: "checkboxes checkboxes--inline" },
          boxes.map((b) => b.element),
        ),
      ),
      reason.element,
      submitButton("Apply filters", { secondary: true, small: true }),
    ),
  );
  handleForm(form, {
    fields: [],
    summary,
    async submit() {
      const query = new URLSearchParams();
      for (const box of boxes) if (box.input.checked) query.append("state", box.input.value);
      if (reason.input.value) query.set("category", reason.input.value);
      go(`/conversations/${conversation.id}/moderation`, { query });
    },
  });
  return form;
}

export default {
  auth: true,

  async render(ctx) {
    const loaded = await consoleConversation(ctx);
    if (loaded.view) return loaded.view;
    const { conversation } = loaded;
    const asked = ctx.query.getAll("state").filter((s) => STATES.some((x) => x.value === s));
    const states = asked.length ? asked : DEFAULT_STATES;
    const category = Object.hasOwn(CATEGORY_NAMES, ctx.query.get("category"))
      ? ctx.query.get("category")
      : "";
    const items = await api.moderationQueue(conversation.id, {
      states,
      category: category || null,
    });
    const me = staffLabel(ctx.person);
    const shown = states.map((s) => STATES.find((x) => x.value === s).text.toLowerCase());
    const description =
      `${countOf(items.length, "item")} ${shown.join(" or ")}` +
      (category ? `, for “${CATEGORY_NAMES[category].toLowerCase()}”` : "") +
      ", most urgent first.";

    return {
      title: "Moderation queue",
      node: h(
        "div",
        {},
        breadcrumbs(consoleTrail(conversation)),
        h("span", { class: "caption" }, conversation.title),
        h("h1", { id: "page-heading", class: "h1--tight", tabindex: "-1" }, "Moderation queue"),
        consoleNav(conversation, "queue"),
        h(
          "p",
          { class: "reading-width" },
          "Posts that were reported or flagged by screening. Claim an item so nobody else " +
            "works on it, review the post, then resolve it with your decision.",
        ),
        filterForm(conversation, { states, category, go: ctx.go }),
        h("h2", { class: "visually-hidden", id: "queue-heading" }, "Items"),
        h("p", { class: "list-summary", role: "status" }, description),
        items.length
          ? h(
              "ol",
              { class: "queue-list", "aria-labelledby": "queue-heading" },
              items.map((item) => queueCard(item, { conversation, me, headingLevel: 3 })),
            )
          : h("p", { class: "inset" }, "Nothing in the queue matches these filters."),
      ),
    };
  },
};
