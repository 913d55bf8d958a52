// The coding frame's versions (#/conversations/<id>/coding/versions?from=…&to=…): every
// change, newest first, with who made it and what it did; and a comparison of two versions
// code by code (added, renamed, re-described, moved, merged, split, retired). The chosen
// versions live in the address, so a comparison can be shared.

import { api } from "../api.js";
import { analystName, codingConversation, codingHead } from "../components/coding-common.js";
import { scrollingTable } from "../components/console.js";
import { errorSummary, handleForm, selectField, submitButton } from "../components/form.js";
import { h } from "../dom.js";
import { countOf, shortDateTime } from "../format.js";

const ROLE_WORDS = { facilitator: "facilitator", admin: "administrator" };

function quoted(ref) {
  return `“${ref.name}”`;
}

/** One version's change in words. `names` maps code ids to names (for parents). */
function changeWords(change, names) {
  const parentName = (id) => (id ? `“${names.get(id) ?? "a retired code"}”` : "the top level");
  switch (change.kind) {
    case "added":
      return [
        `Added ${quoted(change.code)}`,
        change.after?.parent_id ? ` under ${parentName(change.after.parent_id)}` : "",
        change.suggestion_id ? ", from a theme suggestion" : "",
        ".",
      ].join("");
    case "updated": {
      const parts = [];
      const { before, after } = change;
      if (before && after) {
        if (before.name !== after.name) parts.push(`renamed “${before.name}” → “${after.name}”`);
        if (before.description !== after.description) parts.push("description changed");
        if ((before.parent_id ?? null) !== (after.parent_id ?? null)) {
          parts.push(
            `moved from ${parentName(before.parent_id)} to ${parentName(after.parent_id)}`,
          );
        }
      }
      return `${quoted(change.code)}: ${parts.join("; ") || "changed"}.`;
    }
    case "merged":
      return (
        `${change.merged.map(quoted).join(", ")} merged into ${quoted(change.code)}` +
        ` (${countOf(change.codings_moved, "coding")} moved` +
        (change.duplicates_dropped ? `, ${change.duplicates_dropped} duplicates dropped` : "") +
        (change.children_moved.length
          ? `; sub-codes moved: ${change.children_moved.map(quoted).join(", ")}`
          : "") +
        ")."
      );
    case "split":
      return (
        `${quoted(change.code)} split into ` +
        change.parts
          .map((part) => `${quoted(part)} (${countOf(part.codings, "coding")})`)
          .join(", ") +
        "."
      );
    case "retired":
      return `${quoted(change.code)} retired.`;
    default:
      return `${quoted(change.code)}: ${change.kind}.`;
  }
}

function versionsTable(list, { conversation, names, person }) {
  const table = h(
    "table",
    { class: "table" },
    h("caption", { class: "table__caption" }, "Versions of the frame, newest first"),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ["Version", "When", "Who", "What changed"].map((text) =>
          h("th", { scope: "col", class: "table__header" }, text),
        ),
      ),
    ),
    h(
      "tbody",
      {},
      list.versions.map((version) =>
        h(
          "tr",
          { class: "table__row", "data-kind": version.change.kind },
          h("td", { class: "table__cell" }, String(version.number)),
          h(
            "td",
            { class: "table__cell table__cell--nowrap" },
            h("time", { datetime: version.at }, shortDateTime(version.at, conversation.time_zone)),
          ),
          h(
            "td",
            { class: "table__cell table__cell--name" },
            `${analystName(version.actor_id, person)} (${ROLE_WORDS[version.actor_role] ?? version.actor_role})`,
          ),
          h("td", { class: "table__cell table__cell--wide" }, changeWords(version.change, names)),
        ),
      ),
    ),
  );
  return scrollingTable(table, "Versions of the frame");
}

