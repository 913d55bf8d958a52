// "My posts": the reader's own ideas and comments, with their status, each linking to where
// it lives. #/my-posts covers every conversation; #/conversations/<id>/my-posts one of them.
// The API finds them by recomputing the reader's pseudonym: nobody else can list them.

import { api } from "../api.js";
import { ideaPath, postMeta, readable, unreadableName } from "../components/contribution.js";
import { breadcrumbs, conversationTrail, isMissing, notFoundView } from "../components/layout.js";
import { h } from "../dom.js";
import { countOf, excerpt } from "../format.js";
import { href } from "../router.js";

const LEAD =
  "Only you can see this list. Nobody else, including the facilitators, can tell that " +
  "these posts are yours.";

function statusTag(item) {
  if (readable(item)) return h("strong", { class: ["tag", "tag--open"] }, "Published");
  const word = item.status === "published" ? "Hidden" : "Withdrawn";
  return h("strong", { class: ["tag", "tag--closed"] }, word);
}

function tally(item, withComments) {
  const parts = [countOf(item.like_count, "like"), countOf(item.dislike_count, "dislike")];
  if (withComments) parts.push(countOf(item.comment_count, "comment"));
  return h("p", { class: "post-row__counts" }, parts.join(", "));
}

function ideaRow(idea, conversation) {
  return h(
    "li",
    { class: "post-row" },
    h(
      "p",
      { class: "post-row__title" },
      h(
        "a",
        { href: href(ideaPath(conversation.id, idea.id)) },
        readable(idea) ? idea.title : unreadableName(idea),
      ),
      " ",
      statusTag(idea),
    ),
    postMeta({ ...idea, is_mine: false }, conversation),
    readable(idea) ? tally(idea, true) : null,
  );
}

function commentRow(comment, conversation) {
  const link = href(ideaPath(conversation.id, comment.idea_id), { comment: comment.id });
  return h(
    "li",
    { class: "post-row" },
    h(
      "p",
      { class: "post-row__title" },
      h(
        "a",
        { href: link },
        readable(comment)
          ? `“${excerpt(comment.body, 120)}”`
          : unreadableName(comment, comment.parent_id ? "reply" : "comment"),
      ),
      " ",
      statusTag(comment),
    ),
    postMeta({ ...comment, is_mine: false }, conversation, { kind: "comment" }),
    h(
      "p",
      { class: "post-row__context" },
      comment.parent_id ? "A reply to a comment" : "A comment on an idea",
    ),
    readable(comment) ? tally(comment, false) : null,
  );
}

/** Ideas and comments of one conversation, under headings one level below `level`. */
function postsOf(conversation, mine, level) {
  const heading = (text) => h(`h${level}`, { class: "heading-s" }, text);
  return [
    heading(`Ideas (${mine.ideas.length})`),
    mine.ideas.length
      ? h("ul", { class: "post-list" }, mine.ideas.map((idea) => ideaRow(idea, conversation)))
      : h("p", { class: "quiet" }, "You have not posted an idea here."),
    heading(`Comments and replies (${mine.comments.length})`),
    mine.comments.length
      ? h("ul", { class: "post-list" }, mine.comments.map((c) => commentRow(c, conversation)))
      : h("p", { class: "quiet" }, "You have not commented here."),
  ];
}

/** Where to download one's posts, or erase one's account. */
function dataLink() {
  return h(
    "div",
    { class: "inset inset--small" },
    h(
      "p",
      {},
      "To download everything you posted and voted, or to erase your account, go to ",
      h("a", { href: href("/my-data") }, "your data"),
      ".",
    ),
  );
}

function staffView(trail) {
  return {
    title: "My posts",
    node: h(
      "div",
      {},
      breadcrumbs(trail),
      h("h1", { id: "page-heading", tabindex: "-1" }, "My posts"),
      h("p", {}, "Staff roles read conversations but do not post, so there is nothing to list here."),
    ),
  };
}

export const allMyPosts = {
  auth: true,

  async render(ctx) {
    const trail = [{ text: "Your conversations", path: "/" }];
    if (ctx.person.role !== "participant") return staffView(trail);
    const conversations = await api.listConversations();
    const mine = await Promise.all(conversations.map((c) => api.myContributions(c.id)));
    const blocks = conversations.map((conversation, i) =>
      h(
        "section",
        { class: "my-posts__conversation", "aria-labelledby": `posts-${conversation.id}` },
        h(
          "h2",
          { class: "heading-m", id: `posts-${conversation.id}` },
          h("a", { href: href(`/conversations/${conversation.id}`) }, conversation.title),
        ),
        postsOf(conversation, mine[i], 3),
      ),
    );
    return {
      title: "My posts",
      node: h(
        "div",
        {},
        breadcrumbs(trail),
        h("h1", { id: "page-heading", tabindex: "-1" }, "My posts"),
        h("p", { class: "lead" }, LEAD),
        blocks.length
          ? blocks
          : h("p", { class: "inset" }, "You are not taking part in a conversation yet."),
        dataLink(),
      ),
    };
  },
};

export const conversationPosts = {
  auth: true,

  async render(ctx) {
    const id = ctx.params.id;
    let conversation;
    try {
      conversation = await api.getConversation(id);
    } catch (error) {
      if (isMissing(error)) return notFoundView("Conversation");
      throw error;
    }
    const trail = conversationTrail(conversation);
    if (ctx.person.role !== "participant") return staffView(trail);
    const mine = await api.myContributions(id);
    return {
      title: `My posts in ${conversation.title}`,
      node: h(
        "div",
        {},
        breadcrumbs(trail),
        h("span", { class: "caption" }, conversation.title),
        h("h1", { id: "page-heading", tabindex: "-1" }, "My posts"),
        h("p", { class: "lead" }, LEAD),
        postsOf(conversation, mine, 2),
        h("p", {}, h("a", { href: href("/my-posts") }, "My posts in all your conversations")),
        dataLink(),
      ),
    };
  },
};
