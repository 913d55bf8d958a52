// The audit log (#/conversations/<id>/audit?action=…&since=…&until=…): every facilitator
// decision, who made it, when, why, and what it changed; filtered by action and by day (in
// the conversation's time zone), and downloadable as CSV with the same filters.

import { api } from "../api.js";
import { auditTable } from "../components/audit-table.js";
import {
  actionName,
  consoleConversation,
  consoleNav,
  consoleTrail,
  KNOWN_ACTIONS,
} from "../components/console.js";
import {
  errorSummary,
  handleForm,
  selectField,
  submitButton,
  textField,
} from "../components/form.js";
import { breadcrumbs } from "../components/layout.js";
import { h, saveFile } from "../dom.js";
import { countOf, dayStart, timeZoneLabel } from "../format.js";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function filterForm(conversation, { action, since, until, actions, go }) {
  const summary = errorSummary();
  const actionField = selectField({
    name: "action",
    label: "Action",
    labelClass: "label--small",
    value: action,
    options: [
      { value: "", text: "All actions" },
      ...actions.map((value) => ({ value, text: actionName(value) })),
    ],
  });
  const from = textField({
    name: "since",
    label: "From",
    type: "date",
    value: since,
    labelClass: "label--small",
  });
  const to = textField({
    name: "until",
    label: "To (inclusive)",
    type: "date",
    value: until,
    labelClass: "label--small",
  });
  const form = h(
    "form",
    { class: "filters", "aria-label": "Filter the audit log" },
    summary.element,
    h(
      "div",
      { class: "filters__row" },
      actionField.element,
      from.element,
      to.element,
      submitButton("Apply filters", { secondary: true, small: true }),
    ),
  );
  handleForm(form, {
    fields: [actionField, from, to],
    summary,
    validate() {
      const problems = [];
      for (const field of [from, to]) {
        if (field.input.value && !DAY.test(field.input.value)) {
          problems.push({ field, text: "Enter a date, like 2026-03-02" });
        }
      }
      const [start, end] = [from.input.value, to.input.value];
      if (!problems.length && start && end && end < start) {
        problems.push({ field: to, text: "The end date must be on or after the start date" });
      }
      return problems;
    },
    async submit() {
      const query = {};
      if (actionField.input.value) query.action = actionField.input.value;
      if (from.input.value) query.since = from.input.value;
      if (to.input.value) query.until = to.input.value;
      go(`/conversations/${conversation.id}/audit`, { query });
    },
  });
  return form;
}

export default {
  auth: true,

  async render(ctx) {
    const loaded = await consoleConversation(ctx);
    if (loaded.view) return loaded.view;
    const { conversation } = loaded;
    const zone = conversation.time_zone;
    const action = ctx.query.get("action") || "";
    const since = DAY.test(ctx.query.get("since") || "") ? ctx.query.get("since") : "";
    const until = DAY.test(ctx.query.get("until") || "") ? ctx.query.get("until") : "";
    const filters = {
      action: action || null,
      since: dayStart(since, zone),
      until: dayStart(until, zone, 1),
    };
    const entries = await api.auditLog(conversation.id, filters);
    const actions = [...new Set([...KNOWN_ACTIONS, ...entries.map((e) => e.action), action])]
      .filter(Boolean)
      .sort((a, b) => actionName(a).localeCompare(actionName(b)));

    const downloadStatus = h("p", { class: "download-status", role: "status" });
    const downloadError = h("p", { class: "error-message", role: "alert" });
    const download = h(
      "button",
      {
        class: ["button", "button--secondary", "button--small"],
        type: "button",
        onClick: async () => {
          if (download.getAttribute("aria-disabled") === "true") return;
          download.setAttribute("aria-disabled", "true");
          downloadError.textContent = "";
          try {
            const { blob, name } = await api.auditLogCsv(conversation.id, filters);
            saveFile(blob, name);
            downloadStatus.textContent = `${name} has been downloaded.`;
          } catch (problem) {
            downloadError.textContent = problem.detail;
          } finally {
            download.removeAttribute("aria-disabled");
          }
        },
      },
      "Download CSV",
      h("span", { class: "visually-hidden" }, " of these entries"),
    );

    const filtered = Boolean(action || since || until);
    return {
      title: "Audit log",
      node: h(
        "div",
        {},
        breadcrumbs(consoleTrail(conversation)),
        h("span", { class: "caption" }, conversation.title),
        h("h1", { id: "page-heading", class: "h1--tight", tabindex: "-1" }, "Audit log"),
        consoleNav(conversation, "audit"),
        h(
          "p",
          { class: "reading-width" },
          "Every decision the facilitators make is recorded here, with who made it, when, " +
            "why, and the post before and after. Nothing can be changed or deleted. Dates " +
            `are in ${timeZoneLabel(zone)} time.`,
        ),
        filterForm(conversation, { action, since, until, actions, go: ctx.go }),
        h(
          "div",
          { class: "list-header list-header--plain" },
          h(
            "p",
            { class: "list-summary list-header__heading", role: "status" },
            `${countOf(entries.length, "entry", "entries")}` +
              `${filtered ? " with these filters" : ""}, oldest first.`,
          ),
          download,
        ),
        downloadStatus,
        downloadError,
        entries.length
          ? auditTable(entries, { conversation, caption: "Audit log entries", postColumn: true })
          : h("p", { class: "inset" }, "No entries match these filters."),
      ),
    };
  },
};
