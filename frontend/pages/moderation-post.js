// One post as the facilitators see it (#/conversations/<id>/moderation/<kind>/<post>): its
// text even when hidden, its queue items, the actions (hide, show again or approve, message
// the author), each with a reason, and its history from the audit log. Never its author.

import { api } from "../api.js";
import { auditTable } from "../components/audit-table.js";
import {
  CATEGORY_NAMES,
  consoleConversation,
  consoleNav,
  consoleTrail,
  moderationState,
  PUBLIC_REASON_WORDS,
} from "../components/console.js";
import { commentLocation, ideaPath } from "../components/contribution.js";
import {
  checkLength,
  errorSummary,
  handleForm,
  radioField,
  submitButton,
  textField,
} from "../components/form.js";
import { breadcrumbs, isMissing, notFoundView, successNotice } from "../components/layout.js";
import {
  amendForm,
  checkReason,
  mergeForm,
  moveForm,
  openCaseForm,
  reasonField,
  removeForm,
  splitForm,
} from "../components/moderation-actions.js";
import { queueCard, staffLabel } from "../components/queue-item.js";
import { h, paragraphs, replaceChildren } from "../dom.js";
import { shortDateTime } from "../format.js";
import { href } from "../router.js";

const KINDS = new Set(["idea", "comment"]);

/** The form for Hide: a category (shown to participants) and a reason (for the log). */
function hideForm({ target, done }) {
  const summary = errorSummary();
  const category = radioField({
    name: "category",
    legend: "What participants are told",
    legendClass: "fieldset__legend--s",
    options: Object.entries(CATEGORY_NAMES).map(([value, label]) => ({
      value,
      label,
      hint: `They see “Hidden by the facilitators: ${PUBLIC_REASON_WORDS[value]}”.`,
    })),
  });
  const reason = reasonField(
    "Reason for hiding it",
    "For the audit log. Participants do not see it.",
  );
  const form = h(
    "form",
    { class: "form form--flush", "aria-labelledby": "hide-heading" },
    h("h3", { class: "heading-s", id: "hide-heading" }, `Hide this ${target.kind}`),
    h(
      "p",
      {},
      `Everyone else then sees a short note in its place. Replies${
        target.kind === "idea" ? " and comments" : ""
      } under it stay visible.`,
    ),
    summary.element,
    category.element,
    reason.element,
    submitButton(`Hide ${target.kind}`, { small: true }),
  );
  form.querySelector("button[type=submit]").classList.add("button--warning");
  handleForm(form, {
    fields: [category, reason],
    summary,
    validate: () => [
      ...(category.value()
        ? []
        : [{ field: category, text: "Choose what participants are told" }]),
      ...checkReason(reason),
    ],
    async submit() {
      const chosen = category.value();
      await api.hideContribution(target.conversation_id, target.kind, target.id, {
        category: chosen,
        reason: reason.input.value.trim(),
      });
      done(
        `The ${target.kind} is hidden. Participants see “Hidden by the facilitators: ` +
          `${PUBLIC_REASON_WORDS[chosen]}”.`,
      );
    },
  });
  return form;
}

/** The form that shows a hidden post again, or approves a held one. */
function unhideForm({ target, done }) {
  const approving = target.moderation === "held";
  const summary = errorSummary();
  const headingId = approving ? "approve-heading" : "unhide-heading";
  const reason = reasonField(
    approving ? "Reason for approving it" : "Reason for showing it again",
    "For the audit log. Participants do not see it.",
  );
  const form = h(
    "form",
    { class: "form form--flush", "aria-labelledby": headingId },
    h(
      "h3",
      { class: "heading-s", id: headingId },
      approving ? `Approve this ${target.kind}` : `Show this ${target.kind} again`,
    ),
    h(
      "p",
      {},
      approving
        ? "It is held until approved: only its author can see it now."
        : "Everyone will see its text again, in place of the note.",
    ),
    summary.element,
    reason.element,
    submitButton(approving ? `Approve ${target.kind}` : `Show ${target.kind} again`, {
      small: true,
    }),
  );
  handleForm(form, {
    fields: [reason],
    summary,
    validate: () => checkReason(reason),
    async submit() {
      await api.unhideContribution(
        target.conversation_id,
        target.kind,
        target.id,
        reason.input.value.trim(),
      );
      done(
        approving
          ? `The ${target.kind} is approved: everyone can see it now.`
          : `The ${target.kind} is shown again.`,
      );
    },
  });
  return form;
}

