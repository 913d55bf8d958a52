// The relay as the facilitators see it: #/conversations/<id>/messages lists the threads with
// authors of posts; #/conversations/<id>/messages/<thread> shows one, with a form to write
// again. The author is only ever "The author": the API never says who they are.

import { api } from "../api.js";
import { consoleConversation, consoleNav, consoleTrail } from "../components/console.js";
import { moderationPath } from "../components/contribution.js";
import {
  checkLength,
  errorSummary,
  handleForm,
  submitButton,
  textField,
} from "../components/form.js";
import { breadcrumbs, isMissing, notFoundView, successNotice } from "../components/layout.js";
import { messageList, threadSummary } from "../components/messages.js";
import { h, replaceChildren } from "../dom.js";
import { countOf, excerpt, shortDateTime } from "../format.js";
import { href } from "../router.js";

const PROMISE =
  "Messages reach the author through Candour: in their inbox and by email. You never " +
  "learn their name or address, and their replies show as from “The author”.";

function threadPath(conversation, thread) {
  return `/conversations/${conversation.id}/messages/${thread.id}`;
}

/** What the thread is about, linking to the post's moderation page. */
function about(conversation, thread) {
  const what = thread.target_kind === "idea" ? "the idea" : "the comment";
  return h(
    "p",
    { class: "thread__about" },
    `About ${what} `,
    h(
      "a",
      { href: href(moderationPath(conversation.id, thread.target_kind, thread.target_id)) },
      `“${thread.post_excerpt}”`,
    ),
  );
}

export const threadList = {
  auth: true,

  async render(ctx) {
    const loaded = await consoleConversation(ctx);
    if (loaded.view) return loaded.view;
    const { conversation } = loaded;
    const threads = await api.messageThreads(conversation.id);
    return {
      title: "Messages with authors",
      node: h(
        "div",
        {},
        breadcrumbs(consoleTrail(conversation)),
        h("span", { class: "caption" }, conversation.title),
        h(
          "h1",
          { id: "page-heading", class: "h1--tight", tabindex: "-1" },
          "Messages with authors",
        ),
        consoleNav(conversation, "messages"),
        h("p", { class: "reading-width" }, PROMISE),
        h(
          "p",
          { class: "reading-width quiet" },
          "To write to the author of a post, open the post from the queue or the " +
            "conversation and use “Message the author”.",
        ),
        threads.length
          ? [
              h("h2", { class: "visually-hidden", id: "threads-heading" }, "Threads"),
              h(
                "p",
                { class: "list-summary" },
                `${countOf(threads.length, "thread")}, newest first.`,
              ),
              h(
                "ul",
                { class: "thread-list", "aria-labelledby": "threads-heading" },
                threads.map((thread) => {
                  const last = thread.messages[thread.messages.length - 1];
                  return h(
                    "li",
                    { class: "thread-card" },
                    h(
                      "h3",
                      { class: "thread-card__subject" },
                      h("a", { href: href(threadPath(conversation, thread)) }, thread.subject),
                    ),
                    about(conversation, thread),
                    h("p", { class: "thread-card__summary" }, threadSummary(thread)),
                    last
                      ? h(
                          "p",
                          { class: "thread-card__last" },
                          h(
                            "time",
                            { datetime: last.created_at },
                            shortDateTime(last.created_at, conversation.time_zone),
                          ),
                          `: “${excerpt(last.body, 140)}”`,
                        )
                      : null,
                  );
                }),
              ),
            ]
          : h(
              "p",
              { class: "inset" },
              "Nobody has messaged an author in this conversation yet.",
            ),
      ),
    };
  },
};

export const thread = {
  auth: true,

  async render(ctx) {
    const loaded = await consoleConversation(ctx);
    if (loaded.view) return loaded.view;
    const { conversation } = loaded;
    const trail = consoleTrail(conversation, "messages");
    let current;
    try {
      current = await api.messageThread(ctx.params.threadId);
    } catch (error) {
      if (isMissing(error)) return notFoundView("Message thread", trail);
      throw error;
    }
    if (current.conversation_id !== conversation.id) {
      return notFoundView("Message thread", trail);
    }
    const timeZone = conversation.time_zone;
    const list = h("div", {}, messageList(current.messages, { timeZone, label: "Messages" }));
    const noticeSlot = h("div", {});
    const summary = errorSummary();
    const body = textField({
      name: "body",
      label: "Your message",
      hint: "It goes to the author's inbox and by email, in this thread.",
      multiline: true,
      rows: 5,
      maxLength: 10_000,
      width: "full",
    });
    const form = h(
      "form",
      { class: "form", "aria-labelledby": "write-heading" },
      h("h2", { class: "heading-m", id: "write-heading" }, "Write to the author again"),
      summary.element,
      body.element,
      submitButton("Send message"),
    );
    handleForm(form, {
      fields: [body],
      summary,
      validate: () =>
        checkLength(body, {
          max: 10_000,
          empty: "Write your message",
          long: "The message must be 10,000 characters or fewer",
        }),
      async submit() {
        current = await api.messageAuthor(conversation.id, {
          targetKind: current.target_kind,
          targetId: current.target_id,
          subject: current.subject,
          body: body.input.value.trim(),
        });
        body.setValue("");
        replaceChildren(list, messageList(current.messages, { timeZone, label: "Messages" }));
        const notice = successNotice("Your message has been sent to the author.");
        replaceChildren(noticeSlot, notice);
        notice.focus();
      },
    });
    return {
      title: current.subject,
      node: h(
        "div",
        {},
        breadcrumbs(trail),
        h("span", { class: "caption" }, "Message thread"),
        h(
          "h1",
          { id: "page-heading", class: ["h1--tight", "break-words"], tabindex: "-1" },
          current.subject,
        ),
        consoleNav(conversation),
        h(
          "div",
          { class: "reading-width" },
          about(conversation, current),
          h("p", { class: "quiet" }, PROMISE),
          h("h2", { class: "heading-m" }, "Messages"),
          list,
          noticeSlot,
          form,
        ),
      ),
    };
  },
};
