// One item of the moderation queue, as a card: its priority, why it is there, the post as
// the facilitators see it (hidden text included), and Claim / Resolve. Used by the queue
// and by a post's own page; the card rebuilds itself after each action.

import { api } from "../api.js";
import { h, paragraphs, replaceChildren, uniqueId } from "../dom.js";
import { excerpt, shortDateTime } from "../format.js";
import { href } from "../router.js";
import {
  CATEGORY_NAMES,
  moderationState,
  PRIORITIES,
  priorityTag,
  targetName,
} from "./console.js";
import { moderationPath } from "./contribution.js";
import { errorSummary, handleForm, submitButton, textField } from "./form.js";

const DECISION_LIMIT = 2_000;
const BODY_SHOWN = 600;

/** How facilitators appear in the API (their name, else their address). */
export function staffLabel(person) {
  return person?.display_name || person?.email || "";
}

function stateTag(item, me) {
  if (item.state === "resolved") {
    return h("strong", { class: ["tag", "tag--closed"] }, "Resolved");
  }
  if (item.state === "claimed") {
    const who = item.claimed_by === me ? "you" : item.claimed_by;
    return h("strong", { class: ["tag", "tag--upcoming"] }, `Claimed by ${who}`);
  }
  return h("strong", { class: ["tag", "tag--open"] }, "Open");
}

function reasonList(item) {
  return h(
    "ul",
    { class: "reason-list" },
    item.reasons.map((reason) =>
      h(
        "li",
        { class: "reason-list__item" },
        h(
          "span",
          { class: "reason-list__source" },
          reason.source === "screening" ? "Screening" : "Report",
        ),
        " ",
        h("strong", {}, CATEGORY_NAMES[reason.category] ?? reason.category),
        reason.detail
          ? h("span", { class: "reason-list__detail" }, `“${reason.detail}”`)
          : null,
      ),
    ),
  );
}

/**
 * The card for `item`. `me` is the reader's staff label; with `review`, the card links to
 * the post's own page. `changed(item)` is told about each new state.
 */
export function queueCard(item, { conversation, me, review = true, headingLevel = 2, changed }) {
  const element = h("li", { class: "queue-item", "data-item-id": item.id });
  const announcer = h("p", { class: "visually-hidden", role: "status" });
  const headingId = uniqueId("queue-item");

  function render(current, { focus = null } = {}) {
    const { target } = current;
    const long = target.body.length > BODY_SHOWN;
    const error = h("p", { class: "error-message queue-item__error", role: "alert" });
    const open = current.state !== "resolved";
    const mine = current.state === "claimed" && current.claimed_by === me;
    const urgency = PRIORITIES[current.priority]?.key ?? "other";
    element.className = `queue-item queue-item--${urgency}`;

    const claim =
      open && !mine
        ? h(
            "button",
            {
              class: ["button", "button--secondary", "button--small"],
              type: "button",
              onClick: async (event) => {
                const button = event.currentTarget;
                if (button.getAttribute("aria-disabled") === "true") return;
                button.setAttribute("aria-disabled", "true");
                error.textContent = "";
                try {
                  const updated = await api.claimItem(current.id);
                  render(updated, { focus: "resolve" });
                  announcer.textContent = "You have claimed this item.";
                  changed?.(updated);
                } catch (problem) {
                  error.textContent = problem.detail;
                  button.removeAttribute("aria-disabled");
                }
              },
            },
            "Claim",
            h("span", { class: "visually-hidden" }, ` ${targetName(target, 40)}`),
          )
        : null;

    let resolveArea = null;
    if (open) {
      const summary = errorSummary();
      const decision = textField({
        name: "decision",
        label: "Decision",
        hint: "What you decided and why. It goes in the audit log.",
        multiline: true,
        rows: 3,
        maxLength: DECISION_LIMIT,
        width: "full",
      });
      const form = h(
        "form",
        { class: "form form--flush", "aria-label": `Resolve: ${targetName(target, 40)}` },
        summary.element,
        decision.element,
        submitButton("Resolve item", { small: true }),
      );
      handleForm(form, {
        fields: [decision],
        summary,
        validate() {
          const length = [...decision.input.value.trim()].length;
          if (length < 3) {
            return [{ field: decision, text: "Write the decision (3 characters or more)" }];
          }
          if (length > DECISION_LIMIT) {
            const text = `The decision must be ${DECISION_LIMIT} characters or fewer`;
            return [{ field: decision, text }];
          }
          return [];
        },
        async submit() {
          const updated = await api.resolveItem(current.id, decision.input.value.trim());
          render(updated, { focus: "heading" });
          announcer.textContent = "The item is resolved.";
          changed?.(updated);
        },
      });
      resolveArea = h(
        "details",
        { class: "details details--compact", open: mine },
        h(
          "summary",
          { class: "details__summary" },
          h("span", { class: "details__summary-text" }, "Resolve"),
          h("span", { class: "visually-hidden" }, ` ${targetName(target, 40)}`),
        ),
        h("div", { class: "details__text" }, form),
      );
    }

    const since = shortDateTime(current.created_at, conversation.time_zone);
    const heading = h(
      `h${headingLevel}`,
      { class: "queue-item__heading", id: headingId, tabindex: "-1" },
      review
        ? h(
            "a",
            { href: href(moderationPath(conversation.id, target.kind, target.id)) },
            targetName(target),
          )
        : `Queue item of ${since}`,
    );

    replaceChildren(
      element,
      h(
        "div",
        { class: "queue-item__tags" },
        priorityTag(current.priority),
        stateTag(current, me),
        target.source === "paper" ? h("span", { class: "tag tag--plain" }, "Paper form") : null,
      ),
      heading,
      // On the post's own page the post and its state are shown above its items: not twice.
      review
        ? [
            h(
              "p",
              { class: "queue-item__meta" },
              `In the queue since ${since}. `,
              h("span", { class: "queue-item__state" }, moderationState(target)),
            ),
            h(
              "div",
              { class: "queue-item__post" },
              long ? h("p", {}, excerpt(target.body, BODY_SHOWN)) : paragraphs(target.body),
            ),
          ]
        : null,
      h(`h${headingLevel + 1}`, { class: "queue-item__subheading" }, "Why it is here"),
      reasonList(current),
      current.decision
        ? h(
            "p",
            { class: "queue-item__decision" },
            h("strong", {}, "Decision: "),
            current.decision,
          )
        : null,
      open || review
        ? h(
            "div",
            { class: "queue-item__actions" },
            review
              ? h(
                  "a",
                  {
                    class: "queue-item__review",
                    href: href(moderationPath(conversation.id, target.kind, target.id)),
                  },
                  "Review and act",
                  h("span", { class: "visually-hidden" }, `: ${targetName(target, 40)}`),
                )
              : null,
            claim,
          )
        : null,
      error,
      resolveArea,
      announcer,
    );
    if (focus === "resolve") element.querySelector("textarea")?.focus();
    if (focus === "heading") heading.focus();
  }

  render(item);
  return element;
}