/** "Message the author" through the relay: subject and message; the author stays unknown. */
function messageForm({ conversation, target, sent }) {
  const summary = errorSummary();
  const noticeSlot = h("div", {});
  const subject = textField({ name: "subject", label: "Subject", maxLength: 200, width: "full" });
  const body = textField({
    name: "body",
    label: "Message",
    hint:
      "Candour delivers it to the author's inbox and by email. You will not learn their " +
      "name or address, and their replies come back as from “The author”.",
    multiline: true,
    rows: 6,
    maxLength: 10_000,
    width: "full",
  });
  const form = h(
    "form",
    { class: "form form--flush", "aria-labelledby": "message-heading" },
    h("h3", { class: "heading-s", id: "message-heading" }, "Message the author"),
    noticeSlot,
    summary.element,
    subject.element,
    body.element,
    submitButton("Send message", { small: true }),
  );
  handleForm(form, {
    fields: [subject, body],
    summary,
    validate: () => [
      ...checkLength(subject, {
        min: 3,
        max: 200,
        empty: "Write a subject",
        short: "The subject must be 3 characters or more",
        long: "The subject must be 200 characters or fewer",
      }),
      ...checkLength(body, {
        max: 10_000,
        empty: "Write your message",
        long: "The message must be 10,000 characters or fewer",
      }),
    ],
    async submit() {
      const thread = await api.messageAuthor(conversation.id, {
        targetKind: target.kind,
        targetId: target.id,
        subject: subject.input.value.trim(),
        body: body.input.value.trim(),
      });
      subject.setValue("");
      body.setValue("");
      const notice = successNotice(
        "Your message has been sent to the author. ",
        h(
          "a",
          { href: href(`/conversations/${conversation.id}/messages/${thread.id}`) },
          "See the conversation with the author",
        ),
      );
      replaceChildren(noticeSlot, notice);
      notice.focus();
      sent();
    },
  });
  return form;
}

function postDetails(target, { conversation, section }) {
  const row = (term, value) =>
    h(
      "div",
      { class: "summary-list__row" },
      h("dt", { class: "summary-list__key" }, term),
      h("dd", { class: "summary-list__value" }, value),
    );
  const location =
    target.kind === "idea"
      ? href(ideaPath(conversation.id, target.id))
      : href(...commentLocation(conversation.id, target.idea_id, target.id));
  return [
    h(
      "div",
      { class: "post-panel" },
      target.title ? h("p", { class: "post-panel__title" }, target.title) : null,
      h("div", { class: "post-panel__body" }, paragraphs(target.body)),
    ),
    h(
      "dl",
      { class: "summary-list" },
      section ? row("Section", section.title) : null,
      row("State", moderationState(target)),
      row("Came from", target.source === "paper" ? "A paper form" : "Posted online"),
      row("Posted", shortDateTime(target.created_at, conversation.time_zone)),
    ),
    h(
      "p",
      {},
      h(
        "a",
        { href: location },
        target.kind === "idea"
          ? "See the idea as participants do"
          : "See the comment in its thread",
      ),
    ),
  ];
}

