// The audit log as a table: when, who, what, why, and what changed. Used for the whole
// conversation's log and for one post's history.

import { h } from "../dom.js";
import { excerpt, shortDateTime } from "../format.js";
import { href } from "../router.js";
import { actionName, CATEGORY_NAMES, scrollingTable } from "./console.js";
import { moderationPath } from "./contribution.js";

const FIELD_NAMES = {
  title: "Title",
  body: "Text",
  status: "Status",
  moderation: "Moderation",
  moderation_reason: "Public reason",
  section_id: "Section",
};
// Values in words where the API keeps a code.
const VALUE_WORDS = {
  moderation: { visible: "shown", held: "held", hidden: "hidden", removed: "removed" },
  moderation_reason: Object.fromEntries(
    Object.entries(CATEGORY_NAMES).map(([key, text]) => [key, text.toLowerCase()]),
  ),
};

function shown(key, value) {
  if (value === null || value === undefined || value === "") return "none";
  const word = VALUE_WORDS[key]?.[value];
  if (word) return word;
  return excerpt(typeof value === "string" ? value : JSON.stringify(value), 60);
}

/** The post an entry is about, in words, from the snapshot it kept when it has one. */
function postLabel(entry) {
  const kind = entry.target_kind === "idea" ? "Idea" : "Comment";
  const snapshot = entry.after || entry.before;
  const text = snapshot?.title || snapshot?.body;
  return text ? `${kind}: ${excerpt(text, 50)}` : kind;
}

/** What an entry changed, one line per field: "Moderation: visible → hidden". */
export function changes(entry) {
  const { before, after } = entry;
  if (!before && !after) return [];
  if (!before) return ["Created"];
  if (!after) return ["Deleted"];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys
    .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
    .map((key) => {
      const name = FIELD_NAMES[key] ?? key;
      return `${name}: ${shown(key, before[key])} → ${shown(key, after[key])}`;
    });
}

/**
 * The entries as a table in its own scrolling region. With `postColumn`, each row links to
 * the post it is about.
 */
export function auditTable(entries, { conversation, caption, postColumn = false }) {
  const headers = ["When", "Who", "Action", postColumn ? "Post" : null, "Reason", "Change"];
  const table = h(
    "table",
    { class: "table" },
    h("caption", { class: "table__caption" }, caption),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        headers
          .filter(Boolean)
          .map((text) => h("th", { scope: "col", class: "table__header" }, text)),
      ),
    ),
    h(
      "tbody",
      {},
      entries.map((entry) => {
        const lines = changes(entry);
        return h(
          "tr",
          { class: "table__row", "data-action": entry.action },
          h(
            "td",
            { class: "table__cell table__cell--nowrap" },
            h("time", { datetime: entry.at }, shortDateTime(entry.at, conversation.time_zone)),
          ),
          h("td", { class: "table__cell table__cell--name" }, entry.actor),
          h(
            "td",
            { class: "table__cell table__cell--name" },
            h("strong", {}, actionName(entry.action)),
          ),
          postColumn
            ? h(
                "td",
                { class: "table__cell table__cell--name" },
                entry.target_kind && entry.target_id
                  ? h(
                      "a",
                      {
                        href: href(
                          moderationPath(conversation.id, entry.target_kind, entry.target_id),
                        ),
                      },
                      postLabel(entry),
                    )
                  : "—",
              )
            : null,
          h(
            "td",
            { class: "table__cell table__cell--wide" },
            entry.reason_category
              ? h("span", { class: "table__category" }, CATEGORY_NAMES[entry.reason_category])
              : null,
            entry.reason,
          ),
          h(
            "td",
            { class: "table__cell table__cell--wide" },
            lines.length ? lines.map((line) => h("span", { class: "table__line" }, line)) : "—",
          ),
        );
      }),
    ),
  );
  return scrollingTable(table, caption);
}
