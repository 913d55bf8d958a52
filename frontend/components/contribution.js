// How ideas and comments are shown wherever they appear. There is no author to show: the
// API has none, not even a pseudonym. Only the reader's own posts are marked, to them.

import { api } from "../api.js";
import { h } from "../dom.js";
import { countOf, excerpt, postedWhen } from "../format.js";
import { href } from "../router.js";
import { voteButtons, voteCounts } from "./votes.js";

/** The line under a post: when (rounded), edited, from paper, waiting for approval, yours. */
export function postMeta(item, conversation, { kind = "idea" } = {}) {
  return h(
    "p",
    { class: "post-meta" },
    h("time", { datetime: item.created_at }, postedWhen(item.created_at, conversation.time_zone)),
    item.edited && !item.amended ? h("span", { class: "post-meta__flag" }, "Edited") : null,
    item.amended && readable(item)
      ? h(
          "span",
          { class: "post-meta__flag" },
          item.moderation_note || "Edited by the facilitators",
        )
      : null,
    item.source === "paper" ? h("span", { class: "post-meta__flag" }, "From a paper form") : null,
    item.moderation === "held" && readable(item)
      ? h("span", { class: "post-meta__flag" }, "Waiting for the facilitators to approve it")
      : null,
    item.is_mine ? h("strong", { class: "tag tag--mine" }, `Your ${kind}`) : null,
  );
}

/**
 * Whether a post's words can be shown. The API sends no title or text once the author has
 * withdrawn a post (and none for a post the facilitators have held back).
 */
export function readable(item) {
  return item.status === "published" && typeof item.body === "string";
}

/** What a post whose words are not shown is called: "Withdrawn idea", "Hidden comment". */
export function unreadableName(item, kind = "idea") {
  if (item.status !== "published") return `Withdrawn ${kind}`;
  return `${item.moderation === "removed" ? "Removed" : "Hidden"} ${kind}`;
}

/** The neutral words that stand in for such a post. */
export function placeholder(item, extra = null) {
  const text =
    item.status === "published"
      ? item.moderation_note || "Hidden by the facilitators."
      : "Withdrawn by its author.";
  return h("p", { class: "withdrawn" }, text, extra ? ` ${extra}` : null);
}

/** Where an idea lives. */
export function ideaPath(conversationId, ideaId) {
  return `/conversations/${conversationId}/ideas/${ideaId}`;
}

/** Where a comment lives: its idea's page, opened at the comment. As [path, query]. */
export function commentLocation(conversationId, ideaId, commentId) {
  return [ideaPath(conversationId, ideaId), { comment: commentId }];
}

/** The facilitators' page for one post (kind: idea | comment). */
export function moderationPath(conversationId, kind, id) {
  return `/conversations/${conversationId}/moderation/${kind}/${id}`;
}

/**
 * Votes for an idea or comment as this person may use them: buttons when they can vote,
 * disabled buttons when the conversation is closed to them, plain counts for staff.
 */
export function votesFor(item, { kind, conversation, mode, label }) {
  if (mode === "staff") return voteCounts(item);
  const vote = kind === "idea" ? api.voteIdea : api.voteComment;
  return voteButtons(item, {
    label,
    disabled: mode !== "open",
    send: (choice) => vote(conversation.id, item.id, choice),
  });
}

/** An idea in a list: title (a link to it), when, an excerpt, votes and its comment count. */
export function ideaCard(idea, { conversation, mode, headingLevel = 3, section = null }) {
  const shown = readable(idea);
  const title = shown ? idea.title : unreadableName(idea);
  const link = h(
    "a",
    { class: "idea-card__link", href: href(ideaPath(conversation.id, idea.id)) },
    title,
  );
  return h(
    "li",
    { class: "idea-card", "data-idea-id": idea.id },
    section ? h("p", { class: "idea-card__section" }, section.title) : null,
    h(`h${headingLevel}`, { class: "idea-card__title" }, link),
    postMeta(idea, conversation),
    shown ? h("p", { class: "idea-card__excerpt" }, excerpt(idea.body)) : placeholder(idea),
    h(
      "div",
      { class: "idea-card__footer" },
      votesFor(idea, {
        kind: "idea",
        conversation,
        mode,
        label: `Votes on “${excerpt(title, 60)}”`,
      }),
      h("p", { class: "idea-card__comments" }, countOf(idea.comment_count, "comment")),
    ),
  );
}
