// One idea: the whole text, its votes, its comments and replies, and, for its author while
// the conversation is open, Edit (in place) and Withdraw (after a confirmation step). Other
// participants may report it; facilitators get a link to moderate it.
// #/conversations/<id>/ideas/<idea>?comment=<comment> opens it at one comment.
// Live (live.js): the idea's counts change in place; comments by others wait behind
// "New comments: … Show them".

import { api } from "../api.js";
import { SERVICE_NAME } from "../config.js";
import { commentThread } from "../components/comments.js";
import { confirmPanel } from "../components/confirm.js";
import {
  ideaPath,
  moderationPath,
  placeholder,
  postMeta,
  readable,
  unreadableName,
  votesFor,
} from "../components/contribution.js";
import { canTakePart, participation, readOnlyNotice } from "../components/conversation.js";
import { errorSummary, handleForm, submitButton } from "../components/form.js";
import {
  breadcrumbs,
  conversationTrail,
  isMissing,
  notFoundView,
  successNotice,
} from "../components/layout.js";
import { reportForm } from "../components/report.js";
import { h, paragraphs, replaceChildren } from "../dom.js";
import { countOf } from "../format.js";
import { newsNotice, sparingly, watchSections } from "../live.js";
import { href } from "../router.js";
import { checkIdea, ideaFields } from "./section.js";

