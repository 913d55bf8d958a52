// Participation in one conversation as it happens (#/admin/conversations/<id>/participation
// for admins, #/conversations/<id>/participation in the facilitators' console; both show
// the same page, with the navigation of whoever reads it). Counts only, never who: the
// totals, a chart and a table per day, a table per section and, folded away, per section
// per day. The figures are fetched again when the live feed says a section changed, and
// every minute for visits (which the feed does not hear about), keeping the reader's place:
// focus, open sections and scroll positions survive each redraw.

import { api } from "../api.js";
import { adminHeader } from "../components/admin.js";
import { consoleNav, consoleTrail, scrollingTable } from "../components/console.js";
import { breadcrumbs, conversationTrail, isMissing, notFoundView } from "../components/layout.js";
import { columnChart } from "../components/report-charts.js";
import { h, replaceChildren } from "../dom.js";
import { number } from "../format.js";
import { every, sparingly, watchSections } from "../live.js";

// Visits are sign-ins, which the live feed does not report: look again this often.
const VISITS_POLL_MS = 60_000;
// "Updated" is said at most this often, however busy the conversation.
const ANNOUNCE_GAP_MS = 30_000;

const DAY = new Intl.DateTimeFormat("en-GB", {
  timeZone: "UTC",
  weekday: "short",
  day: "numeric",
  month: "short",
});

/** "2026-12-01" (a calendar day) → "Tue 1 Dec". */
function dayName(day) {
  const date = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? String(day) : DAY.format(date);
}

function countedAt(iso, timeZone) {
  try {
    return new Intl.DateTimeFormat("en-GB", {
      timeZone,
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    }).format(new Date(iso));
  } catch {
    return new Date(iso).toLocaleTimeString("en-GB");
  }
}

function forEditorsOnly(conversation) {
  return {
    title: "For facilitators and administrators",
    node: h(
      "div",
      {},
      breadcrumbs(conversationTrail(conversation)),
      h("h1", { id: "page-heading", tabindex: "-1" }, "For facilitators and administrators"),
      h(
        "p",
        {},
        "Participation figures are for the people who run the conversation. Sign in with a " +
          "facilitator's or an administrator's account to see them.",
      ),
    ),
  };
}

function totalsList(totals) {
  const row = (key, term, value) =>
    h(
      "div",
      { class: "summary-list__row", "data-total": key },
      h("dt", { class: "summary-list__key" }, term),
      h(
        "dd",
        { class: "summary-list__value" },
        h("strong", { class: "admin-total" }, number(value)),
      ),
    );
  return h(
    "dl",
    { class: ["summary-list", "participation-totals"] },
    row("members", "People who may take part", totals.members),
    row("visits", "Visits (sign-ins)", totals.visits),
    row("posters", "People who posted", totals.posters),
    row("posts", "Posts (ideas and comments)", totals.posts),
    row("votes", "Votes held now", totals.votes),
  );
}

function table(caption, headers, rows) {
  return scrollingTable(
    h(
      "table",
      { class: "table" },
      h("caption", { class: "table__caption" }, caption),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          headers.map((text) => h("th", { scope: "col", class: "table__header" }, text)),
        ),
      ),
      h(
        "tbody",
        {},
        rows.map(({ key, name, values }) =>
          h(
            "tr",
            { class: "table__row", "data-row": key },
            h("th", { scope: "row", class: "table__cell table__cell--name" }, name),
            values.map((value) => h("td", { class: "table__cell" }, number(value))),
          ),
        ),
      ),
    ),
    caption,
  );
}

const SERIES = [
  { name: "posts", className: "chart__column--posts", of: (d) => d.posts },
  { name: "votes", className: "chart__column--daily-votes", of: (d) => d.votes },
  { name: "visits", className: "chart__column--visits", of: (d) => d.visits },
];

function perDay(days) {
  if (!days.length) {
    return h(
      "p",
      { class: "inset" },
      "The conversation has not opened yet: there are no days to show.",
    );
  }
  const chart = columnChart({
    caption: "Posts, votes and visits per day",
    describe:
      "Column chart of posts, votes and visits on each day of the conversation; the table " +
      "below gives the same numbers.",
    days: days.map((d) => ({ day: dayName(d.day), parts: SERIES.map((one) => one.of(d)) })),
    series: SERIES,
    grouped: true,
  });
  return [
    h("div", { class: "report-charts" }, chart),
    table(
      "Participation per day",
      ["Day", "Visits", "People who posted", "Posts", "Votes"],
      days.map((d) => ({
        key: d.day,
        name: dayName(d.day),
        values: [d.visits, d.posters, d.posts, d.votes],
      })),
    ),
  ];
}

