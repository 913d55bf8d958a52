// Theme suggestions (#/conversations/<id>/coding/suggestions): ask for candidate themes in
// the whole conversation or one section (the API clusters the shown posts' words; the same
// posts always give the same themes), then accept each as a code (renamed, under a parent,
// if wished) or reject it. An accepted theme's posts are pre-coded as "suggested", and wait
// on the posts page for a person to confirm or reject each.

import { api } from "../api.js";
import {
  analystName,
  codeOptions,
  codingConversation,
  codingHead,
} from "../components/coding-common.js";
import {
  checkLength,
  errorSummary,
  handleForm,
  selectField,
  submitButton,
  textField,
} from "../components/form.js";
import { h } from "../dom.js";
import { countOf, shortDateTime } from "../format.js";
import { href } from "../router.js";

const RUNS_SHOWN = 5;

function runForm({ conversation, sections, done }) {
  const summary = errorSummary();
  const section = selectField({
    name: "section_id",
    label: "Posts to read",
    options: [
      { value: "", text: "The whole conversation" },
      ...sections.map((s) => ({ value: s.id, text: `Section: ${s.title}` })),
    ],
  });
  const themes = selectField({
    name: "themes",
    label: "How many themes",
    hint: "Left to Candour, it picks the number that separates the posts best.",
    options: [
      { value: "", text: "Let Candour choose" },
      ...Array.from({ length: 11 }, (_, i) => ({ value: String(i + 2), text: String(i + 2) })),
    ],
  });
  const form = h(
    "form",
    { class: "form form--flush", "aria-labelledby": "run-heading" },
    h("h2", { class: "heading-m", id: "run-heading" }, "Suggest themes"),
    h(
      "p",
      {},
      "Candour groups the shown ideas and comments by the words they share, and suggests " +
        "each group as a theme with its keywords and the posts that represent it best. " +
        "Nothing is coded until you accept a theme.",
    ),
    summary.element,
    section.element,
    themes.element,
    submitButton("Suggest themes", { small: true }),
  );
  handleForm(form, {
    fields: [section, themes],
    summary,
    async submit() {
      const run = await api.suggestThemes(conversation.id, {
        sectionId: section.input.value || null,
        themes: themes.input.value ? Number(themes.input.value) : null,
      });
      done(
        `${countOf(run.suggestions.length, "theme")} suggested from ` +
          `${countOf(run.posts_analysed, "post")}.`,
      );
    },
  });
  return form;
}

function acceptForm({ conversation, suggestion, codes, done }) {
  const summary = errorSummary();
  const headingId = `accept-${suggestion.id}`;
  const name = textField({
    name: "name",
    label: "Name of the new code",
    value: suggestion.label,
    maxLength: 100,
    width: "full",
  });
  const parent = selectField({
    name: "parent_id",
    label: "Put it under",
    options: codeOptions(codes, { value: "", text: "Top level (no parent)" }),
  });
  const form = h(
    "form",
    { class: "form form--flush coding-theme__form", "aria-labelledby": headingId },
    h("h4", { class: "heading-s", id: headingId }, `Accept theme ${suggestion.rank} as a code`),
    summary.element,
    name.element,
    parent.element,
    submitButton(["Accept", h("span", { class: "visually-hidden" }, ` theme ${suggestion.rank}`)], {
      small: true,
    }),
  );
  handleForm(form, {
    fields: [name, parent],
    summary,
    validate: () =>
      checkLength(name, {
        max: 100,
        empty: "Enter the code's name",
        long: "The name must be 100 characters or fewer",
      }),
    async submit() {
      const accepted = await api.acceptThemeSuggestion(conversation.id, suggestion.id, {
        name: name.input.value.trim(),
        parentId: parent.input.value || null,
      });
      done(
        `“${accepted.code.name}” has been added to the frame, and ` +
          `${countOf(accepted.suggested_codings, "post")} pre-coded with it, waiting for you ` +
          "to confirm or reject each." +
          (accepted.posts_left_out
            ? ` ${countOf(accepted.posts_left_out, "post")} no longer shown were left out.`
            : ""),
      );
    },
  });
  return form;
}

function rejectForm({ conversation, suggestion, done }) {
  const summary = errorSummary();
  const headingId = `reject-${suggestion.id}`;
  const reason = textField({
    name: "reason",
    label: "Why (optional)",
    hint: "For the record: other analysts see it.",
    multiline: true,
    rows: 2,
    maxLength: 2_000,
    width: "full",
  });
  const form = h(
    "form",
    { class: "form form--flush coding-theme__form", "aria-labelledby": headingId },
    h("h4", { class: "heading-s", id: headingId }, `Reject theme ${suggestion.rank}`),
    summary.element,
    reason.element,
    submitButton(["Reject", h("span", { class: "visually-hidden" }, ` theme ${suggestion.rank}`)], {
      secondary: true,
      small: true,
    }),
  );
  handleForm(form, {
    fields: [reason],
    summary,
    async submit() {
      await api.rejectThemeSuggestion(conversation.id, suggestion.id, reason.input.value.trim());
      done(`Theme ${suggestion.rank} (“${suggestion.label}”) rejected.`);
    },
  });
  return form;
}

