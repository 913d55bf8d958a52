// Safeguarding cases (facilitators): the list for one conversation
// (#/conversations/<id>/safeguarding?state=open|closed) and one case (#/safeguarding/<case>):
// the post, whether its author can still be reached, the case's history, and the forms to
// add a note, send the author a support message and close the case.

import { api } from "../api.js";
import {
  consoleConversation,
  consoleNav,
  consoleTrail,
  facilitatorsOnly,
  moderationState,
  scrollingTable,
  targetName,
} from "../components/console.js";
import { moderationPath } from "../components/contribution.js";
import { checkLength, errorSummary, handleForm, submitButton, textField } from "../components/form.js";
import { breadcrumbs, conversationTrail, isMissing, notFoundView } from "../components/layout.js";
import { checkReason, reasonField } from "../components/moderation-actions.js";
import { h, paragraphs } from "../dom.js";
import { shortDateTime } from "../format.js";
import { href } from "../router.js";

const STATES = [
  { key: "open", text: "Open cases" },
  { key: "closed", text: "Closed cases" },
];

const ENTRY_NAMES = {
  opened: "Opened",
  note: "Note",
  support_message: "Support message sent",
  closed: "Closed",
  author_erased: "Author erased their account",
};

function entryName(kind) {
  return ENTRY_NAMES[kind] ?? kind.replaceAll("_", " ");
}

function casePath(caseId) {
  return `/safeguarding/${caseId}`;
}

function listPath(conversationId) {
  return `/conversations/${conversationId}/safeguarding`;
}

export const caseList = {
  auth: true,

  async render(ctx) {
    const loaded = await consoleConversation(ctx);
    if (loaded.view) return loaded.view;
    const { conversation } = loaded;
    const state = ctx.query.get("state") === "closed" ? "closed" : "open";
    const cases = await api.safeguardingCases(conversation.id, state);
    const stateNav = h(
      "nav",
      { class: "tab-links", "aria-label": "Which cases" },
      h(
        "ul",
        { class: "inline-list" },
        STATES.map((s) =>
          h(
            "li",
            {},
            h(
              "a",
              {
                href: href(listPath(conversation.id), s.key === "open" ? null : { state: s.key }),
                "aria-current": s.key === state ? "page" : null,
              },
              s.text,
            ),
          ),
        ),
      ),
    );
    const heading = "Safeguarding cases";
    const rows = cases.map((c) =>
      h(
        "tr",
        { "data-case-id": c.id },
        h(
          "td",
          { class: "table__cell" },
          h("a", { href: href(casePath(c.id)) }, targetName(c.target, 60)),
        ),
        h("td", { class: "table__cell" }, shortDateTime(c.opened_at, conversation.time_zone)),
        h(
          "td",
          { class: "table__cell" },
          c.closed_at ? shortDateTime(c.closed_at, conversation.time_zone) : "Open",
        ),
        h("td", { class: "table__cell" }, c.author_reachable ? "Yes" : "No"),
      ),
    );
    const th = (text) => h("th", { class: "table__header", scope: "col" }, text);
    return {
      title: state === "closed" ? `Closed ${heading.toLowerCase()}` : heading,
      node: h(
        "div",
        {},
        breadcrumbs(consoleTrail(conversation)),
        h("span", { class: "caption" }, conversation.title),
        h("h1", { id: "page-heading", class: "h1--tight", tabindex: "-1" }, heading),
        consoleNav(conversation, "safeguarding"),
        h(
          "p",
          { class: "reading-width" },
          "Cases opened about posts that suggest someone may be at risk. Open one from a " +
            "post's page in the console.",
        ),
        stateNav,
        cases.length
          ? scrollingTable(
              h(
                "table",
                { class: "table" },
                h("caption", { class: "table__caption" }, STATES.find((s) => s.key === state).text),
                h(
                  "thead",
                  {},
                  h("tr", {}, th("Post"), th("Opened"), th("Closed"), th("Author reachable")),
                ),
                h("tbody", {}, rows),
              ),
              STATES.find((s) => s.key === state).text,
            )
          : h("p", { class: "quiet" }, state === "open" ? "No open cases." : "No closed cases."),
      ),
    };
  },
};

function historyList(entries, timeZone) {
  return h(
    "ol",
    { class: "case-history" },
    entries.map((entry) =>
      h(
        "li",
        { class: "case-history__entry", "data-kind": entry.kind },
        h(
          "p",
          { class: "case-history__meta" },
          h("strong", {}, entryName(entry.kind)),
          ` – ${entry.actor}, `,
          h("time", { datetime: entry.at }, shortDateTime(entry.at, timeZone)),
        ),
        entry.body ? h("div", { class: "case-history__body" }, paragraphs(entry.body)) : null,
      ),
    ),
  );
}

