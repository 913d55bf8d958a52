// The comments under an idea, oldest first, with one level of replies: each comment's votes,
// a reply form under it, Edit / Withdraw for the reader's own, Report for everyone else's,
// and, for facilitators, a link to moderate each one. Changes are made in place, and focus
// goes to what changed, so nobody loses their place in a long thread.

import { api, newIdempotencyKey } from "../api.js";
import { h, paragraphs, replaceChildren } from "../dom.js";
import { countOf, number } from "../format.js";
import { confirmPanel } from "./confirm.js";
import { href } from "../router.js";
import { moderationPath, placeholder, postMeta, readable, votesFor } from "./contribution.js";
import { checkLength, errorSummary, handleForm, submitButton, textField } from "./form.js";
import { reportForm } from "./report.js";

export const COMMENT_LIMIT = 5_000;

function commentField({ label, hint = null, value = "" }) {
  return textField({
    name: "body",
    label,
    hint,
    multiline: true,
    rows: 4,
    maxLength: COMMENT_LIMIT,
    width: "full",
    value,
  });
}

function checkComment(field, empty) {
  return checkLength(field, {
    max: COMMENT_LIMIT,
    empty,
    long: `Your comment must be ${number(COMMENT_LIMIT)} characters or fewer`,
  });
}

/**
 * A form that posts a comment (or a reply, with `parentId`). Each submission carries an
 * idempotency key, kept for a retry after a lost answer and renewed once it has worked.
 */
function newCommentForm({
  conversation,
  idea,
  parentId = null,
  formLabel,
  label,
  hint,
  buttonText,
  posted,
  cancel = null,
}) {
  const summary = errorSummary();
  const field = commentField({ label, hint });
  let key = newIdempotencyKey();
  const form = h(
    "form",
    { class: ["form", "comment-form", parentId && "comment-form--reply"], "aria-label": formLabel },
    summary.element,
    field.element,
    h(
      "div",
      { class: "button-group" },
      submitButton(buttonText, { small: Boolean(parentId) }),
      cancel
        ? h(
            "button",
            {
              class: ["button", "button--secondary", "button--small"],
              type: "button",
              onClick: cancel,
            },
            "Cancel",
          )
        : null,
    ),
  );
  handleForm(form, {
    fields: [field],
    summary,
    validate: () => checkComment(field, parentId ? "Write your reply" : "Write your comment"),
    async submit() {
      let comment;
      try {
        comment = await api.createComment(
          conversation.id,
          idea.id,
          { body: field.input.value.trim(), parentId },
          key,
        );
      } catch (error) {
        if (error.status >= 400 && error.status < 500) key = newIdempotencyKey();
        throw error;
      }
      key = newIdempotencyKey();
      field.setValue("");
      posted(comment);
    },
  });
  return { form, field };
}

/**
 * The whole thread. Returns { element, find(id) } where find gives the element to focus for
 * a comment (for links to one comment). `person` is who is reading: participants may report
 * others' comments, facilitators get a link to moderate each one.
 */
