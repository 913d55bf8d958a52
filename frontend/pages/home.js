// Home: a greeting that suits the person's role (never a name), and the conversations
// they can read.

import { api } from "../api.js";
import { statusTag, windowDetails } from "../components/conversation.js";
import { h } from "../dom.js";
import { href } from "../router.js";

const GREETINGS = {
  participant: {
    heading: "Welcome to Candour",
    lead:
      "Thank you for taking part. Nothing you post or vote is ever shown with your name, " +
      "to anyone, including the facilitators.",
  },
  facilitator: {
    heading: "Welcome, facilitator",
    lead:
      "You can read every conversation. Open one to use the facilitator console: the " +
      "moderation queue, paper forms, messages with authors and the audit log.",
  },
  sponsor: {
    heading: "Welcome, sponsor",
    lead: "You can read the conversations and, once published, their summary reports.",
  },
  admin: {
    heading: "Welcome, administrator",
    lead: "You can see every conversation and manage who takes part.",
  },
};

function conversationCard(conversation) {
  return h(
    "li",
    { class: "card" },
    h(
      "h3",
      { class: "card__heading" },
      h("a", { class: "card__link", href: href(`/conversations/${conversation.id}`) }, conversation.title),
    ),
    h("p", { class: "card__status" }, statusTag(conversation)),
    windowDetails(conversation, { compact: true }),
  );
}

export default {
  auth: true,

  async render(ctx) {
    const greeting = GREETINGS[ctx.person.role] ?? GREETINGS.participant;
    const conversations = await api.listConversations();
    const listHeading =
      ctx.person.role === "participant" ? "Your conversations" : "All conversations";
    return {
      title: greeting.heading,
      node: h(
        "div",
        {},
        h("h1", { id: "page-heading", tabindex: "-1" }, greeting.heading),
        h("p", { class: "lead" }, greeting.lead),
        ctx.person.role === "admin"
          ? h(
              "p",
              {},
              h(
                "a",
                { href: href("/admin") },
                "Administration: create a conversation, import staff, give roles",
              ),
            )
          : null,
        h("h2", { class: "heading-m" }, listHeading),
        conversations.length
          ? h("ul", { class: "card-list" }, conversations.map(conversationCard))
          : h(
              "p",
              { class: "inset" },
              ctx.person.role === "participant"
                ? "You have not been added to a conversation yet. Your invitation email " +
                    "will say when one starts."
                : "There are no conversations yet.",
            ),
      ),
    };
  },
};