function comparisonForm({ conversation, current, from, to, go }) {
  const summary = errorSummary();
  const numbers = Array.from({ length: current + 1 }, (_, i) => i);
  const option = (n) => ({ value: String(n), text: n === 0 ? "0 (the empty frame)" : String(n) });
  const fromField = selectField({
    name: "from",
    label: "From version",
    labelClass: "label--small",
    options: numbers.slice(0, -1).map(option),
    value: String(from),
  });
  const toField = selectField({
    name: "to",
    label: "To version",
    labelClass: "label--small",
    options: numbers.slice(1).map(option),
    value: String(to),
  });
  const form = h(
    "form",
    { class: "filters", "aria-label": "Versions to compare" },
    summary.element,
    h(
      "div",
      { class: "filters__row" },
      fromField.element,
      toField.element,
      submitButton("Compare", { secondary: true, small: true }),
    ),
  );
  handleForm(form, {
    fields: [fromField, toField],
    summary,
    validate: () =>
      Number(fromField.input.value) < Number(toField.input.value)
        ? []
        : [{ field: fromField, text: "Choose a “from” version before the “to” version" }],
    async submit() {
      go(`/conversations/${conversation.id}/coding/versions`, {
        query: { from: fromField.input.value, to: toField.input.value },
      });
    },
  });
  return form;
}

function comparisonView(comparison, names) {
  const parentName = (id) => (id ? `“${names.get(id) ?? "a retired code"}”` : "the top level");
  const groups = [
    ["Added", comparison.added.map(quoted)],
    ["Renamed", comparison.renamed.map((r) => `“${r.old_name}” → “${r.new_name}”`)],
    ["Description changed", comparison.redescribed.map(quoted)],
    [
      "Moved",
      comparison.moved.map(
        (m) => `“${m.name}”: from ${parentName(m.old_parent_id)} to ${parentName(m.new_parent_id)}`,
      ),
    ],
    ["Merged", comparison.merged.map((m) => `“${m.name}” into ${quoted(m.into)}`)],
    ["Split", comparison.split.map((s) => `“${s.name}” into ${s.into.map(quoted).join(", ")}`)],
    ["Retired", comparison.retired.map(quoted)],
  ];
  const shown = groups.filter(([, items]) => items.length);
  return h(
    "section",
    { class: "coding-comparison", "aria-labelledby": "comparison-heading" },
    h(
      "h3",
      { class: "heading-s", id: "comparison-heading" },
      `From version ${comparison.from_version} to version ${comparison.to_version}`,
    ),
    shown.length
      ? h(
          "dl",
          { class: "summary-list" },
          shown.map(([term, items]) =>
            h(
              "div",
              { class: "summary-list__row" },
              h("dt", { class: "summary-list__key" }, term),
              h(
                "dd",
                { class: "summary-list__value" },
                h(
                  "ul",
                  { class: "list-bullets" },
                  items.map((item) => h("li", {}, item)),
                ),
              ),
            ),
          ),
        )
      : h("p", { class: "inset" }, "The frame is the same at both versions."),
  );
}

export default {
  auth: true,

  async render(ctx) {
    const loaded = await codingConversation(ctx);
    if (loaded.view) return loaded.view;
    const { conversation } = loaded;
    const [list, frame] = await Promise.all([
      api.frameVersions(conversation.id, { limit: 500 }),
      api.listCodes(conversation.id, { includeRetired: true }),
    ]);
    const names = new Map(frame.codes.map((code) => [code.id, code.name]));
    const current = list.current;
    const asked = (key, fallback) => {
      const value = Number.parseInt(ctx.query.get(key) ?? "", 10);
      return Number.isInteger(value) && value >= 0 && value <= current ? value : fallback;
    };
    const to = Math.max(asked("to", current), Math.min(1, current));
    const from = Math.min(asked("from", Math.max(0, to - 1)), Math.max(0, to - 1));
    const comparison =
      current > 0
        ? await api.compareFrameVersions(conversation.id, { fromVersion: from, toVersion: to })
        : null;

    return {
      title: "Versions of the coding frame",
      node: h(
        "div",
        {},
        codingHead(conversation, {
          person: ctx.person,
          current: "versions",
          heading: "Versions of the coding frame",
          lead:
            "Each change to the frame is a version. Compare two versions to see what was " +
            "added, renamed, moved, merged, split or retired between them.",
        }),
        current
          ? [
              h("h2", { class: "heading-m" }, "Compare two versions"),
              comparisonForm({ conversation, current, from, to, go: ctx.go }),
              comparisonView(comparison, names),
              h("h2", { class: "heading-m" }, "Every version"),
              versionsTable(list, { conversation, names, person: ctx.person }),
            ]
          : h("p", { class: "inset" }, "The frame has no versions yet: add a code first."),
      ),
    };
  },
};
