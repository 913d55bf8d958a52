// One section: its ideas (sorted, a page at a time), votes on each, and the form to post
// an idea while the conversation is open. Live (live.js): counts change in place, and new
// ideas wait behind "N new ideas. Show them" so nothing moves under the reader.

import { api, newIdempotencyKey } from "../api.js";
import { ideaCard, ideaPath, votesFor } from "../components/contribution.js";
import {
  canTakePart,
  participation,
  readOnlyNotice,
  statusTag,
} from "../components/conversation.js";
import {
  checkLength,
  errorSummary,
  handleForm,
  submitButton,
  textField,
} from "../components/form.js";
import {
  breadcrumbs,
  conversationTrail,
  isMissing,
  notFoundView,
  successNotice,
} from "../components/layout.js";
import { h, paragraphs, replaceChildren, uniqueId } from "../dom.js";
import { countOf, number } from "../format.js";
import { newsNotice, sparingly, watchSections } from "../live.js";
import { href } from "../router.js";

export const SORTS = {
  newest: "Newest first",
  most_liked: "Most liked",
  most_discussed: "Most discussed",
  most_divided: "Most divided (many likes and dislikes)",
};
export const TITLE_LIMITS = { min: 3, max: 200 };
export const BODY_LIMIT = 10_000;

/** The title and body fields of an idea, for posting and for editing. */
export function ideaFields({ title = "", body = "" } = {}) {
  return {
    title: textField({
      name: "title",
      label: "Title",
      hint: "A short summary of your idea, like a headline.",
      maxLength: TITLE_LIMITS.max,
      width: "full",
      value: title,
    }),
    body: textField({
      name: "body",
      label: "Your idea",
      hint:
        "Say what you would change and why. Do not name or describe anyone: posts are " +
        "about ideas, not people.",
      multiline: true,
      rows: 8,
      maxLength: BODY_LIMIT,
      width: "full",
      value: body,
    }),
  };
}

/** The checks both idea forms make before sending, as [{ field, text }]. */
export function checkIdea(fields) {
  return [
    ...checkLength(fields.title, {
      ...TITLE_LIMITS,
      empty: "Enter a title for your idea",
      short: `The title must be ${TITLE_LIMITS.min} characters or more`,
      long: `The title must be ${TITLE_LIMITS.max} characters or fewer`,
    }),
    ...checkLength(fields.body, {
      max: BODY_LIMIT,
      empty: "Describe your idea",
      long: `Your idea must be ${number(BODY_LIMIT)} characters or fewer`,
    }),
  ];
}

function sortControl(current, onChange) {
  const id = uniqueId("sort");
  const select = h(
    "select",
    { class: "select", id, name: "sort", onChange: () => onChange(select.value) },
    Object.entries(SORTS).map(([value, text]) =>
      h("option", { value, selected: value === current }, text),
    ),
  );
  return {
    select,
    element: h(
      "div",
      { class: "sort-control" },
      h("label", { class: "label sort-control__label", for: id }, "Sort ideas by"),
      select,
    ),
  };
}