export default {
  auth: true,

  async render(ctx) {
    const { id, ideaId } = ctx.params;
    let conversation;
    let sections;
    let idea;
    let comments;
    try {
      [conversation, sections, idea, comments] = await Promise.all([
        api.getConversation(id),
        api.listSections(id),
        api.getIdea(id, ideaId),
        api.listComments(id, ideaId),
      ]);
    } catch (error) {
      if (isMissing(error)) return notFoundView("Idea");
      throw error;
    }

    const mode = participation(ctx.person, conversation);
    const section = sections.find((s) => s.id === idea.section_id);
    const trail = conversationTrail(conversation);
    if (section) {
      trail.push({ text: section.title, path: `/conversations/${id}/sections/${section.id}` });
    }

    const withdrawn = !readable(idea);
    const heading = h(
      "h1",
      { id: "page-heading", class: ["break-words", "h1--tight"], tabindex: "-1" },
      withdrawn ? unreadableName(idea) : idea.title,
    );
    const area = h("div", { class: "idea" });
    let actionSlot = null; // where the confirmation step appears, under the idea
    const noticeSlot = h("div", {});
    let reported = false;
    const moderateLink =
      ctx.person.role === "facilitator"
        ? h(
            "p",
            { class: "idea__moderate" },
            h(
              "a",
              { href: href(moderationPath(id, "idea", idea.id)) },
              "Moderate this idea",
              h("span", { class: "visually-hidden" }, " (see its text, reports and history)"),
            ),
          )
        : null;

    // Where the facilitators split this idea off another one, or merged it into one.
    const lineage = [
      idea.origin_id
        ? h(
            "p",
            { class: "idea__lineage" },
            "The facilitators split this idea off another one. ",
            h("a", { href: href(ideaPath(id, idea.origin_id)) }, "See the idea it came from"),
          )
        : null,
      idea.merged_into_id
        ? h(
            "p",
            { class: "idea__lineage" },
            "The facilitators merged this idea into another one. ",
            h("a", { href: href(ideaPath(id, idea.merged_into_id)) }, "See the idea it joined"),
          )
        : null,
    ];

    /** The idea as it reads (not being edited). */
    function showIdea() {
      if (withdrawn) {
        replaceChildren(
          area,
          postMeta(idea, conversation),
          placeholder(idea, "Its comments stay below for the record."),
          lineage,
          moderateLink,
        );
        return;
      }
      const own = idea.is_mine && canTakePart(mode);
      const editButton = own
        ? h(
            "button",
            {
              class: ["button", "button--secondary", "button--small"],
              type: "button",
              onClick: startEdit,
            },
            "Edit",
            h("span", { class: "visually-hidden" }, " your idea"),
          )
        : null;
      const withdrawButton = own
        ? h(
            "button",
            {
              class: ["button", "button--warning-outline", "button--small"],
              type: "button",
              onClick: () => startWithdraw(withdrawButton),
            },
            "Withdraw",
            h("span", { class: "visually-hidden" }, " your idea"),
          )
        : null;
      const reportButton =
        ctx.person.role === "participant" && !idea.is_mine && !reported
          ? h(
              "button",
              {
                class: "link-button",
                type: "button",
                "aria-expanded": "false",
                onClick: () => startReport(reportButton),
              },
              "Report this idea",
            )
          : null;
      actionSlot = h("div", { class: "idea__slot" });
      replaceChildren(
        area,
        postMeta(idea, conversation),
        h("div", { class: "idea__body reading-width" }, paragraphs(idea.body)),
        lineage,
        h(
          "div",
          { class: "idea__footer" },
          votesFor(idea, { kind: "idea", conversation, mode, label: "Votes on this idea" }),
          own ? h("div", { class: "button-group idea__actions" }, editButton, withdrawButton) : null,
          reportButton ? h("div", { class: "idea__report" }, reportButton) : null,
        ),
        moderateLink,
        actionSlot,
      );
    }

    function startReport(button) {
      if (button.getAttribute("aria-expanded") === "true") {
        actionSlot.replaceChildren();
        button.setAttribute("aria-expanded", "false");
        return;
      }
      const panel = reportForm({
        conversation,
        kind: "idea",
        targetId: idea.id,
        name: "this idea",
        done() {
          reported = true;
          button.remove();
        },
        cancel() {
          actionSlot.replaceChildren();
          button.setAttribute("aria-expanded", "false");
          button.focus();
        },
      });
      replaceChildren(actionSlot, panel.element);
      button.setAttribute("aria-expanded", "true");
      panel.focus();
    }

    function startEdit() {
      const summary = errorSummary();
      const fields = ideaFields({ title: idea.title, body: idea.body });
      const form = h(
        "form",
        { class: "form panel panel--form", "aria-labelledby": "edit-heading" },
        h("h2", { class: "heading-s", id: "edit-heading", tabindex: "-1" }, "Edit your idea"),
        summary.element,
        fields.title.element,
        fields.body.element,
        h(
          "div",
          { class: "button-group" },
          submitButton("Save changes"),
          h(
            "button",
            {
              class: ["button", "button--secondary"],
              type: "button",
              onClick: () => {
                showIdea();
                heading.focus();
              },
            },
            "Cancel",
          ),
        ),
      );
      handleForm(form, {
        fields: [fields.title, fields.body],
        summary,
        validate: () => checkIdea(fields),
        async submit() {
          idea = await api.updateIdea(id, idea.id, {
            title: fields.title.input.value.trim(),
            body: fields.body.input.value.trim(),
          });
          heading.textContent = idea.title;
          document.title = `${idea.title} – ${SERVICE_NAME}`;
          showIdea();
          const notice = successNotice("Your idea has been updated.");
          replaceChildren(noticeSlot, notice);
          notice.focus();
        },
      });
      replaceChildren(noticeSlot);
      replaceChildren(area, form);
      fields.title.input.focus();
    }

    function startWithdraw(button) {
      const panel = confirmPanel({
        heading: "Withdraw your idea?",
        text:
          "It will leave the conversation: nobody will see its title or text any more, and " +
          "it takes no more votes or comments. The comments already on it stay. You cannot " +
          "undo this.",
        confirmText: "Yes, withdraw my idea",
        async confirm() {
          await api.withdrawIdea(id, idea.id);
          ctx.flash(
            "Your idea has been withdrawn. It no longer appears in the conversation.",
            "success",
          );
          ctx.go(`/conversations/${id}/ideas/${idea.id}`, { replace: true });
        },
        cancel() {
          panel.element.remove();
          button.focus();
        },
      });
      replaceChildren(actionSlot, panel.element);
      panel.focus();
    }

    showIdea();
    let thread = commentThread({ conversation, idea, mode, page: comments, person: ctx.person });
    const focusComment = ctx.query.get("comment");

    // --- live updates: the idea's counts change in place; new comments wait to be asked for ---
    let knownComments = idea.comment_count;
    const liveAnnouncer = h("p", { class: "visually-hidden", role: "status" });
    const say = sparingly(liveAnnouncer);
    const { element: news, text: newsText } = newsNotice(showNewComments, "comments");

    const shownCommentIds = () =>
      new Set(
        [...thread.element.querySelectorAll("[data-comment-id]")].map((c) => c.dataset.commentId),
      );

    /** Every comment, a page at a time (a page holds 200, so this is nearly always one call). */
    async function allComments() {
      let page = await api.listComments(id, ideaId);
      const items = [...page.items];
      for (let turn = 0; page.next_cursor && turn < 10; turn += 1) {
        page = await api.listComments(id, ideaId, { cursor: page.next_cursor });
        items.push(...page.items);
      }
      return { items, next_cursor: page.next_cursor };
    }

    function updateVotes(fresh) {
      const same =
        idea.like_count === fresh.like_count &&
        idea.dislike_count === fresh.dislike_count &&
        idea.my_vote === fresh.my_vote;
      Object.assign(idea, {
        like_count: fresh.like_count,
        dislike_count: fresh.dislike_count,
        my_vote: fresh.my_vote,
      });
      // Only while the idea is read (not being edited), and not while the reader's own vote
      // is on its way: its answer is the one to show.
      const votes = area.querySelector(".idea__footer > .votes, .idea__footer > .vote-counts");
      if (same || !votes || votes.getAttribute("aria-busy") === "true") return;
      const focused = votes.contains(document.activeElement)
        ? document.activeElement.classList.contains("vote--dislike")
          ? ".vote--dislike"
          : ".vote--like"
        : null;
      const replacement = votesFor(idea, {
        kind: "idea",
        conversation,
        mode,
        label: "Votes on this idea",
      });
      votes.replaceWith(replacement);
      if (focused) replacement.querySelector(focused)?.focus();
    }

    async function catchUp() {
      const fresh = await api.getIdea(id, ideaId);
      if (!area.isConnected) return;
      updateVotes(fresh);
      if (fresh.comment_count <= knownComments) {
        knownComments = fresh.comment_count;
        return;
      }
      // More comments than the thread was drawn with: new ones, unless they are the
      // reader's own (the thread shows those already).
      const page = await allComments();
      const shown = shownCommentIds();
      const waiting = page.items.filter((c) => !shown.has(c.id)).length;
      if (!waiting) {
        knownComments = fresh.comment_count;
        return;
      }
      const before = news.hidden ? 0 : Number(news.dataset.waiting || 0);
      news.dataset.waiting = String(waiting);
      newsText.textContent = `New comments: ${countOf(waiting, "comment")} not shown yet.`;
      news.hidden = false;
      if (waiting > before) say("New comments on this idea.");
    }

    async function showNewComments() {
      const before = shownCommentIds();
      let fresh;
      let page;
      try {
        [fresh, page] = await Promise.all([api.getIdea(id, ideaId), allComments()]);
      } catch (error) {
        newsText.textContent = error.detail || "The new comments could not be loaded.";
        return;
      }
      idea.comment_count = fresh.comment_count;
      knownComments = fresh.comment_count;
      // Keep what the reader was writing in the comment form; the thread is drawn anew.
      const draftOf = (element) =>
        element.querySelector('form[aria-label="Add a comment"] textarea')?.value ?? "";
      const draft = draftOf(thread.element);
      const next = commentThread({ conversation, idea, mode, page, person: ctx.person });
      const field = next.element.querySelector('form[aria-label="Add a comment"] textarea');
      if (field && draft) {
        field.value = draft;
        field.dispatchEvent(new Event("input", { bubbles: true }));
      }
      thread.element.replaceWith(next.element);
      thread = next;
      news.hidden = true;
      news.dataset.waiting = "0";
      const added = page.items.find((c) => !before.has(c.id));
      (added ? thread.find(added.id) : heading)?.focus();
    }

    ctx.onLeave?.(watchSections(id, [idea.section_id], catchUp));

    return {
      title: withdrawn ? unreadableName(idea) : idea.title,
      focus: focusComment ? thread.find(focusComment) : null,
      node: h(
        "div",
        {},
        breadcrumbs(trail),
        h("span", { class: "caption" }, section ? `Idea in ${section.title}` : "Idea"),
        heading,
        noticeSlot,
        area,
        canTakePart(mode) ? null : readOnlyNotice(mode, conversation, ctx.person),
        news,
        liveAnnouncer,
        thread.element,
      ),
    };
  },
};