export default {
  auth: true,

  async render(ctx) {
    const loaded = await consoleConversation(ctx);
    if (loaded.view) return loaded.view;
    const { conversation } = loaded;
    const { kind, targetId } = ctx.params;
    const trail = consoleTrail(conversation, "queue");
    if (!KINDS.has(kind)) return notFoundView("Post", trail);
    let history;
    let sections;
    try {
      [history, sections] = await Promise.all([
        api.contributionHistory(conversation.id, kind, targetId),
        api.listSections(conversation.id),
      ]);
    } catch (error) {
      if (isMissing(error)) return notFoundView("Post", trail);
      throw error;
    }
    const target = { ...history.target, conversation_id: conversation.id };
    const section = sections.find((s) => s.id === target.section_id) ?? null;
    const path = `/conversations/${conversation.id}/moderation/${kind}/${targetId}`;
    const me = staffLabel(ctx.person);
    const done = (text) => {
      ctx.flash(text, "success");
      ctx.go(path, { replace: true });
    };

    const historySlot = h("div", {});
    function showHistory(audit) {
      replaceChildren(
        historySlot,
        audit.length
          ? auditTable(audit, { conversation, caption: `History of this ${kind}` })
          : h("p", { class: "quiet" }, "Nothing has been done to this post yet."),
      );
    }
    async function refreshHistory() {
      try {
        showHistory((await api.contributionHistory(conversation.id, kind, targetId)).audit);
      } catch {
        // The history catches up on the next visit; the message itself has been sent.
      }
    }
    showHistory(history.audit);

    const actions = [];
    if (target.moderation === "visible" || target.moderation === "held") {
      actions.push(h("div", { class: "action-panel" }, hideForm({ target, done })));
    }
    if (target.moderation === "hidden" || target.moderation === "held") {
      actions.push(h("div", { class: "action-panel" }, unhideForm({ target, done })));
    }
    if (target.moderation === "removed") {
      actions.push(
        h("p", { class: "inset" }, "This post has been removed; it cannot be changed any more."),
      );
    } else {
      const panel = (form) => h("div", { class: "action-panel" }, form);
      actions.push(panel(amendForm({ target, done })));
      if (kind === "idea") {
        if (sections.length > 1) actions.push(panel(moveForm({ target, sections, done })));
        actions.push(panel(splitForm({ target, sections, done })));
        actions.push(panel(mergeForm({ target, done })));
      }
      actions.push(panel(removeForm({ target, done })));
    }
    actions.push(
      h(
        "div",
        { class: "action-panel" },
        openCaseForm({
          target,
          opened(created) {
            ctx.flash("The safeguarding case is open.", "success");
            ctx.go(`/safeguarding/${created.id}`);
          },
        }),
      ),
    );
    actions.push(
      h(
        "div",
        { class: "action-panel" },
        target.source === "paper"
          ? [
              h("h3", { class: "heading-s" }, "Message the author"),
              h(
                "p",
                {},
                "This post came from a paper form, so it has no author in Candour to write to.",
              ),
            ]
          : messageForm({ conversation, target, sent: refreshHistory }),
      ),
    );

    const heading = kind === "idea" ? "Moderate this idea" : "Moderate this comment";
    return {
      title: heading,
      node: h(
        "div",
        {},
        breadcrumbs(trail),
        h("span", { class: "caption" }, conversation.title),
        h("h1", { id: "page-heading", class: "h1--tight", tabindex: "-1" }, heading),
        consoleNav(conversation),
        h(
          "div",
          { class: "reading-width" },
          h("h2", { class: "heading-m" }, `The ${kind}`),
          h(
            "p",
            { class: "quiet" },
            "As the facilitators see it: the text is shown even when hidden. Nobody can see " +
              "who wrote it.",
          ),
          postDetails(target, { conversation, section }),
        ),
        history.items.length
          ? [
              h("h2", { class: "heading-m" }, "In the moderation queue"),
              h(
                "ol",
                { class: "queue-list" },
                history.items.map((item) =>
                  queueCard(item, { conversation, me, review: false, headingLevel: 3 }),
                ),
              ),
            ]
          : null,
        h("h2", { class: "heading-m" }, "Actions"),
        h("div", { class: "reading-width" }, actions),
        h("h2", { class: "heading-m", id: "history-heading" }, "History"),
        historySlot,
      ),
    };
  },
};
