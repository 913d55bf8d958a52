// Search one conversation's ideas and comments: #/conversations/<id>/search?q=…&section=…
// Best matches first (the API stems words, so "rota" finds "rotas"), a page at a time.

import { api } from "../api.js";
import { ideaCard, ideaPath, postMeta } from "../components/contribution.js";
import { participation } from "../components/conversation.js";
import { breadcrumbs, conversationTrail, isMissing, notFoundView } from "../components/layout.js";
import { searchForm } from "../components/search-form.js";
import { voteCounts } from "../components/votes.js";
import { h } from "../dom.js";
import { countOf, excerpt } from "../format.js";
import { href } from "../router.js";

function commentResult(comment, conversation) {
  return h(
    "li",
    { class: ["idea-card", "idea-card--comment"] },
    h("p", { class: "idea-card__section" }, "Comment on an idea"),
    h(
      "h3",
      { class: "idea-card__title" },
      h(
        "a",
        {
          class: "idea-card__link",
          href: href(ideaPath(conversation.id, comment.idea_id), { comment: comment.id }),
        },
        excerpt(comment.body, 90),
      ),
    ),
    postMeta(comment, conversation, { kind: "comment" }),
    h("p", { class: "idea-card__excerpt" }, excerpt(comment.body, 300)),
    voteCounts(comment),
  );
}

export default {
  auth: true,

  async render(ctx) {
    const id = ctx.params.id;
    const q = (ctx.query.get("q") || "").trim();
    const sectionId = ctx.query.get("section") || "";
    const searching = q.length >= 2;
    let conversation;
    let sections;
    let first = null;
    let failure = null;
    try {
      [conversation, sections] = await Promise.all([api.getConversation(id), api.listSections(id)]);
    } catch (error) {
      if (isMissing(error)) return notFoundView("Conversation");
      throw error;
    }
    if (searching) {
      try {
        first = await api.search(id, { q, sectionId: sectionId || null });
      } catch (error) {
        if (error.status !== 422) throw error;
        failure = error.detail;
      }
    }

    const mode = participation(ctx.person, conversation);
    const bySection = new Map(sections.map((s) => [s.id, s]));
    const form = searchForm(conversation, { go: ctx.go, q, sectionId, sections });
    const title = searching ? `Search results for “${q}”` : "Search this conversation";

    let results = null;
    if (first) {
      let cursor = first.next_cursor;
      let count = first.items.length;
      const list = h("ol", { class: "idea-list", "aria-labelledby": "results-heading" });
      const line = h("p", { class: "list-summary", role: "status" });
      const loadError = h("p", { class: "error-message", role: "alert" });
      const render = (hit) =>
        hit.kind === "idea"
          ? ideaCard(hit.idea, { conversation, mode, section: bySection.get(hit.idea.section_id) })
          : commentResult(hit.comment, conversation);
      const describe = () =>
        count
          ? `${countOf(count, "result")}${cursor ? " so far" : ""}, best match first.`
          : "No ideas or comments match your search. Try other words, or fewer of them.";
      const more = h(
        "button",
        { class: ["button", "button--secondary", "load-more"], type: "button" },
        "Show more results",
      );
      more.addEventListener("click", async () => {
        if (!cursor || more.getAttribute("aria-disabled") === "true") return;
        more.setAttribute("aria-disabled", "true");
        loadError.textContent = "";
        try {
          const page = await api.search(id, { q, sectionId: sectionId || null, cursor });
          cursor = page.next_cursor;
          count += page.items.length;
          const added = page.items.map(render);
          list.append(...added);
          line.textContent = describe();
          more.hidden = !cursor;
          added[0]?.querySelector("a")?.focus();
        } catch (error) {
          loadError.textContent = error.detail || "More results could not be loaded.";
        } finally {
          more.removeAttribute("aria-disabled");
        }
      });
      list.append(...first.items.map(render));
      line.textContent = describe();
      more.hidden = !cursor;
      results = [
        h("h2", { class: "heading-m", id: "results-heading" }, "Results"),
        line,
        loadError,
        list,
        more,
      ];
    } else if (failure) {
      results = h("p", { class: "error-message", role: "alert" }, failure);
    }

    return {
      title,
      node: h(
        "div",
        {},
        breadcrumbs(conversationTrail(conversation)),
        h("span", { class: "caption" }, conversation.title),
        h("h1", { id: "page-heading", class: "break-words", tabindex: "-1" }, title),
        h("div", { class: "narrow" }, form),
        results,
      ),
    };
  },
};
