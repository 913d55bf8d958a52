// What the admin console's pages share: the guard that keeps them to admins, the trail back
// to the list of conversations, and the navigation between one conversation's settings,
// sections, pages, staff import, invitations and participation.

import { api } from "../api.js";
import { h } from "../dom.js";
import { href } from "../router.js";
import { breadcrumbs, conversationNav, isMissing, notFoundView } from "./layout.js";

export const ADMIN_HOME = { text: "Administration", path: "/admin" };

const CONVERSATION_LINKS = [
  { key: "settings", text: "Settings", path: (id) => `/admin/conversations/${id}` },
  { key: "sections", text: "Sections", path: (id) => `/admin/conversations/${id}/sections` },
  { key: "pages", text: "Pages", path: (id) => `/admin/conversations/${id}/pages` },
  { key: "import", text: "Import staff", path: (id) => `/admin/conversations/${id}/import` },
  { key: "invitations", text: "Invitations", path: (id) => `/admin/conversations/${id}/invitations` },
  {
    key: "participation",
    text: "Participation",
    path: (id) => `/admin/conversations/${id}/participation`,
  },
];

/** The trail of an admin page: Administration, then (optionally) the conversation. */
export function adminTrail(conversation = null) {
  const trail = [ADMIN_HOME];
  if (conversation) {
    trail.push({ text: conversation.title, path: `/admin/conversations/${conversation.id}` });
  }
  return trail;
}

/** One conversation's admin navigation; `current` is marked as the page shown. */
export function adminNav(conversation, current) {
  return conversationNav(conversation, {
    label: "Conversation administration",
    title: "Administration",
    links: CONVERSATION_LINKS,
    current,
    extra: [{ text: "View as staff see it", path: `/conversations/${conversation.id}` }],
  });
}

/** The top of an admin page about one conversation: trail, caption, heading, navigation. */
export function adminHeader(conversation, heading, current) {
  return [
    breadcrumbs(current === "settings" ? [ADMIN_HOME] : adminTrail(conversation)),
    h("span", { class: "caption" }, conversation.title),
    h("h1", { id: "page-heading", class: ["h1--tight", "break-words"], tabindex: "-1" }, heading),
    adminNav(conversation, current),
  ];
}

/** What an admin page says to anyone else (the API refuses them anyway). */
export function adminsOnly() {
  return {
    title: "For administrators only",
    node: h(
      "div",
      {},
      h("h1", { id: "page-heading", tabindex: "-1" }, "For administrators only"),
      h(
        "p",
        {},
        "This page is part of the administration console. Sign in with an administrator's " +
          "account to use it.",
      ),
      h("p", {}, h("a", { href: href("/") }, "Go to your conversations")),
    ),
  };
}

/**
 * Load the conversation an admin page is about. Resolves to { conversation } or, when the
 * page cannot be shown, { view } (not an admin, or no such conversation).
 */
export async function adminConversation(ctx) {
  if (ctx.person.role !== "admin") return { view: adminsOnly() };
  try {
    return { conversation: await api.getConversation(ctx.params.id) };
  } catch (error) {
    if (isMissing(error)) return { view: notFoundView("Conversation", [ADMIN_HOME]) };
    throw error;
  }
}