export default {
  auth: true,

  async render(ctx) {
    const { id, sectionId } = ctx.params;
    let sort = Object.hasOwn(SORTS, ctx.query.get("sort")) ? ctx.query.get("sort") : "newest";
    let conversation;
    let sections;
    let first;
    try {
      [conversation, sections, first] = await Promise.all([
        api.getConversation(id),
        api.listSections(id),
        api.listIdeas(id, { sectionId, sort }),
      ]);
    } catch (error) {
      if (isMissing(error)) return notFoundView("Section");
      throw error;
    }
    const section = sections.find((s) => s.id === sectionId);
    if (!section) return notFoundView("Section", conversationTrail(conversation));

    const mode = participation(ctx.person, conversation);
    let shown = [];
    let cursor = first.next_cursor;
    let ticket = 0;

    const list = h("ol", { class: "idea-list", "aria-labelledby": "ideas-heading" });
    const summaryLine = h("p", { class: "list-summary" });
    const announcer = h("p", { class: "visually-hidden", role: "status" });
    const listError = h("p", { class: "error-message", role: "alert" });
    const noticeSlot = h("div", {});
    const more = h(
      "button",
      { class: ["button", "button--secondary", "load-more"], type: "button", onClick: loadMore },
      "Show more ideas",
    );

    function describe() {
      if (!shown.length) return "There are no ideas in this section yet.";
      const total = Math.max(section.idea_count, shown.length);
      const order = SORTS[sort].toLowerCase();
      return `Showing ${number(shown.length)} of ${countOf(total, "idea")}, ${order}.`;
    }

    function cards(items) {
      return items.map((idea) => ideaCard(idea, { conversation, mode }));
    }

    function refresh({ announce }) {
      summaryLine.textContent = describe();
      more.hidden = !cursor;
      if (announce) announcer.textContent = describe();
    }

    function showPage(page) {
      shown = page.items;
      cursor = page.next_cursor;
      replaceChildren(list, cards(shown));
    }

    async function reload(newSort, { announce = true } = {}) {
      const mine = ++ticket;
      sort = newSort;
      listError.textContent = "";
      list.setAttribute("aria-busy", "true");
      try {
        const page = await api.listIdeas(conversation.id, { sectionId, sort });
        if (mine !== ticket) return;
        showPage(page);
        // Whatever was new is in the list now (or in its order further down).
        knownCount = latestCount;
        section.idea_count = latestCount;
        showNews();
        // Keep the sort in the address, so reloading or sharing the page keeps it, without
        // a new history entry or a re-render (which would move focus away from the select).
        const query = sort === "newest" ? null : { sort };
        const address = href(`/conversations/${id}/sections/${sectionId}`, query);
        window.history.replaceState(null, "", address);
        refresh({ announce });
      } catch (error) {
        if (mine !== ticket) return;
        listError.textContent = error.detail || "The ideas could not be loaded. Please try again.";
      } finally {
        if (mine === ticket) list.removeAttribute("aria-busy");
      }
    }

    async function loadMore() {
      if (!cursor || more.getAttribute("aria-disabled") === "true") return;
      const mine = ticket;
      more.setAttribute("aria-disabled", "true");
      listError.textContent = "";
      try {
        const page = await api.listIdeas(conversation.id, { sectionId, sort, cursor });
        if (mine !== ticket) return;
        // The author's own new idea may have been put first already; it is not shown twice.
        const seen = new Set(shown.map((idea) => idea.id));
        const items = page.items.filter((idea) => !seen.has(idea.id));
        const added = cards(items);
        shown = shown.concat(items);
        cursor = page.next_cursor;
        list.append(...added);
        refresh({ announce: true });
        // Carry on from where the new ideas start, rather than from a button that may be gone.
        added[0]?.querySelector(".idea-card__link")?.focus();
      } catch (error) {
        listError.textContent = error.detail || "More ideas could not be loaded. Please try again.";
      } finally {
        more.removeAttribute("aria-disabled");
      }
    }

    // --- live updates: counts change in place; new ideas wait for the reader to ask ---
    let knownCount = section.idea_count; // published ideas when the list was last drawn
    let latestCount = knownCount;
    const say = sparingly(announcer);
    const { element: news, text: newsText } = newsNotice(showNewIdeas, "ideas");

    function showNews() {
      const waiting = latestCount - knownCount;
      const before = news.hidden ? 0 : Number(news.dataset.waiting || 0);
      news.hidden = waiting <= 0;
      news.dataset.waiting = String(Math.max(waiting, 0));
      if (waiting <= 0) return;
      newsText.textContent = `${countOf(waiting, "new idea")}.`;
      if (waiting > before) say(`${countOf(waiting, "new idea")} in this section.`);
    }

    async function showNewIdeas() {
      const before = new Set(shown.map((idea) => idea.id));
      await reload(sort, { announce: true });
      // Focus goes to the first new idea (the button has gone), or the top of the list.
      const added = shown.find((idea) => !before.has(idea.id)) ?? shown[0];
      const card = added ? list.querySelector(`[data-idea-id="${CSS.escape(added.id)}"]`) : null;
      (card?.querySelector(".idea-card__link") ?? document.getElementById("page-heading"))?.focus();
    }

    /** Show an idea's new counts in its card, keeping focus on the button that had it. */
    function updateCard(old, fresh) {
      const card = list.querySelector(`[data-idea-id="${CSS.escape(fresh.id)}"]`);
      if (!card) return;
      const comments = card.querySelector(".idea-card__comments");
      if (comments) comments.textContent = countOf(fresh.comment_count, "comment");
      const same =
        old.like_count === fresh.like_count &&
        old.dislike_count === fresh.dislike_count &&
        old.my_vote === fresh.my_vote;
      const votes = card.querySelector(".votes, .vote-counts");
      // While the reader's own vote is on its way, its answer is the one to show.
      if (same || !votes || votes.getAttribute("aria-busy") === "true") return;
      const focused = votes.contains(document.activeElement)
        ? document.activeElement.classList.contains("vote--dislike")
          ? ".vote--dislike"
          : ".vote--like"
        : null;
      const label = votes.getAttribute("aria-label") || "Votes";
      const replacement = votesFor(fresh, { kind: "idea", conversation, mode, label });
      votes.replaceWith(replacement);
      if (focused) replacement.querySelector(focused)?.focus();
    }

    async function catchUp() {
      const mine = ticket;
      const [page, freshSections] = await Promise.all([
        api.listIdeas(conversation.id, { sectionId, sort }),
        api.listSections(conversation.id),
      ]);
      // A reload since then shows fresher ideas than these.
      if (mine !== ticket || !list.isConnected) return;
      const fresh = new Map(page.items.map((idea) => [idea.id, idea]));
      shown = shown.map((idea) => {
        const update = fresh.get(idea.id);
        if (!update) return idea;
        updateCard(idea, update);
        return update;
      });
      const freshSection = freshSections.find((s) => s.id === sectionId);
      if (freshSection) latestCount = freshSection.idea_count;
      showNews();
    }

    ctx.onLeave?.(watchSections(conversation.id, [sectionId], catchUp));

    const sorter = sortControl(sort, (value) => reload(value));
    showPage(first);
    refresh({ announce: false });

    let postArea;
    if (canTakePart(mode)) {
      postArea = postIdeaForm({
        conversation,
        section,
        empty: shown.length === 0,
        async posted(idea) {
          section.idea_count += 1;
          knownCount += 1;
          latestCount = Math.max(latestCount, knownCount);
          showNews();
          sorter.select.value = "newest";
          await reload("newest", { announce: false });
          // The list puts this hour's ideas in no particular order (so that an idea's place
          // cannot show who posted it last); the author's own goes first, for them only.
          shown = [idea, ...shown.filter((other) => other.id !== idea.id)];
          replaceChildren(list, cards(shown));
          refresh({ announce: false });
          const notice = successNotice(
            "Your idea has been posted. It is first in your list; others see it among " +
              "this hour's ideas, in no particular order. ",
            h("a", { href: href(ideaPath(conversation.id, idea.id)) }, "View your idea"),
          );
          replaceChildren(noticeSlot, notice);
          notice.focus();
        },
      });
    } else {
      postArea = readOnlyNotice(mode, conversation, ctx.person);
    }

    return {
      title: section.title,
      node: h(
        "div",
        {},
        breadcrumbs(conversationTrail(conversation)),
        h("span", { class: "caption" }, "Section"),
        h(
          "h1",
          { id: "page-heading", class: ["break-words", "h1--tight"], tabindex: "-1" },
          section.title,
        ),
        h("p", {}, statusTag(conversation)),
        h("div", { class: "reading-width" }, paragraphs(section.description)),
        postArea,
        noticeSlot,
        h(
          "div",
          { class: "list-header" },
          h("h2", { class: "heading-m list-header__heading", id: "ideas-heading" }, "Ideas"),
          sorter.element,
        ),
        summaryLine,
        news,
        announcer,
        listError,
        list,
        more,
      ),
    };
  },
};

