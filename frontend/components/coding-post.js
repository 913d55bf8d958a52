// One idea or comment as an analyst codes it: its words, the codes on it (confirmed, or
// suggested by an accepted theme and waiting for a person), and the form that applies a
// code to the whole post or to an excerpt.
//
// An excerpt is chosen by selecting words in the post, or by typing where it starts and
// ends (the accessible way, and the one the selection fills in). The API counts in Unicode
// code points, end exclusive; people count from 1, end included; JavaScript strings count
// UTF-16 units. The body is drawn as one text node (white-space: pre-wrap), so the text the
// selection measures is the body string itself.

import { api } from "../api.js";
import { h, replaceChildren, uniqueId } from "../dom.js";
import { excerpt } from "../format.js";
import { href } from "../router.js";
import { analystName, codeOptions, codingStatusTag } from "./coding-common.js";
import {
  errorSummary,
  handleForm,
  radioField,
  selectField,
  submitButton,
  textField,
} from "./form.js";

// The post bodies on the page, each with what to do when words in it are selected.
const selectionHandlers = new WeakMap();
let listening = false;

function listenForSelections() {
  if (listening) return;
  listening = true;
  document.addEventListener("selectionchange", () => {
    const selection = document.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return;
    const range = selection.getRangeAt(0);
    const element = (node) => (node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement);
    const body = element(range.startContainer)?.closest(".coding-post__body");
    if (!body || body !== element(range.endContainer)?.closest(".coding-post__body")) return;
    selectionHandlers.get(body)?.(range);
  });
}

/** A selection inside `body` as code point offsets into `text`: { start, end } (end exclusive). */
export function selectionOffsets(body, range, text) {
  const before = document.createRange();
  before.selectNodeContents(body);
  before.setEnd(range.startContainer, range.startOffset);
  const startUnits = before.toString().length;
  const endUnits = startUnits + range.toString().length;
  return { start: [...text.slice(0, startUnits)].length, end: [...text.slice(0, endUnits)].length };
}

function numberField(name, label) {
  return textField({ name, label, type: "text", inputmode: "numeric", width: "3" });
}

/**
 * The card for one post. `post` is { kind: "idea" | "comment", id, title?, body, ideaId },
 * `codings` its CodingOut list. `headingLevel` is the card's heading level.
 */
