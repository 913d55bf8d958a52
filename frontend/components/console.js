// What the facilitators' pages share: the console's navigation, the words for priorities,
// reasons, states and audit actions, the guard that keeps these pages to facilitators, and a
// table that scrolls by itself (not the page) on a phone.

import { api } from "../api.js";
import { h } from "../dom.js";
import { excerpt } from "../format.js";
import {
  breadcrumbs,
  conversationNav,
  conversationTrail,
  isMissing,
  notFoundView,
} from "./layout.js";

/** The queue's order: 0 is the most urgent. */
export const PRIORITIES = [
  { key: "safeguarding", text: "Safeguarding" },
  { key: "abusive", text: "Abuse" },
  { key: "personal", text: "Personal comment" },
  { key: "other", text: "Other" },
];

/** A reason category in words, as a facilitator reads it. */
export const CATEGORY_NAMES = {
  safeguarding: "Safeguarding concern",
  abusive: "Abusive or offensive",
  personal: "Personal comment about someone",
  other: "Something else",
};

/** What participants read in the placeholder for each category (see the API's notes). */
export const PUBLIC_REASON_WORDS = {
  safeguarding: "a safeguarding concern",
  abusive: "abusive language",
  personal: "a personal comment about someone",
  other: "against the conversation's rules",
};

const ACTION_NAMES = {
  hide: "Hidden",
  unhide: "Shown again",
  approve: "Approved",
  remove: "Removed",
  amend: "Amended",
  move: "Moved",
  split: "Split",
  merge: "Merged",
  resolve: "Queue item resolved",
  paper_submission: "Paper form entered",
  message_author: "Author messaged",
};

/** An audit action in words: "hide" → "Hidden"; unknown ones readable as they are. */
export function actionName(action) {
  if (ACTION_NAMES[action]) return ACTION_NAMES[action];
  const words = String(action).replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The known audit actions, for the audit log's filter. */
export const KNOWN_ACTIONS = Object.keys(ACTION_NAMES);

/** How a post stands, in words: "Shown", "Hidden (abusive or offensive)", … */
export function moderationState(target) {
  const reason = target.moderation_reason
    ? ` (${CATEGORY_NAMES[target.moderation_reason].toLowerCase()})`
    : "";
  const state = {
    visible: "Shown to everyone",
    held: "Held: waiting for approval",
    hidden: `Hidden${reason}`,
    removed: `Removed${reason}`,
  }[target.moderation];
  return target.status === "withdrawn" ? `${state}; withdrawn by its author` : state;
}

/** A coloured tag for a priority (0–3); the words carry the meaning. */
export function priorityTag(priority) {
  const known = PRIORITIES[priority] ?? PRIORITIES[3];
  return h("strong", { class: ["tag", `tag--priority-${known.key}`] }, known.text);
}

/** "Idea: Fairer rotas" or "Comment: “A quiet room…”", for headings and links. */
export function targetName(target, limit = 80) {
  return target.kind === "idea"
    ? `Idea: ${excerpt(target.title || "(no title)", limit)}`
    : `Comment: “${excerpt(target.body, limit)}”`;
}

const CONSOLE_LINKS = [
  { key: "queue", text: "Queue", path: (id) => `/conversations/${id}/moderation` },
  { key: "paper", text: "Paper forms", path: (id) => `/conversations/${id}/paper` },
  { key: "messages", text: "Messages", path: (id) => `/conversations/${id}/messages` },
  { key: "safeguarding", text: "Safeguarding", path: (id) => `/conversations/${id}/safeguarding` },
  { key: "audit", text: "Audit log", path: (id) => `/conversations/${id}/audit` },
  { key: "coding", text: "Coding", path: (id) => `/conversations/${id}/coding` },
  { key: "report", text: "Report", path: (id) => `/conversations/${id}/report` },
  {
    key: "participation",
    text: "Participation",
    path: (id) => `/conversations/${id}/participation`,
  },
];

/** The facilitators' console navigation for one conversation; `current` is marked. */
export function consoleNav(conversation, current = null) {
  return conversationNav(conversation, {
    label: "Facilitator console",
    title: "Facilitator console",
    links: CONSOLE_LINKS,
    current,
  });
}

/** The trail of a console page: the conversation, then (optionally) the console page above. */
export function consoleTrail(conversation, parent = null) {
  const trail = conversationTrail(conversation);
  const link = parent ? CONSOLE_LINKS.find((l) => l.key === parent) : null;
  if (link) {
    const text = link.key === "queue" ? "Moderation queue" : link.text;
    trail.push({ text, path: link.path(conversation.id) });
  }
  return trail;
}

/** What a console page says to someone who is not a facilitator. */
export function facilitatorsOnly(trail) {
  return {
    title: "For facilitators only",
    node: h(
      "div",
      {},
      breadcrumbs(trail),
      h("h1", { id: "page-heading", tabindex: "-1" }, "For facilitators only"),
      h(
        "p",
        {},
        "This page is part of the facilitators' console. Sign in with a facilitator's " +
          "account to use it.",
      ),
    ),
  };
}

/**
 * Load a conversation for a console page. Resolves to { conversation } or, when the page
 * cannot be shown, { view } (not found, or not a facilitator).
 */
export async function consoleConversation(ctx) {
  let conversation;
  try {
    conversation = await api.getConversation(ctx.params.id);
  } catch (error) {
    if (isMissing(error)) return { view: notFoundView("Conversation") };
    throw error;
  }
  if (ctx.person.role !== "facilitator") {
    return { view: facilitatorsOnly(conversationTrail(conversation)) };
  }
  return { conversation };
}

/**
 * A table in a region of its own that scrolls sideways on narrow screens, reachable and
 * scrollable with the keyboard (tabindex), and named for screen readers.
 */
export function scrollingTable(table, label) {
  return h(
    "div",
    { class: "table-scroll", role: "region", "aria-label": label, tabindex: "0" },
    table,
  );
}
