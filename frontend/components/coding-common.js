// What the coding pages share: the guard (facilitators and admins, as the API allows), the
// page head with the console's navigation and the coding pages' own, the frame as an
// indented list of options, and words for analysts, who are staff but have no names in the
// coding API (only account ids).

import { api } from "../api.js";
import { h } from "../dom.js";
import { href } from "../router.js";
import { consoleNav, consoleTrail, facilitatorsOnly } from "./console.js";
import { breadcrumbs, conversationTrail, isMissing, notFoundView } from "./layout.js";

const ANALYSTS = new Set(["facilitator", "admin"]);

export const CODING_PAGES = [
  { key: "frame", text: "Coding frame", path: (id) => `/conversations/${id}/coding` },
  { key: "versions", text: "Versions", path: (id) => `/conversations/${id}/coding/versions` },
  { key: "posts", text: "Code posts", path: (id) => `/conversations/${id}/coding/posts` },
  {
    key: "suggestions",
    text: "Theme suggestions",
    path: (id) => `/conversations/${id}/coding/suggestions`,
  },
  { key: "agreement", text: "Agreement", path: (id) => `/conversations/${id}/coding/agreement` },
];

/**
 * Load the conversation for a coding page: { conversation } or, when the page cannot be
 * shown, { view } (not found, or someone who is not an analyst).
 */
export async function codingConversation(ctx) {
  let conversation;
  try {
    conversation = await api.getConversation(ctx.params.id);
  } catch (error) {
    if (isMissing(error)) return { view: notFoundView("Conversation") };
    throw error;
  }
  if (!ANALYSTS.has(ctx.person.role)) {
    return { view: facilitatorsOnly(conversationTrail(conversation)) };
  }
  const { analysts } = await api.listAnalysts(conversation.id);
  analystLabels.clear();
  for (const analyst of analysts) analystLabels.set(analyst.id, analyst.label);
  return { conversation, analysts };
}

// Names of the staff who work on the coding page shown now (staff act in their own name).
const analystLabels = new Map();

function codingNav(conversation, current) {
  return h(
    "nav",
    { class: "coding-nav", "aria-label": "Coding pages" },
    h(
      "ul",
      { class: "coding-nav__list" },
      CODING_PAGES.map((page) =>
        h(
          "li",
          { class: "coding-nav__item" },
          h(
            "a",
            {
              class: "coding-nav__link",
              href: href(page.path(conversation.id)),
              "aria-current": page.key === current ? "page" : null,
            },
            page.text,
          ),
        ),
      ),
    ),
  );
}

/**
 * The head of a coding page: trail, caption, the one h1, the navigations, a lead. Admins get
 * no facilitators' console navigation: its other pages are for facilitators only.
 */
export function codingHead(conversation, { current, heading, person, lead = null }) {
  const trail = consoleTrail(conversation);
  if (current !== "frame") {
    trail.push({ text: "Coding frame", path: CODING_PAGES[0].path(conversation.id) });
  }
  return [
    breadcrumbs(trail),
    h("span", { class: "caption" }, conversation.title),
    h("h1", { id: "page-heading", class: "h1--tight", tabindex: "-1" }, heading),
    person.role === "facilitator" ? consoleNav(conversation, "coding") : null,
    codingNav(conversation, current),
    lead ? h("p", { class: "reading-width" }, lead) : null,
  ];
}

/** Each code's depth in the tree (0: top level), from the frame's parents-first list. */
export function depths(codes) {
  const byId = new Map(codes.map((code) => [code.id, code]));
  const found = new Map();
  const depthOf = (code) => {
    if (found.has(code.id)) return found.get(code.id);
    const parent = code.parent_id ? byId.get(code.parent_id) : null;
    const depth = parent ? depthOf(parent) + 1 : 0;
    found.set(code.id, depth);
    return depth;
  };
  for (const code of codes) depthOf(code);
  return found;
}

/** The code's place in the frame in words: "Parking › Permits". */
export function codePath(code, codes) {
  const byId = new Map(codes.map((c) => [c.id, c]));
  const names = [code.name];
  let parent = code.parent_id ? byId.get(code.parent_id) : null;
  while (parent && names.length < 20) {
    names.unshift(parent.name);
    parent = parent.parent_id ? byId.get(parent.parent_id) : null;
  }
  return names.join(" › ");
}

/**
 * Live codes as <select> options, in frame order, each with its path so sub-codes read
 * unambiguously ("Parking › Permits"). `first` is an optional leading option.
 */
export function codeOptions(codes, first = null) {
  const live = codes.filter((code) => code.state === "live");
  return [
    ...(first ? [first] : []),
    ...live.map((code) => ({ value: code.id, text: codePath(code, live) })),
  ];
}

/**
 * "You" ("you" with `midSentence`), or a member of staff by name (from `list_analysts`,
 * loaded with the page), or, failing that, by the start of their account id.
 */
export function analystName(id, person, { midSentence = false } = {}) {
  if (!id) return midSentence ? "nobody" : "Nobody";
  if (id === person.id) return midSentence ? "you" : "You";
  return analystLabels.get(id) ?? `Analyst ${String(id).slice(0, 8)}`;
}

/** Every coding matching `filters`, page by page (the API gives at most 500 at a time). */
export async function allCodings(conversationId, filters = {}) {
  const limit = 500;
  const found = [];
  for (let offset = 0; offset < 20_000; offset += limit) {
    const page = await api.listCodings(conversationId, { ...filters, limit, offset });
    found.push(...page.codings);
    if (found.length >= page.total || !page.codings.length) break;
  }
  return found;
}

/** A coding's state as a tag: confirmed, suggested (waiting), rejected. */
export function codingStatusTag(status) {
  const words = { confirmed: "Confirmed", suggested: "Suggested", rejected: "Rejected" };
  return h("strong", { class: ["tag", `tag--coding-${status}`] }, words[status] ?? status);
}
