// The inbox (#/inbox): messages the facilitators sent about the reader's posts, through the
// relay, and a reply form under each thread. The facilitators never learn who the reader is.

import { api } from "../api.js";
import { commentLocation, ideaPath } from "../components/contribution.js";
import { errorSummary, handleForm, submitButton, textField } from "../components/form.js";
import { breadcrumbs, successNotice } from "../components/layout.js";
import { messageList } from "../components/messages.js";
import { h, replaceChildren } from "../dom.js";
import { countOf, number } from "../format.js";
import { href } from "../router.js";
import * as session from "../session.js";

const REPLY_LIMIT = 10_000;
const TRAIL = [{ text: "Your conversations", path: "/" }];
export const RELAY_PROMISE = "The facilitators don't know who you are. Replying doesn't tell them.";

/** Where the post a thread is about lives, or null if it cannot be found from here. */
function postHref(thread, commentIdeas) {
  if (thread.target_kind === "idea") {
    return href(ideaPath(thread.conversation_id, thread.target_id));
  }
  const ideaId = commentIdeas.get(thread.target_id);
  return ideaId ? href(...commentLocation(thread.conversation_id, ideaId, thread.target_id)) : null;
}

/** The idea each of the reader's comments is on, for the threads about comments. */
async function ideasOfComments(threads) {
  const conversations = new Set(
    threads.filter((t) => t.target_kind === "comment").map((t) => t.conversation_id),
  );
  const map = new Map();
  const mine = await Promise.all([...conversations].map((id) => api.myContributions(id)));
  for (const { comments } of mine) {
    for (const comment of comments) map.set(comment.id, comment.idea_id);
  }
  return map;
}

function threadBlock(thread, { conversation, commentIdeas, index }) {
  const headingId = `thread-${index}`;
  const timeZone = conversation?.time_zone ?? "UTC";
  const link = postHref(thread, commentIdeas);
  const what = thread.target_kind === "idea" ? "your idea" : "your comment";
  const list = h("div", {}, messageList(thread.messages, { timeZone, label: "Messages" }));
  const noticeSlot = h("div", {});
  const summary = errorSummary();
  const field = textField({
    name: "body",
    label: "Your reply",
    hint: RELAY_PROMISE,
    multiline: true,
    rows: 4,
    maxLength: REPLY_LIMIT,
    width: "full",
  });
  const form = h(
    "form",
    { class: "form reply-form", "aria-label": `Reply to “${thread.subject}”` },
    summary.element,
    field.element,
    submitButton("Send reply", { small: true }),
  );
  handleForm(form, {
    fields: [field],
    summary,
    validate() {
      const length = [...field.input.value.trim()].length;
      if (!length) return [{ field, text: "Write your reply" }];
      if (length > REPLY_LIMIT) {
        return [{ field, text: `Your reply must be ${number(REPLY_LIMIT)} characters or fewer` }];
      }
      return [];
    },
    async submit() {
      const updated = await api.replyToMessage(thread.id, field.input.value.trim());
      field.setValue("");
      replaceChildren(list, messageList(updated.messages, { timeZone, label: "Messages" }));
      const notice = successNotice("Your reply has been sent. It does not say who you are.");
      replaceChildren(noticeSlot, notice);
      notice.focus();
    },
  });
  return h(
    "section",
    { class: "thread", "aria-labelledby": headingId },
    h("h2", { class: "heading-m thread__subject", id: headingId }, thread.subject),
    h(
      "p",
      { class: "thread__about" },
      conversation ? `In “${conversation.title}”, about ${what}: ` : `About ${what}: `,
      link
        ? h("a", { href: link }, `“${thread.post_excerpt}”`)
        : h("span", { class: "thread__excerpt" }, `“${thread.post_excerpt}”`),
    ),
    list,
    noticeSlot,
    form,
  );
}

/**
 * The threads on this page have been seen: mark the unread ones read (their "New" tags stay
 * until the next visit). Explicit calls, because reading the inbox itself changes nothing.
 */
async function markShownThreadsRead(threads) {
  const unread = threads.filter((thread) => thread.unread_count > 0);
  try {
    await Promise.all(unread.map((thread) => api.markThreadRead(thread.id)));
    session.setUnreadMessages(0);
  } catch {
    // Left unread, to be marked on the next visit: nothing is lost.
  }
}

export default {
  auth: true,

  async render(ctx) {
    const heading = h("h1", { id: "page-heading", tabindex: "-1" }, "Inbox");
    if (ctx.person.role !== "participant") {
      return {
        title: "Inbox",
        node: h(
          "div",
          {},
          breadcrumbs(TRAIL),
          heading,
          h(
            "p",
            {},
            "The inbox is where participants read the facilitators' messages about their " +
              "posts. Staff roles do not post, so there is nothing here for you.",
          ),
        ),
      };
    }
    const [threads, conversations] = await Promise.all([
      api.myMessages(),
      api.listConversations(),
    ]);
    const commentIdeas = await ideasOfComments(threads);
    const unread = threads.reduce((sum, thread) => sum + thread.unread_count, 0);
    await markShownThreadsRead(threads);
    const byId = new Map(conversations.map((c) => [c.id, c]));
    return {
      title: "Inbox",
      node: h(
        "div",
        {},
        breadcrumbs(TRAIL),
        heading,
        h(
          "p",
          { class: "lead" },
          "Messages from the facilitators about your posts, and your replies.",
        ),
        h(
          "div",
          { class: "inset inset--privacy" },
          h("p", { class: "inset__strong" }, RELAY_PROMISE),
          h(
            "p",
            {},
            "Their messages reach you through Candour, which keeps your name and email " +
              "address from them. Your replies are shown to them as from “The author”.",
          ),
        ),
        threads.length
          ? [
              h(
                "p",
                { class: "list-summary" },
                `${countOf(threads.length, "message thread")}, newest first` +
                  (unread ? `; ${countOf(unread, "new message")}, marked “New”.` : "."),
              ),
              threads.map((thread, index) =>
                threadBlock(thread, {
                  conversation: byId.get(thread.conversation_id),
                  commentIdeas,
                  index,
                }),
              ),
            ]
          : h(
              "p",
              { class: "inset" },
              "You have no messages. If the facilitators write to you about one of your " +
                "posts, it will appear here, and you will get an email too.",
            ),
      ),
    };
  },
};