function textForm({ id, heading, intro, label, hint, name, limit, button, check, send }) {
  const summary = errorSummary();
  const field =
    name === "reason"
      ? reasonField(label, hint)
      : textField({ name, label, hint, multiline: true, rows: 4, maxLength: limit, width: "full" });
  const form = h(
    "form",
    { class: "form form--flush", "aria-labelledby": id },
    h("h3", { class: "heading-s", id }, heading),
    intro ? h("p", {}, intro) : null,
    summary.element,
    field.element,
    submitButton(button, { small: true }),
  );
  handleForm(form, {
    fields: [field],
    summary,
    validate: () => check(field),
    describeError: (error) =>
      error.code === "author_unreachable"
        ? {
            items: [
              {
                field,
                text:
                  "The author can no longer be reached: they have erased their account. " +
                  "The message was not sent.",
              },
            ],
          }
        : null,
    submit: () => send(field.input.value.trim()),
  });
  return form;
}

export const casePage = {
  auth: true,

  async render(ctx) {
    const trail = [{ text: "Your conversations", path: "/" }];
    if (ctx.person.role !== "facilitator") return facilitatorsOnly(trail);
    let found;
    try {
      found = await api.safeguardingCase(ctx.params.caseId);
    } catch (error) {
      if (isMissing(error)) return notFoundView("Safeguarding case", trail);
      throw error;
    }
    const loaded = await consoleConversation({ ...ctx, params: { id: found.conversation_id } });
    if (loaded.view) return loaded.view;
    const { conversation } = loaded;
    const tz = conversation.time_zone;
    const target = found.target;
    const open = found.state === "open";
    const path = casePath(found.id);
    const done = (text) => {
      ctx.flash(text, "success");
      ctx.go(path, { replace: true });
    };
    const row = (term, value) =>
      h(
        "div",
        { class: "summary-list__row" },
        h("dt", { class: "summary-list__key" }, term),
        h("dd", { class: "summary-list__value" }, value),
      );
    const bodyCheck = (what) => (field) =>
      checkLength(field, {
        max: 10_000,
        empty: `Write the ${what}`,
        long: `The ${what} must be 10,000 characters or fewer`,
      });

    const forms = [];
    if (open) {
      forms.push(
        textForm({
          id: "note-heading",
          heading: "Add a note",
          label: "Note",
          hint: "Only facilitators read the case.",
          name: "body",
          limit: 10_000,
          button: "Add note",
          check: bodyCheck("note"),
          async send(body) {
            await api.addCaseNote(found.id, body);
            done("Your note is added to the case.");
          },
        }),
      );
      forms.push(
        found.author_reachable
          ? textForm({
              id: "support-heading",
              heading: "Send a support message",
              intro:
                "It goes to the author's inbox and by email, through the relay: you do not " +
                "learn who they are. The conversation's support services page is added below " +
                "your words.",
              label: "Message",
              name: "body",
              limit: 10_000,
              button: "Send support message",
              check: bodyCheck("message"),
              async send(body) {
                await api.sendSupportMessage(found.id, body);
                done("The support message has been sent to the author.");
              },
            })
          : [
              h("h3", { class: "heading-s" }, "Send a support message"),
              h(
                "p",
                {},
                "The author has erased their account, so they can no longer be reached.",
              ),
            ],
      );
      forms.push(
        textForm({
          id: "close-heading",
          heading: "Close the case",
          label: "Reason for closing it",
          hint: "For the case and the audit log.",
          name: "reason",
          button: "Close case",
          check: checkReason,
          async send(reason) {
            await api.closeCase(found.id, reason);
            done("The case is closed.");
          },
        }),
      );
    }

    const heading = "Safeguarding case";
    return {
      title: heading,
      node: h(
        "div",
        {},
        breadcrumbs([
          ...conversationTrail(conversation),
          { text: "Safeguarding cases", path: listPath(conversation.id) },
        ]),
        h("span", { class: "caption" }, conversation.title),
        h("h1", { id: "page-heading", class: "h1--tight", tabindex: "-1" }, heading),
        consoleNav(conversation),
        h(
          "div",
          { class: "reading-width" },
          h(
            "dl",
            { class: "summary-list" },
            row("State", open ? "Open" : "Closed"),
            row("Opened", shortDateTime(found.opened_at, tz)),
            found.closed_at ? row("Closed", shortDateTime(found.closed_at, tz)) : null,
            row(
              "Author reachable",
              found.author_reachable
                ? "Yes: a support message reaches them through the relay"
                : "No: they have erased their account",
            ),
          ),
          h("h2", { class: "heading-m" }, `The ${target.kind}`),
          h(
            "div",
            { class: "post-panel" },
            target.title ? h("p", { class: "post-panel__title" }, target.title) : null,
            h("div", { class: "post-panel__body" }, paragraphs(target.body)),
          ),
          h(
            "p",
            {},
            `${moderationState(target)}. `,
            h(
              "a",
              { href: href(moderationPath(conversation.id, target.kind, target.id)) },
              `Moderate this ${target.kind}`,
            ),
          ),
          h("h2", { class: "heading-m" }, "History"),
          historyList(found.history, tz),
          forms.length
            ? [
                h("h2", { class: "heading-m" }, "Actions"),
                forms.map((form) => h("div", { class: "action-panel" }, form)),
              ]
            : null,
        ),
      ),
    };
  },
};