export function commentThread({ conversation, idea, mode, page, person }) {
  const canWrite = mode === "open" && idea.status === "published" && idea.moderation === "visible";
  const canReport = person?.role === "participant";
  const moderates = person?.role === "facilitator";
  const entries = new Map();
  let published = idea.comment_count;
  let cursor = page.next_cursor;
  let topCount = 0;

  const countLine = h("p", { class: "list-summary" });
  const announcer = h("p", { class: "visually-hidden", role: "status" });
  const list = h("ol", { class: "comment-list", "aria-labelledby": "comments-heading" });
  const loadError = h("p", { class: "error-message", role: "alert" });
  const more = h(
    "button",
    { class: ["button", "button--secondary", "load-more"], type: "button", onClick: loadMore },
    "Show more comments",
  );

  function updateCount() {
    countLine.textContent = published
      ? `${countOf(published, "comment")}, oldest first.`
      : "No comments yet.";
  }

  function announce(text) {
    announcer.textContent = text;
  }

  /** Build (or rebuild) a comment's card: meta, text, votes and its actions. */
  function fill(entry) {
    const { comment } = entry;
    const isReply = Boolean(comment.parent_id);
    const kind = isReply ? "reply" : "comment";
    const actions = [];
    const visible = readable(comment);
    if (canWrite && visible) {
      if (!isReply) {
        entry.replyButton = h(
          "button",
          {
            class: "link-button",
            type: "button",
            "aria-expanded": "false",
            onClick: () => toggleReply(entry),
          },
          "Reply",
          h("span", { class: "visually-hidden" }, ` to ${entry.label.toLowerCase()}`),
        );
        actions.push(entry.replyButton);
      }
      if (comment.is_mine) {
        actions.push(
          h(
            "button",
            { class: "link-button", type: "button", onClick: () => startEdit(entry) },
            "Edit",
            h("span", { class: "visually-hidden" }, ` your ${kind}`),
          ),
          h(
            "button",
            {
              class: "link-button",
              type: "button",
              onClick: (event) => startWithdraw(entry, event.currentTarget),
            },
            "Withdraw",
            h("span", { class: "visually-hidden" }, ` your ${kind}`),
          ),
        );
      }
    }
    if (canReport && visible && !comment.is_mine && !entry.reported) {
      entry.reportButton = h(
        "button",
        {
          class: "link-button",
          type: "button",
          "aria-expanded": "false",
          onClick: () => toggleReport(entry),
        },
        "Report",
        h("span", { class: "visually-hidden" }, ` ${entry.label.toLowerCase()}`),
      );
      actions.push(entry.reportButton);
    }
    if (moderates) {
      actions.push(
        h(
          "a",
          {
            class: "comment__moderate",
            href: href(moderationPath(conversation.id, "comment", comment.id)),
          },
          "Moderate",
          h("span", { class: "visually-hidden" }, ` ${entry.label.toLowerCase()}`),
        ),
      );
    }
    const actionList = actions.length ? h("div", { class: "comment__actions" }, actions) : null;
    entry.slot = h("div", { class: "comment__slot" });
    replaceChildren(
      entry.card,
      h(isReply ? "h4" : "h3", { class: "visually-hidden" }, entry.label),
      postMeta(comment, conversation, { kind }),
      visible
        ? h("div", { class: "comment__text" }, paragraphs(comment.body))
        : placeholder(comment),
      visible || actionList
        ? h(
            "div",
            { class: "comment__footer" },
            visible
              ? votesFor(comment, {
                  kind: "comment",
                  conversation,
                  mode,
                  label: `Votes on ${entry.label.toLowerCase()}`,
                })
              : null,
            actionList,
          )
        : null,
      entry.slot,
    );
  }

  function toggleReport(entry) {
    if (entry.reportPanel) {
      closeReport(entry);
      return;
    }
    const panel = reportForm({
      conversation,
      kind: "comment",
      targetId: entry.comment.id,
      name: entry.label.toLowerCase(),
      done() {
        // The thank-you note stays in the slot; the button goes, so it is not sent twice.
        entry.reported = true;
        entry.reportPanel = null;
        entry.reportButton?.remove();
        entry.reportButton = null;
      },
      cancel: () => closeReport(entry),
    });
    entry.reportPanel = panel.element;
    entry.slot.append(panel.element);
    entry.reportButton.setAttribute("aria-expanded", "true");
    panel.focus();
  }

  function closeReport(entry) {
    entry.reportPanel?.remove();
    entry.reportPanel = null;
    entry.reportButton?.setAttribute("aria-expanded", "false");
    entry.reportButton?.focus();
  }

  function add(comment) {
    const parent = comment.parent_id ? entries.get(comment.parent_id) : null;
    let label;
    if (parent) {
      parent.replyCount += 1;
      label = `Reply ${parent.replyCount} to ${parent.label.toLowerCase()}`;
    } else {
      topCount += 1;
      label = `Comment ${topCount}`;
    }
    const entry = {
      comment,
      label,
      replyCount: 0,
      card: h("div", { class: "comment__card", tabindex: "-1", id: `comment-${comment.id}` }),
      replies: parent ? null : h("ol", { class: "comment-replies" }),
    };
    entry.item = h(
      "li",
      { class: ["comment", parent && "comment--reply"], "data-comment-id": comment.id },
      entry.card,
      entry.replies,
    );
    fill(entry);
    entries.set(comment.id, entry);
    // A reply whose comment is not shown (it should not happen: replies come after the
    // comment they answer) is shown at the top level rather than lost.
    (parent?.replies ?? list).append(entry.item);
    return entry;
  }

  function toggleReply(entry) {
    if (entry.replyForm) {
      closeReply(entry);
      return;
    }
    const { form, field } = newCommentForm({
      conversation,
      idea,
      parentId: entry.comment.id,
      formLabel: `Reply to ${entry.label.toLowerCase()}`,
      label: "Your reply",
      hint: null,
      buttonText: "Post reply",
      cancel: () => closeReply(entry),
      posted(reply) {
        closeReply(entry, { focusButton: false });
        published += 1;
        updateCount();
        const added = add(reply);
        announce("Your reply has been posted.");
        added.card.focus();
      },
    });
    entry.replyForm = form;
    entry.slot.append(form);
    entry.replyButton.setAttribute("aria-expanded", "true");
    field.input.focus();
  }

  function closeReply(entry, { focusButton = true } = {}) {
    entry.replyForm?.remove();
    entry.replyForm = null;
    entry.replyButton?.setAttribute("aria-expanded", "false");
    if (focusButton) entry.replyButton?.focus();
  }

  function startEdit(entry) {
    const kind = entry.comment.parent_id ? "reply" : "comment";
    const summary = errorSummary();
    const field = commentField({ label: `Edit your ${kind}`, value: entry.comment.body });
    const form = h(
      "form",
      { class: "form comment-form", "aria-label": `Editing ${entry.label.toLowerCase()}` },
      summary.element,
      field.element,
      h(
        "div",
        { class: "button-group" },
        submitButton("Save changes", { small: true }),
        h(
          "button",
          {
            class: ["button", "button--secondary", "button--small"],
            type: "button",
            onClick: () => {
              fill(entry);
              entry.card.focus();
            },
          },
          "Cancel",
        ),
      ),
    );
    handleForm(form, {
      fields: [field],
      summary,
      validate: () => checkComment(field, `Write your ${kind}`),
      async submit() {
        entry.comment = await api.updateComment(conversation.id, entry.comment.id, {
          body: field.input.value.trim(),
        });
        fill(entry);
        announce(`Your ${kind} has been updated.`);
        entry.card.focus();
      },
    });
    // The text is replaced by the form while editing; votes and the rest stay as they were.
    const text = entry.card.querySelector(".comment__text");
    const footer = entry.card.querySelector(".comment__footer");
    text.replaceWith(form);
    footer.hidden = true;
    field.input.focus();
  }

  function startWithdraw(entry, button) {
    const kind = entry.comment.parent_id ? "reply" : "comment";
    const panel = confirmPanel({
      heading: `Withdraw your ${kind}?`,
      text:
        `Your ${kind} will be replaced by “Withdrawn by its author” for everyone. ` +
        (kind === "comment" ? "Replies to it stay. " : "") +
        "You cannot undo this.",
      confirmText: `Yes, withdraw my ${kind}`,
      async confirm() {
        entry.comment = await api.withdrawComment(conversation.id, entry.comment.id);
        published -= 1;
        updateCount();
        fill(entry);
        announce(`Your ${kind} has been withdrawn.`);
        entry.card.focus();
      },
      cancel() {
        panel.element.remove();
        button.focus();
      },
    });
    replaceChildren(entry.slot, panel.element);
    panel.focus();
  }

  async function loadMore() {
    if (!cursor || more.getAttribute("aria-disabled") === "true") return;
    more.setAttribute("aria-disabled", "true");
    loadError.textContent = "";
    try {
      const next = await api.listComments(conversation.id, idea.id, { cursor });
      cursor = next.next_cursor;
      const added = next.items.map(add);
      more.hidden = !cursor;
      announce(`${countOf(added.length, "more comment")} shown.`);
      added[0]?.card.focus();
    } catch (error) {
      loadError.textContent = error.detail || "More comments could not be loaded. Please try again.";
    } finally {
      more.removeAttribute("aria-disabled");
    }
  }

  page.items.forEach(add);
  updateCount();
  more.hidden = !cursor;

  let writeArea;
  if (canWrite) {
    const { form } = newCommentForm({
      conversation,
      idea,
      formLabel: "Add a comment",
      label: "Your comment",
      hint: "Comments are posted without your name. Keep to the idea, not the people.",
      buttonText: "Post comment",
      posted(comment) {
        published += 1;
        updateCount();
        const added = add(comment);
        announce("Your comment has been posted.");
        added.card.focus();
      },
    });
    writeArea = [h("h2", { class: "heading-m" }, "Add a comment"), form];
  } else if (idea.status !== "published") {
    writeArea = h(
      "p",
      { class: "inset" },
      "This idea has been withdrawn, so it takes no new comments.",
    );
  } else if (idea.moderation !== "visible") {
    writeArea = h(
      "p",
      { class: "inset" },
      "This idea is not shown at the moment, so it takes no new comments.",
    );
  }

  const element = h(
    "section",
    { class: "comments", "aria-labelledby": "comments-heading" },
    h("h2", { class: "heading-m", id: "comments-heading" }, "Comments"),
    countLine,
    announcer,
    list,
    loadError,
    more,
    writeArea,
  );

  return {
    element,
    find(id) {
      return entries.get(id)?.card ?? null;
    },
  };
}
