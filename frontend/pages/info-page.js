// A conversation's FAQ, privacy notice or support services page: rich text the
// facilitators wrote, rebuilt element by element from an allow-list (components/rich-text.js).

import { api } from "../api.js";
import { breadcrumbs, conversationTrail, isMissing, notFoundView } from "../components/layout.js";
import { richText } from "../components/rich-text.js";
import { h } from "../dom.js";

const KINDS = new Set(["faq", "privacy", "support"]);

export default {
  auth: true,

  async render(ctx) {
    const { id, kind } = ctx.params;
    if (!KINDS.has(kind)) return notFoundView("Page");
    let conversation;
    let page;
    try {
      [conversation, page] = await Promise.all([api.getConversation(id), api.getPage(id, kind)]);
    } catch (error) {
      if (isMissing(error)) return notFoundView("Page");
      throw error;
    }
    const body = richText(page.body_html);
    return {
      title: page.title,
      node: h(
        "div",
        {},
        breadcrumbs(conversationTrail(conversation)),
        h("span", { class: "caption" }, conversation.title),
        h("h1", { id: "page-heading", class: "break-words", tabindex: "-1" }, page.title),
        body.childNodes.length
          ? h("div", { class: "reading-width" }, body)
          : h("p", { class: "inset" }, "The facilitators have not written this page yet."),
      ),
    };
  },
};