function suggestionCard({ conversation, suggestion, codes, person, done, headingLevel }) {
  const headingId = `theme-${suggestion.id}`;
  const code = codes.find((c) => c.id === suggestion.code_id);
  let decision;
  if (suggestion.status === "accepted") {
    decision = h(
      "div",
      { class: "coding-theme__decision" },
      h(
        "p",
        {},
        h("strong", { class: "tag tag--coding-confirmed" }, "Accepted"),
        ` as “${code?.name ?? "a code"}” by ${analystName(suggestion.decided_by, person, { midSentence: true })}`,
        suggestion.decided_at
          ? `, ${shortDateTime(suggestion.decided_at, conversation.time_zone)}`
          : "",
        ".",
      ),
      code
        ? h(
            "p",
            {},
            code.suggested_codings
              ? h(
                  "a",
                  {
                    href: href(`/conversations/${conversation.id}/coding/posts`, {
                      code: code.id,
                      status: "suggested",
                    }),
                  },
                  `Review its ${countOf(code.suggested_codings, "suggested coding")}`,
                )
              : "Every post it pre-coded has been confirmed or rejected.",
          )
        : null,
    );
  } else if (suggestion.status === "rejected") {
    decision = h(
      "p",
      { class: "coding-theme__decision" },
      h("strong", { class: "tag tag--coding-rejected" }, "Rejected"),
      ` by ${analystName(suggestion.decided_by, person, { midSentence: true })}`,
      suggestion.reason ? `: “${suggestion.reason}”` : ".",
    );
  } else {
    decision = h(
      "div",
      { class: "coding-theme__actions" },
      acceptForm({ conversation, suggestion, codes, done }),
      rejectForm({ conversation, suggestion, done }),
    );
  }
  const quotes = suggestion.quotes.filter((quote) => quote.text);
  return h(
    "article",
    { class: "coding-theme", "aria-labelledby": headingId, "data-theme": suggestion.label },
    h(
      `h${headingLevel}`,
      { class: "coding-theme__heading", id: headingId },
      `Theme ${suggestion.rank}: ${suggestion.label}`,
    ),
    h("p", { class: "coding-theme__size" }, countOf(suggestion.size, "post")),
    h(
      "p",
      { class: "coding-theme__keywords" },
      h("span", { class: "coding-theme__label" }, "Keywords: "),
      suggestion.keywords.join(", "),
    ),
    quotes.length
      ? [
          h("p", { class: "coding-theme__label" }, "Posts that represent it best:"),
          h(
            "ul",
            { class: "coding-theme__quotes" },
            quotes.map((quote) =>
              h("li", {}, h("blockquote", { class: "coding-theme__quote" }, `“${quote.text}”`)),
            ),
          ),
        ]
      : null,
    decision,
  );
}

function runView({ conversation, run, sections, codes, person, done, latest }) {
  const where = run.section_id
    ? `the section “${sections.find((s) => s.id === run.section_id)?.title ?? "(deleted)"}”`
    : "the whole conversation";
  const title = `${countOf(run.suggestions.length, "theme")} from ${where}`;
  const meta = h(
    "p",
    { class: "quiet" },
    `Asked for by ${analystName(run.requested_by, person, { midSentence: true })}, `,
    shortDateTime(run.requested_at, conversation.time_zone),
    `; ${countOf(run.posts_analysed, "post")} read.`,
  );
  const cards = h(
    "ol",
    { class: "coding-themes" },
    run.suggestions.map((suggestion) =>
      h(
        "li",
        {},
        suggestionCard({ conversation, suggestion, codes, person, done, headingLevel: 3 }),
      ),
    ),
  );
  if (latest) {
    return h(
      "section",
      { class: "coding-run", "aria-labelledby": `run-${run.id}` },
      h(
        "h2",
        { class: "heading-m", id: `run-${run.id}`, tabindex: "-1" },
        `Latest suggestions: ${title}`,
      ),
      meta,
      cards,
    );
  }
  return h(
    "details",
    { class: "details coding-run" },
    h(
      "summary",
      { class: "details__summary" },
      h(
        "span",
        { class: "details__summary-text" },
        `Earlier: ${title}, ${shortDateTime(run.requested_at, conversation.time_zone)}`,
      ),
    ),
    h("div", { class: "details__text" }, meta, cards),
  );
}

export default {
  auth: true,

  async render(ctx) {
    const loaded = await codingConversation(ctx);
    if (loaded.view) return loaded.view;
    const { conversation } = loaded;
    const cid = conversation.id;
    const [sections, frame, runs] = await Promise.all([
      api.listSections(cid),
      api.listCodes(cid, { includeRetired: true }),
      api.themeRuns(cid, { limit: RUNS_SHOWN }),
    ]);
    const path = `/conversations/${cid}/coding/suggestions`;
    const done = (text) => {
      ctx.flash(text, "success");
      ctx.go(path, { replace: true });
    };
    const common = { conversation, sections, codes: frame.codes, person: ctx.person, done };

    return {
      title: "Theme suggestions",
      node: h(
        "div",
        {},
        codingHead(conversation, {
          person: ctx.person,
          current: "suggestions",
          heading: "Theme suggestions",
        }),
        h("div", { class: "action-panel reading-width" }, runForm(common)),
        runs.runs.length
          ? runs.runs.map((run, index) => runView({ ...common, run, latest: index === 0 }))
          : h("p", { class: "inset" }, "No themes have been suggested yet."),
      ),
    };
  },
};