function perSection(sections) {
  if (!sections.length) return h("p", { class: "inset" }, "This conversation has no sections yet.");
  return [
    table(
      "Participation per section",
      ["Section", "People who posted", "Posts", "Votes held"],
      sections.map((s) => ({
        key: s.section_id,
        name: s.title,
        values: [s.posters, s.posts, s.votes],
      })),
    ),
    h("h3", { class: "heading-s participation-subheading" }, "Each section, day by day"),
    sections.map((s) =>
      h(
        "details",
        { class: ["details", "participation-section"], "data-section": s.section_id },
        h(
          "summary",
          { class: "details__summary", "data-focus-key": `summary:${s.section_id}` },
          h("span", { class: "details__summary-text" }, s.title),
        ),
        h(
          "div",
          { class: "details__text" },
          s.days.length
            ? table(
                `${s.title}: per day`,
                ["Day", "People who posted", "Posts", "Votes"],
                s.days.map((d) => ({
                  key: d.day,
                  name: dayName(d.day),
                  values: [d.posters, d.posts, d.votes],
                })),
              )
            : h("p", {}, "No days to show yet."),
        ),
      ),
    ),
  ];
}

/** The figures (everything that changes), drawn from one answer of the API. */
function figures(data) {
  return h(
    "div",
    { class: "participation" },
    h(
      "section",
      { class: "report-block", "aria-labelledby": "participation-totals" },
      h("h2", { class: "heading-m", id: "participation-totals" }, "Totals"),
      totalsList(data.totals),
    ),
    h(
      "section",
      { class: "report-block", "aria-labelledby": "participation-days" },
      h("h2", { class: "heading-m", id: "participation-days" }, "Per day"),
      perDay(data.days),
    ),
    h(
      "section",
      { class: "report-block", "aria-labelledby": "participation-sections" },
      h("h2", { class: "heading-m", id: "participation-sections" }, "Per section"),
      perSection(data.sections),
    ),
  );
}

/** What identifies a focusable part of the figures across a redraw. */
function focusKey(element) {
  return element?.dataset?.focusKey || element?.getAttribute?.("aria-label") || null;
}

function findByKey(root, key) {
  for (const element of root.querySelectorAll("[data-focus-key], [aria-label]")) {
    if (focusKey(element) === key) return element;
  }
  return null;
}

/**
 * Put `next` in place of `current` without losing the reader's place: the same sections
 * stay open, the same part keeps focus, sideways-scrolled tables keep their position.
 */
function swapKeepingPlace(current, next) {
  const open = new Set(
    [...current.querySelectorAll("details[open]")].map((d) => d.dataset.section),
  );
  for (const details of next.querySelectorAll("details[data-section]")) {
    if (open.has(details.dataset.section)) details.open = true;
  }
  const scrolled = new Map();
  for (const region of current.querySelectorAll("[role=region]")) {
    if (region.scrollLeft) scrolled.set(focusKey(region), region.scrollLeft);
  }
  const active = current.contains(document.activeElement) ? focusKey(document.activeElement) : null;
  current.replaceWith(next);
  for (const region of next.querySelectorAll("[role=region]")) {
    const left = scrolled.get(focusKey(region));
    if (left) region.scrollLeft = left;
  }
  if (active) findByKey(next, active)?.focus({ preventScroll: true });
}

export default {
  auth: true,

  async render(ctx) {
    let conversation;
    try {
      conversation = await api.getConversation(ctx.params.id);
    } catch (error) {
      if (isMissing(error)) return notFoundView("Conversation");
      throw error;
    }
    const role = ctx.person.role;
    if (role !== "admin" && role !== "facilitator") return forEditorsOnly(conversation);
    const cid = conversation.id;
    let data = await api.participation(cid);

    const when = h("span", {}, countedAt(data.counted_at, data.time_zone));
    const status = h("p", { class: "visually-hidden", role: "status" });
    const say = sparingly(status, ANNOUNCE_GAP_MS);
    const problem = h("p", { class: "error-message", role: "alert" });
    let shown = figures(data);

    const comparable = (answer) =>
      JSON.stringify({ totals: answer.totals, days: answer.days, sections: answer.sections });

    async function refresh() {
      let next;
      try {
        next = await api.participation(cid);
      } catch (error) {
        // Shown once; the figures already on the page stay.
        problem.textContent = `The figures could not be updated: ${error.detail}`;
        return;
      }
      problem.textContent = "";
      when.textContent = countedAt(next.counted_at, next.time_zone);
      if (comparable(next) === comparable(data)) return;
      data = next;
      const redrawn = figures(data);
      swapKeepingPlace(shown, redrawn);
      shown = redrawn;
      say("Updated.");
    }

    ctx.onLeave?.(watchSections(cid, null, refresh));
    ctx.onLeave?.(every(VISITS_POLL_MS, refresh));

    const header =
      role === "admin"
        ? adminHeader(conversation, "Participation", "participation")
        : [
            breadcrumbs(consoleTrail(conversation)),
            h("span", { class: "caption" }, conversation.title),
            h(
              "h1",
              { id: "page-heading", class: ["h1--tight", "break-words"], tabindex: "-1" },
              "Participation",
            ),
            consoleNav(conversation, "participation"),
          ];

    const page = h(
      "div",
      {},
      header,
      h(
        "p",
        { class: "reading-width" },
        "How many take part, as counts: nobody is named. Posts and votes update here as they " +
          "happen; visits are counted again every minute. Days are in the conversation's " +
          `time zone (${data.time_zone}).`,
      ),
      h("p", { class: "quiet" }, "Counted at ", when, "."),
      status,
      problem,
      shown,
    );
    return { title: `Participation: ${conversation.title}`, node: page };
  },
};
