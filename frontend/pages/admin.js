// The admin console's home (#/admin): every conversation with its status and window, a way
// to create one, and the page that gives people roles.

import { api } from "../api.js";
import { adminsOnly } from "../components/admin.js";
import { scrollingTable } from "../components/console.js";
import { statusTag } from "../components/conversation.js";
import { h } from "../dom.js";
import { shortDateTime, timeZoneLabel } from "../format.js";
import { href } from "../router.js";

function conversationTable(conversations) {
  const cell = (content, className = null) => h("td", { class: ["table__cell", className] }, content);
  return scrollingTable(
    h(
      "table",
      { class: ["table", "table--admin"] },
      h("caption", { class: "table__caption" }, "Conversations, the latest to open first"),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["Conversation", "Status", "Opens", "Closes", "Time zone"].map((text) =>
            h("th", { scope: "col", class: "table__header" }, text),
          ),
        ),
      ),
      h(
        "tbody",
        {},
        conversations.map((conversation) =>
          h(
            "tr",
            { class: "table__row" },
            h(
              "th",
              { scope: "row", class: ["table__cell", "table__cell--wide"] },
              h(
                "a",
                { href: href(`/admin/conversations/${conversation.id}`) },
                conversation.title,
              ),
            ),
            cell(statusTag(conversation), "table__cell--nowrap"),
            cell(shortDateTime(conversation.opens_at, conversation.time_zone), "table__cell--nowrap"),
            cell(
              shortDateTime(conversation.closes_at, conversation.time_zone),
              "table__cell--nowrap",
            ),
            cell(timeZoneLabel(conversation.time_zone)),
          ),
        ),
      ),
    ),
    "Conversations",
  );
}

export default {
  auth: true,

  async render(ctx) {
    if (ctx.person.role !== "admin") return adminsOnly();
    const conversations = await api.listConversations();
    return {
      title: "Administration",
      node: h(
        "div",
        {},
        h("h1", { id: "page-heading", tabindex: "-1" }, "Administration"),
        h(
          "p",
          { class: "lead reading-width" },
          "Create conversations, set their window, sections and pages, import the staff who " +
            "take part and follow their invitations.",
        ),
        h(
          "a",
          { class: ["button", "button--link"], href: href("/admin/conversations/new") },
          "Create a conversation",
        ),
        h("h2", { class: "heading-m" }, "Conversations"),
        conversations.length
          ? conversationTable(conversations)
          : h("p", { class: "inset" }, "There are no conversations yet."),
        h("h2", { class: "heading-m" }, "People"),
        h(
          "ul",
          { class: "link-list" },
          h(
            "li",
            {},
            h("a", { href: href("/admin/roles") }, "Give someone a role"),
            " (facilitator, sponsor or administrator)",
          ),
        ),
      ),
    };
  },
};
