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

/**
 * What this person may do here now: "open" (post, comment, vote), "closed" or "upcoming"
 * (a participant outside the window: read only), or "staff" (facilitators, sponsors and
 * admins read but never post or vote).
 */
export function participation(person, conversation) {
  if (person?.role !== "participant") return "staff";
  return conversationStatus(conversation).key;
}

/** Whether posting, commenting and voting are open to this person now. */
export function canTakePart(mode) {
  return mode === "open";
}

const ROLE_NAMES = { facilitator: "a facilitator", sponsor: "a sponsor", admin: "an administrator" };

/** Why this person cannot post here, as a notice; null when they can. */
export function readOnlyNotice(mode, conversation, person) {
  if (mode === "open") return null;
  const zone = conversation.time_zone;
  let heading;
  let text;
  if (mode === "staff") {
    heading = "You are reading as staff";
    text =
      `You are signed in as ${ROLE_NAMES[person?.role] ?? "staff"}. You can read everything ` +
      "here, but only participants post ideas, comment and vote.";
  } else if (mode === "closed") {
    heading = "This conversation is closed: it is now read-only";
    text =
      `It closed on ${formatDateTime(conversation.closes_at, zone)}. You can still read every ` +
      "idea and comment, but nobody can post, comment or vote any more.";
  } else {
    heading = "This conversation has not opened yet";
    text =
      `It opens on ${formatDateTime(conversation.opens_at, zone)}. You can look around now; ` +
      "posting, commenting and voting start when it opens.";
  }
  return h(
    "div",
    { class: ["notice", "notice--read-only"] },
    h("p", { class: "notice__heading" }, heading),
    h("p", { class: "notice__body" }, text),
  );
}
