// A relay thread's messages, oldest first, the same way in the author's inbox and in the
// facilitators' console. The API names the sender: a facilitator's name, "You" (to the
// author) or "The author" (to the facilitators); never the author's name or address.

import { h, paragraphs } from "../dom.js";
import { countOf, shortDateTime } from "../format.js";

/** The messages as an ordered list. */
export function messageList(messages, { timeZone, label }) {
  return h(
    "ol",
    { class: "message-list", "aria-label": label },
    messages.map((message) =>
      h(
        "li",
        {
          class: [
            "message",
            message.direction === "from_author" ? "message--from-author" : "message--to-author",
          ],
        },
        h(
          "p",
          { class: "message__meta" },
          h("strong", { class: "message__sender" }, message.sender),
          message.unread ? h("strong", { class: "tag tag--new" }, "New") : null,
          h(
            "time",
            { class: "message__time", datetime: message.created_at },
            shortDateTime(message.created_at, timeZone),
          ),
        ),
        h("div", { class: "message__body" }, paragraphs(message.body)),
      ),
    ),
  );
}

/** "3 messages, the last from The author". */
export function threadSummary(thread) {
  const last = thread.messages[thread.messages.length - 1];
  const count = countOf(thread.messages.length, "message");
  return last ? `${count}, the last from ${last.sender}` : count;
}
