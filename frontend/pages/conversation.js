// One conversation: its title, introduction (as plain text) and window.

import { api, ApiError } from "../api.js";
import { statusTag, windowDetails } from "../components/conversation.js";
import { h, paragraphs } from "../dom.js";
import { href } from "../router.js";

function backLink() {
  return h("a", { class: "back-link", href: href("/") }, "Back to your conversations");
}

export default {
  auth: true,

  async render(ctx) {
    let conversation;
    try {
      conversation = await api.getConversation(ctx.params.id);
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 422)) {
        return {
          title: "Conversation not found",
          node: h(
            "div",
            {},
            backLink(),
            h("h1", { id: "page-heading", tabindex: "-1" }, "Conversation not found"),
            h(
              "p",
              {},
              "This conversation does not exist, or you are not taking part in it. Check the " +
                "link, or go back to your conversations.",
            ),
          ),
        };
      }
      throw error;
    }

    const introduction = paragraphs(conversation.introduction);
    return {
      title: conversation.title,
      node: h(
        "div",
        {},
        backLink(),
        h("span", { class: "caption" }, "Conversation"),
        h("h1", { id: "page-heading", class: "break-words", tabindex: "-1" }, conversation.title),
        h("p", {}, statusTag(conversation)),
        h("div", { class: "reading-width" }, introduction.length ? introduction : null),
        h("h2", { class: "heading-m" }, "When it is open"),
        windowDetails(conversation),
        h(
          "div",
          { class: "inset" },
          h(
            "p",
            {},
            "Your ideas, comments and votes here are anonymous: nobody, including the " +
              "facilitators, can see who wrote or voted on what.",
          ),
        ),
      ),
    };
  },
};
