// A conversation's home: its title, introduction (as plain text), status and window, the
// sections to read, a search box, the person's own posts and the help pages.

import { api } from "../api.js";
import {
  participation,
  readOnlyNotice,
  statusTag,
  windowDetails,
} from "../components/conversation.js";
import { consoleNav } from "../components/console.js";
import { breadcrumbs, isMissing, notFoundView } from "../components/layout.js";
import { searchForm } from "../components/search-form.js";
import { h, paragraphs } from "../dom.js";
import { countOf } from "../format.js";
import { href } from "../router.js";

const TRAIL = [{ text: "Your conversations", path: "/" }];

function sectionCard(conversation, section) {
  return h(
    "li",
    { class: "card section-card" },
    h(
      "h3",
      { class: "card__heading" },
      h(
        "a",
        {
          class: "card__link",
          href: href(`/conversations/${conversation.id}/sections/${section.id}`),
        },
        section.title,
      ),
    ),
    paragraphs(section.description, "card__description"),
    h("p", { class: "card__meta" }, countOf(section.idea_count, "idea")),
  );
}

function helpLinks(conversation, pages) {
  const written = pages.filter((page) => page.body_html.trim());
  if (!written.length) return null;
  return h(
    "div",
    { class: "aside-block" },
    h("h2", { class: "aside__heading" }, "Help and information"),
    h(
      "ul",
      { class: "link-list" },
      written.map((page) =>
        h(
          "li",
          {},
          h("a", { href: href(`/conversations/${conversation.id}/pages/${page.kind}`) }, page.title),
        ),
      ),
    ),
  );
}

export default {
  auth: true,

  async render(ctx) {
    const id = ctx.params.id;
    let conversation;
    let sections;
    let pages;
    try {
      [conversation, sections, pages] = await Promise.all([
        api.getConversation(id),
        api.listSections(id),
        api.listPages(id),
      ]);
    } catch (error) {
      if (isMissing(error)) return notFoundView("Conversation");
      throw error;
    }

    const mode = participation(ctx.person, conversation);
    const introduction = paragraphs(conversation.introduction);
    return {
      title: conversation.title,
      node: h(
        "div",
        {},
        breadcrumbs(TRAIL),
        h("span", { class: "caption" }, "Conversation"),
        h(
          "h1",
          { id: "page-heading", class: ["break-words", "h1--tight"], tabindex: "-1" },
          conversation.title,
        ),
        h("p", {}, statusTag(conversation)),
        ctx.person.role === "facilitator" ? consoleNav(conversation) : null,
        ctx.person.role === "sponsor" || ctx.person.role === "admin"
          ? h(
              "p",
              {},
              h("a", { href: href(`/conversations/${conversation.id}/report`) }, "Summary report"),
            )
          : null,
        ctx.person.role === "admin"
          ? h(
              "p",
              {},
              h(
                "a",
                { href: href(`/admin/conversations/${conversation.id}`) },
                "Manage this conversation",
              ),
            )
          : null,
        h(
          "div",
          { class: "layout" },
          h(
            "div",
            { class: "layout__main" },
            introduction.length ? h("div", { class: "reading-width intro" }, introduction) : null,
            readOnlyNotice(mode, conversation, ctx.person),
            h("h2", { class: "heading-m" }, "Sections"),
            sections.length
              ? [
                  h(
                    "p",
                    {},
                    mode === "open"
                      ? "Choose a section to read its ideas, vote on them and add your own."
                      : "Choose a section to read its ideas.",
                  ),
                  h(
                    "ul",
                    { class: "card-list card-list--single" },
                    sections.map((section) => sectionCard(conversation, section)),
                  ),
                ]
              : h("p", { class: "inset" }, "The facilitators have not added any sections yet."),
          ),
          h(
            "div",
            { class: "layout__aside" },
            h(
              "div",
              { class: "aside-block" },
              h("h2", { class: "aside__heading" }, "Search"),
              searchForm(conversation, { go: ctx.go, compact: true }),
            ),
            ctx.person.role === "participant"
              ? h(
                  "div",
                  { class: "aside-block" },
                  h("h2", { class: "aside__heading" }, "Your posts"),
                  h(
                    "p",
                    {},
                    h(
                      "a",
                      { href: href(`/conversations/${conversation.id}/my-posts`) },
                      "Your ideas and comments here",
                    ),
                  ),
                  h("p", { class: "quiet" }, "Only you can see which posts are yours."),
                )
              : null,
            h(
              "div",
              { class: "aside-block" },
              h("h2", { class: "aside__heading" }, "When it is open"),
              windowDetails(conversation, { compact: true }),
            ),
            helpLinks(conversation, pages),
            h(
              "div",
              { class: "inset inset--small" },
              h(
                "p",
                {},
                "Your ideas, comments and votes here are anonymous: nobody, including the " +
                  "facilitators, can see who wrote or voted on what.",
              ),
            ),
          ),
        ),
      ),
    };
  },
};