export function codablePost({ conversation, post, codes, codings, person, headingLevel = 3 }) {
  const cid = conversation.id;
  const text = post.body ?? "";
  const characters = [...text];
  const headingId = uniqueId("post-heading");
  const codingsHeadingId = uniqueId("codings-heading");
  const announcer = h("p", { class: "visually-hidden", role: "status" });
  const listSlot = h("div", {});
  const listError = h("p", { class: "error-message", role: "alert", hidden: true });
  let current = codings.filter((c) => c.status !== "rejected");

  const postName =
    post.kind === "idea"
      ? `Idea: ${post.title || "(no title)"}`
      : `Comment: “${excerpt(text || "(not shown)", 60)}”`;
  const headingTag = `h${headingLevel}`;
  const codingsHeading = h(
    `h${headingLevel + 1}`,
    { class: "coding-post__subheading", id: codingsHeadingId, tabindex: "-1" },
    "Codes on this post",
  );

  async function refresh(message, { focusList = false } = {}) {
    const fresh = await api.listCodings(cid, { postKind: post.kind, postId: post.id, limit: 500 });
    current = fresh.codings.filter((c) => c.status !== "rejected");
    drawCodings();
    announcer.textContent = message;
    if (focusList) codingsHeading.focus();
  }

  async function act(run, message) {
    listError.hidden = true;
    try {
      await run();
      await refresh(message, { focusList: true });
    } catch (error) {
      listError.textContent = error.detail ?? String(error);
      listError.hidden = false;
    }
  }

  function codingItem(coding) {
    const named = (verb) => [
      verb,
      h("span", { class: "visually-hidden" }, ` “${coding.code.name}”`),
    ];
    const button = (label, onClick, warning = false) =>
      h(
        "button",
        {
          class: [
            "button",
            "button--small",
            warning ? "button--warning-outline" : "button--secondary",
          ],
          type: "button",
          onClick,
        },
        label,
      );
    const what =
      coding.start === null
        ? "The whole post"
        : coding.excerpt
          ? `Excerpt: “${coding.excerpt}”`
          : coding.excerpt_shown === "post_changed"
            ? "An excerpt (the post has changed since, so it is not shown)"
            : "An excerpt (the post is no longer shown)";
    const actions = [];
    if (coding.status === "suggested") {
      actions.push(
        button(named("Confirm"), () =>
          act(() => api.confirmCoding(cid, coding.id), `“${coding.code.name}” confirmed.`),
        ),
        button(
          named("Reject"),
          () => act(() => api.rejectCoding(cid, coding.id), `“${coding.code.name}” rejected.`),
          true,
        ),
      );
    } else if (coding.by_me || person.role === "admin") {
      actions.push(
        button(
          named("Remove"),
          () => act(() => api.removeCoding(cid, coding.id), `“${coding.code.name}” removed.`),
          true,
        ),
      );
    }
    return h(
      "li",
      {
        class: ["coding-list__item", `coding-list__item--${coding.status}`],
        "data-code": coding.code.name,
      },
      h(
        "p",
        { class: "coding-list__code" },
        h("strong", {}, coding.code.name),
        " ",
        codingStatusTag(coding.status),
        coding.code_state === "live" ? null : " (retired code)",
      ),
      h("p", { class: "coding-list__what" }, what),
      h(
        "p",
        { class: "coding-list__who" },
        coding.status === "suggested"
          ? "From an accepted theme suggestion: confirm or reject it."
          : `Coded by ${analystName(coding.analyst_id, person, { midSentence: true })}.`,
      ),
      actions.length ? h("div", { class: "button-group" }, actions) : null,
    );
  }

  function drawCodings() {
    replaceChildren(
      listSlot,
      current.length
        ? h(
            "ul",
            { class: "coding-list", "aria-labelledby": codingsHeadingId },
            current.map(codingItem),
          )
        : h("p", { class: "quiet" }, "No codes yet."),
    );
  }
  drawCodings();

  const body = h("p", { class: "coding-post__body" }, text);
  const form = text ? applyForm() : null;

  function applyForm() {
    const summary = errorSummary();
    const code = selectField({
      name: "code_id",
      label: "Code",
      options: codeOptions(codes, { value: "", text: "Choose a code" }),
    });
    const scope = radioField({
      name: "scope",
      legend: "What to code",
      legendClass: "fieldset__legend--s",
      inline: true,
      value: "whole",
      options: [
        { value: "whole", label: `The whole ${post.kind}` },
        { value: "excerpt", label: "An excerpt" },
      ],
      onChange: () => showExcerpt(),
    });
    const from = numberField("start", "From character");
    const to = numberField("end", "To character");
    const preview = h("p", { class: "coding-post__preview", "aria-live": "polite" });
    const excerptFields = h(
      "div",
      { class: "coding-post__excerpt" },
      h(
        "p",
        { class: "hint" },
        `Select words in the ${post.kind} above and these fill in, or type the positions: ` +
          `the first character is 1 and the last is ${characters.length}.`,
      ),
      h("div", { class: "coding-post__range" }, from.element, to.element),
      preview,
    );

    function positions() {
      return { first: Number(from.input.value.trim()), last: Number(to.input.value.trim()) };
    }
    function showExcerpt() {
      excerptFields.hidden = scope.value() !== "excerpt";
      const { first, last } = positions();
      preview.textContent =
        Number.isInteger(first) && Number.isInteger(last) && first >= 1 && last >= first
          ? `Excerpt: “${characters.slice(first - 1, last).join("")}”`
          : "";
    }
    from.input.addEventListener("input", showExcerpt);
    to.input.addEventListener("input", showExcerpt);
    showExcerpt();

    listenForSelections();
    selectionHandlers.set(body, (range) => {
      const { start, end } = selectionOffsets(body, range, text);
      if (end <= start) return;
      scope.setValue("excerpt");
      from.setValue(String(start + 1));
      to.setValue(String(end));
      showExcerpt();
    });

    const formHeadingId = uniqueId("apply-heading");
    const element = h(
      "form",
      { class: "coding-post__form", "aria-labelledby": formHeadingId },
      h(
        `h${headingLevel + 1}`,
        { class: "coding-post__subheading", id: formHeadingId },
        "Apply a code",
      ),
      summary.element,
      h("div", { class: "coding-post__controls" }, code.element, scope.element),
      excerptFields,
      submitButton("Apply code", { small: true }),
    );
    handleForm(element, {
      fields: [code, scope, from, to],
      summary,
      validate() {
        const problems = code.input.value
          ? []
          : [{ field: code, text: "Choose the code to apply" }];
        if (scope.value() === "excerpt") {
          const { first, last } = positions();
          if (!Number.isInteger(first) || first < 1 || first > characters.length) {
            problems.push({
              field: from,
              text: `Enter where the excerpt starts, from 1 to ${characters.length}`,
            });
          }
          if (!Number.isInteger(last) || last < 1 || last > characters.length) {
            problems.push({
              field: to,
              text: `Enter where the excerpt ends, from 1 to ${characters.length}`,
            });
          } else if (Number.isInteger(first) && last < first) {
            problems.push({ field: to, text: "The excerpt must end after it starts" });
          }
        }
        return problems;
      },
      describeError(error) {
        // The API names start and end in code points from 0; say it as the fields do.
        if (error.code === "excerpt_out_of_range")
          return { items: [{ field: from, text: error.detail }] };
        return null;
      },
      async submit() {
        const picked = codes.find((c) => c.id === code.input.value);
        const excerptChosen = scope.value() === "excerpt";
        const { first, last } = positions();
        await api.codePost(cid, {
          codeId: picked.id,
          postKind: post.kind,
          postId: post.id,
          start: excerptChosen ? first - 1 : null,
          end: excerptChosen ? last : null,
        });
        from.setValue("");
        to.setValue("");
        scope.setValue("whole");
        showExcerpt();
        await refresh(
          excerptChosen
            ? `“${picked.name}” applied to the excerpt.`
            : `“${picked.name}” applied to the whole ${post.kind}.`,
        );
      },
    });
    return element;
  }

  const link =
    post.kind === "idea"
      ? href(`/conversations/${cid}/ideas/${post.id}`)
      : post.ideaId
        ? href(`/conversations/${cid}/ideas/${post.ideaId}`, { comment: post.id })
        : null;
  return h(
    "article",
    {
      class: ["coding-post", `coding-post--${post.kind}`],
      "aria-labelledby": headingId,
      "data-post": post.id,
    },
    h(headingTag, { class: "coding-post__heading", id: headingId }, postName),
    text
      ? body
      : h(
          "p",
          { class: "inset" },
          "The words of this post are not shown (hidden, removed or withdrawn): it cannot be coded.",
        ),
    link
      ? h(
          "p",
          { class: "coding-post__link" },
          h(
            "a",
            { href: link },
            post.kind === "idea" ? "Open the idea" : "Open the comment in its thread",
          ),
        )
      : null,
    codingsHeading,
    listError,
    listSlot,
    announcer,
    form,
  );
}