/** "Post an idea", folded away in an expander until wanted (open when there are none). */
function postIdeaForm({ conversation, section, empty, posted }) {
  const summary = errorSummary();
  const fields = ideaFields();
  let key = newIdempotencyKey();
  const form = h(
    "form",
    { class: "form form--flush", "aria-label": "Post an idea" },
    summary.element,
    fields.title.element,
    fields.body.element,
    h(
      "p",
      { class: "hint" },
      "Your idea is posted without your name. You can edit or withdraw it while the " +
        "conversation is open.",
    ),
    submitButton("Post your idea"),
  );
  const details = h(
    "details",
    { class: "details", open: empty },
    h(
      "summary",
      { class: "details__summary" },
      h("span", { class: "details__summary-text" }, "Post an idea"),
    ),
    h("div", { class: "details__text" }, form),
  );
  handleForm(form, {
    fields: [fields.title, fields.body],
    summary,
    validate: () => checkIdea(fields),
    async submit() {
      let idea;
      try {
        idea = await api.createIdea(
          conversation.id,
          {
            sectionId: section.id,
            title: fields.title.input.value.trim(),
            body: fields.body.input.value.trim(),
          },
          key,
        );
      } catch (error) {
        // A refusal means nothing was posted: the next try is a new submission. A lost
        // answer (network, 5xx) keeps the key, so a retry cannot post the idea twice.
        if (error.status >= 400 && error.status < 500) key = newIdempotencyKey();
        throw error;
      }
      key = newIdempotencyKey();
      fields.title.setValue("");
      fields.body.setValue("");
      details.open = false;
      await posted(idea);
    },
  });
  return details;
}
