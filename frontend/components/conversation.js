// How a conversation's status and window are shown, the same on every page.

import { h } from "../dom.js";
import { conversationStatus, formatDateTime, timeZoneLabel } from "../format.js";

/** "Open" / "Not open yet" / "Closed" as a coloured tag (the words carry the meaning). */
export function statusTag(conversation) {
  const status = conversationStatus(conversation);
  return h("strong", { class: ["tag", `tag--${status.key}`] }, status.text);
}

/** When it opens and closes, in its own time zone. */
export function windowDetails(conversation, { compact = false } = {}) {
  const zone = conversation.time_zone;
  const row = (term, iso) =>
    h(
      "div",
      { class: "summary-list__row" },
      h("dt", { class: "summary-list__key" }, term),
      h(
        "dd",
        { class: "summary-list__value" },
        h("time", { datetime: iso }, formatDateTime(iso, zone)),
      ),
    );
  return h(
    "dl",
    { class: ["summary-list", compact && "summary-list--compact"] },
    row("Opens", conversation.opens_at),
    row("Closes", conversation.closes_at),
    h(
      "div",
      { class: "summary-list__row" },
      h("dt", { class: "summary-list__key" }, "Time zone"),
      h("dd", { class: "summary-list__value" }, timeZoneLabel(zone)),
    ),
  );
}
