// The summary report (#/conversations/<id>/report, and ?version=N for a published one).
// Facilitators and admins see the live draft, publish it as a version (after a
// confirmation) and open earlier versions; sponsors see the latest published version, or
// a plain "not published yet". Headline figures, a table and charts per section and per
// theme, participation per day, the opinion groups and the breakdowns by staff group or
// site (small groups already suppressed by the API). Printable; downloadable as CSV or JSON.

import { ApiError, api } from "../api.js";
import { confirmPanel } from "../components/confirm.js";
import { consoleNav, scrollingTable } from "../components/console.js";
import { breadcrumbs, conversationTrail, isMissing, notFoundView } from "../components/layout.js";
import { reportApi } from "../components/report-api.js";
import { barChart, columnChart } from "../components/report-charts.js";
import { h, replaceChildren, saveFile } from "../dom.js";
import { countOf, formatDateTime, number } from "../format.js";
import { href } from "../router.js";

const EDITORS = new Set(["facilitator", "admin"]);
const READERS = new Set(["facilitator", "admin", "sponsor"]);

const percent = (value) =>
  value === null || value === undefined ? "—" : `${Math.round(value * 100)}%`;
const decimal = (value) => (value === null || value === undefined ? "—" : value.toFixed(2));
const signed = (value) => (value > 0 ? `+${number(value)}` : number(value));

function agreementText(scope) {
  if (scope.agreement === null) return "No votes";
  return `${percent(scope.agreement)} (95% CI ${percent(scope.agreement_low)}–${percent(scope.agreement_high)})`;
}

/** How divided, in words, beside the number (0 = all agree with each other, 1 = even split). */
export function divisivenessWords(value) {
  if (value === null || value === undefined) return "No votes";
  if (value < 0.2) return `${decimal(value)}: little division`;
  if (value < 0.5) return `${decimal(value)}: some division`;
  if (value < 0.8) return `${decimal(value)}: divided`;
  return `${decimal(value)}: evenly split`;
}

function summaryRow(term, value, name) {
  return h(
    "div",
    { class: "summary-list__row", "data-figure": name },
    h("dt", { class: "summary-list__key" }, term),
    h("dd", { class: "summary-list__value" }, value),
  );
}

function headline(overall) {
  return h(
    "section",
    { class: "report-block", "aria-labelledby": "report-headline" },
    h("h2", { class: "heading-m", id: "report-headline" }, "Headline figures"),
    h(
      "dl",
      { class: ["summary-list", "report-figures"] },
      summaryRow(
        "Posts",
        `${number(overall.posts)} (${countOf(overall.ideas, "idea")}, ${countOf(overall.comments, "comment")}` +
          `${overall.paper_posts ? `; ${number(overall.paper_posts)} from paper forms` : ""})`,
        "posts",
      ),
      summaryRow("People who posted", number(overall.contributors), "contributors"),
      summaryRow("People who voted", number(overall.voters), "voters"),
      summaryRow("Likes", number(overall.likes), "likes"),
      summaryRow("Dislikes", number(overall.dislikes), "dislikes"),
      summaryRow("Net support", signed(overall.net_support), "net_support"),
      summaryRow("Agreement", agreementText(overall), "agreement"),
      summaryRow("Divisiveness", divisivenessWords(overall.divisiveness), "divisiveness"),
    ),
  );
}

function scopeTable(scopes, caption, nameHeader) {
  const headers = [
    nameHeader,
    "Posts",
    "People who posted",
    "Likes",
    "Dislikes",
    "Net support",
    "Agreement (95% CI)",
    "Divisiveness",
  ];
  const table = h(
    "table",
    { class: ["table", "report-table"] },
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
      scopes.map((scope) =>
        h(
          "tr",
          { class: "table__row", "data-scope": scope.name },
          h("th", { scope: "row", class: "table__cell table__cell--name" }, scope.name),
          h("td", { class: "table__cell" }, number(scope.posts)),
          h("td", { class: "table__cell" }, number(scope.contributors)),
          h("td", { class: "table__cell" }, number(scope.likes)),
          h("td", { class: "table__cell" }, number(scope.dislikes)),
          h("td", { class: "table__cell" }, signed(scope.net_support)),
          h("td", { class: "table__cell table__cell--nowrap" }, agreementText(scope)),
          h("td", { class: "table__cell" }, decimal(scope.divisiveness)),
        ),
      ),
    ),
  );
  return scrollingTable(table, caption);
}

function scopeCharts(scopes, what) {
  if (!scopes.length) return null;
  const most = Math.max(1, ...scopes.map((scope) => scope.posts));
  return h(
    "div",
    { class: "report-charts" },
    barChart({
      caption: `Posts per ${what}`,
      describe: `Bar chart of the number of posts in each ${what}; the table above gives the same numbers.`,
      max: most,
      rows: scopes.map((scope) => ({
        name: scope.name,
        value: scope.posts,
        text: number(scope.posts),
      })),
    }),
    barChart({
      caption: `Agreement per ${what}, with its 95% confidence interval`,
      describe: `Bar chart of the share of likes among likes and dislikes in each ${what}, with a line for its 95% confidence interval; the table above gives the same numbers.`,
      max: 1,
      rows: scopes.map((scope) => ({
        name: scope.name,
        value: scope.agreement,
        low: scope.agreement_low,
        high: scope.agreement_high,
        text: scope.agreement === null ? "no votes" : percent(scope.agreement),
      })),
    }),
  );
}

function topIdeas(conversation, scope) {
  if (!scope.top_ideas.length) return h("p", { class: "quiet" }, "No ideas yet.");
  return h(
    "ol",
    { class: "report-ideas" },
    scope.top_ideas.map((idea) =>
      h(
        "li",
        { class: "report-ideas__item" },
        h(
          "a",
          { href: href(`/conversations/${conversation.id}/ideas/${idea.idea_id}`) },
          idea.title,
        ),
        h(
          "span",
          { class: "report-ideas__counts quiet" },
          ` ${signed(idea.net_support)} net (${countOf(idea.likes, "like")}, ${countOf(idea.dislikes, "dislike")}, ${countOf(idea.comments, "comment")})`,
        ),
      ),
    ),
  );
}

function quotes(scope) {
  if (!scope.quotes.length) return null;
  return [
    h("h4", { class: "report-subheading" }, "In their words"),
    scope.quotes.map((quote) =>
      h(
        "blockquote",
        { class: "report-quote" },
        h("p", { class: "preserve-lines" }, quote.text),
        h(
          "footer",
          { class: "report-quote__source quiet" },
          `${quote.kind === "idea" ? "An idea" : "A comment"}: ${countOf(quote.likes, "like")}, ${countOf(quote.dislikes, "dislike")}`,
        ),
      ),
    ),
  ];
}

function scopeDetails(conversation, scopes, heading) {
  return scopes.map((scope) =>
    h(
      "section",
      { class: ["report-block", "report-scope"], "data-scope-detail": scope.name },
      h("h3", {}, `${heading}: ${scope.name}`),
      h("h4", { class: "report-subheading" }, "Top ideas by net support"),
      topIdeas(conversation, scope),
      quotes(scope),
    ),
  );
}

function scopesBlock(conversation, scopes, { id, title, what, nameHeader, empty }) {
  return h(
    "section",
    { class: "report-block", "aria-labelledby": id },
    h("h2", { class: "heading-m", id }, title),
    scopes.length
      ? [
          scopeTable(scopes, title, nameHeader),
          scopeCharts(scopes, what),
          scopeDetails(conversation, scopes, nameHeader),
        ]
      : h("p", { class: "inset" }, empty),
  );
}

function participation(report) {
  const days = report.participation;
  const body = days.length
    ? [
        columnChart({
          caption: "Posts per day",
          describe:
            "Column chart of ideas and comments written each day; the table below gives the same numbers.",
          days: days.map((d) => ({ day: d.day, parts: [d.ideas, d.comments] })),
          series: [
            { name: "ideas", className: "chart__column--ideas" },
            { name: "comments", className: "chart__column--comments" },
          ],
        }),
        columnChart({
          caption: "Votes per day (on the posts written that day)",
          describe:
            "Column chart of likes and dislikes on each day's posts; the table below gives the same numbers.",
          days: days.map((d) => ({ day: d.day, parts: [d.votes] })),
          series: [{ name: "votes", className: "chart__column--votes" }],
        }),
        h(
          "details",
          { class: "report-details" },
          h("summary", {}, "The same as a table"),
          scrollingTable(
            h(
              "table",
              { class: "table" },
              h("caption", { class: "table__caption" }, "Participation per day"),
              h(
                "thead",
                {},
                h(
                  "tr",
                  {},
                  ["Day", "Ideas", "Comments", "Votes"].map((t) =>
                    h("th", { scope: "col", class: "table__header" }, t),
                  ),
                ),
              ),
              h(
                "tbody",
                {},
                days.map((d) =>
                  h(
                    "tr",
                    { class: "table__row" },
                    h("th", { scope: "row", class: "table__cell" }, d.day),
                    h("td", { class: "table__cell" }, number(d.ideas)),
                    h("td", { class: "table__cell" }, number(d.comments)),
                    h("td", { class: "table__cell" }, number(d.votes)),
                  ),
                ),
              ),
            ),
            "Participation per day",
          ),
        ),
      ]
    : h("p", { class: "inset" }, "Nobody has posted yet.");
  return h(
    "section",
    { class: "report-block", "aria-labelledby": "report-participation" },
    h("h2", { class: "heading-m", id: "report-participation" }, "Participation over time"),
    h(
      "p",
      { class: "quiet" },
      `Days in the conversation's time zone (${report.time_zone}). Candour keeps no time for votes, ` +
        "so a vote is counted on the day of the post it was cast on.",
    ),
    body,
  );
}

function opinionGroups(conversation, report) {
  const groups = report.opinion_groups;
  const content =
    groups.status !== "grouped"
      ? h("p", { class: "inset" }, "Too few votes yet to find groups of people who vote alike.")
      : [
          h(
            "p",
            {},
            `${countOf(groups.grouped_participants, "participant")} of ${number(groups.participants)} who voted fall into ` +
              `${countOf(groups.groups.length, "group")} of people who vote alike (from ${countOf(groups.votes, "vote")} on ${countOf(groups.ideas_analysed, "idea")}).`,
          ),
          barChart({
            caption: "Opinion groups by size",
            describe:
              "Bar chart of the number of participants in each opinion group; the list below names the ideas that set each group apart.",
            max: Math.max(1, ...groups.groups.map((g) => g.size)),
            rows: groups.groups.map((g) => ({
              name: `Group ${g.label}`,
              value: g.size,
              text: countOf(g.size, "person", "people"),
            })),
          }),
          groups.groups.map((group) =>
            h(
              "div",
              { class: "report-group" },
              h("h3", {}, `Group ${group.label}: ${countOf(group.size, "person", "people")}`),
              h(
                "ul",
                {},
                group.representative_ideas.map((idea) =>
                  h(
                    "li",
                    {},
                    h(
                      "a",
                      { href: href(`/conversations/${conversation.id}/ideas/${idea.idea_id}`) },
                      idea.title,
                    ),
                    ` — ${idea.stance === "agree" ? "agree" : "disagree"} ${percent(idea.rate)}` +
                      (idea.significant ? "" : " (not a significant difference)"),
                  ),
                ),
              ),
            ),
          ),
          groups.consensus_ideas.length
            ? [
                h("h3", {}, "Broad agreement across groups"),
                h(
                  "ul",
                  {},
                  groups.consensus_ideas.map((idea) =>
                    h(
                      "li",
                      {},
                      h(
                        "a",
                        { href: href(`/conversations/${conversation.id}/ideas/${idea.idea_id}`) },
                        idea.title,
                      ),
                    ),
                  ),
                ),
              ]
            : null,
          groups.divisive_ideas.length
            ? [
                h("h3", {}, "What divides the groups most"),
                h(
                  "ul",
                  {},
                  groups.divisive_ideas.map((idea) =>
                    h(
                      "li",
                      {},
                      h(
                        "a",
                        { href: href(`/conversations/${conversation.id}/ideas/${idea.idea_id}`) },
                        idea.title,
                      ),
                    ),
                  ),
                ),
              ]
            : null,
        ];
  return h(
    "section",
    { class: "report-block", "aria-labelledby": "report-groups" },
    h("h2", { class: "heading-m", id: "report-groups" }, "Opinion groups"),
    content,
  );
}

function breakdownTable(breakdown, minimum) {
  const name = breakdown.attribute.replaceAll("_", " ");
  const label = `By ${name}`;
  if (breakdown.withheld) {
    return [
      h("h3", {}, label),
      h(
        "p",
        { class: "inset" },
        `Not shown: fewer than ${minimum} people have posted, too few to break down without pointing at someone.`,
      ),
    ];
  }
  const rows = breakdown.groups.map((group) =>
    h(
      "tr",
      { class: "table__row" },
      h("th", { scope: "row", class: "table__cell" }, group.value),
      h("td", { class: "table__cell" }, number(group.contributors)),
      h("td", { class: "table__cell" }, number(group.posts)),
    ),
  );
  if (breakdown.suppressed_groups) {
    rows.push(
      h(
        "tr",
        { class: ["table__row", "report-table__suppressed"] },
        h(
          "th",
          { scope: "row", class: "table__cell" },
          `${breakdown.suppressed_groups} smaller groups, together`,
        ),
        h("td", { class: "table__cell" }, number(breakdown.suppressed_contributors)),
        h("td", { class: "table__cell" }, number(breakdown.suppressed_posts)),
      ),
    );
  }
  const table = h(
    "table",
    { class: "table" },
    h("caption", { class: "table__caption" }, label),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        [name, "People who posted", "Posts"].map((t) =>
          h("th", { scope: "col", class: "table__header" }, t),
        ),
      ),
    ),
    h("tbody", {}, rows),
  );
  return [h("h3", {}, label), scrollingTable(table, label)];
}

function breakdowns(report) {
  return h(
    "section",
    { class: "report-block", "aria-labelledby": "report-breakdowns" },
    h("h2", { class: "heading-m", id: "report-breakdowns" }, "Who took part, by group"),
    h(
      "p",
      { class: "quiet" },
      `Groups of fewer than ${report.min_group_size} people are never shown. When one group would be alone ` +
        "below that, the next smallest is folded in with it, so no group can be worked out by subtraction. " +
        "Posts typed in from paper forms have no author and are not counted here.",
    ),
    report.breakdowns.length
      ? report.breakdowns.map((b) => breakdownTable(b, report.min_group_size))
      : h("p", { class: "inset" }, "No staff groups or sites were imported with the participants."),
  );
}

function method() {
  return h(
    "section",
    { class: "report-block", "aria-labelledby": "report-method" },
    h("h2", { class: "heading-m", id: "report-method" }, "How these figures are made"),
    h(
      "ul",
      {},
      h(
        "li",
        {},
        "Only posts shown to everyone count: hidden, removed, withdrawn and waiting posts do not.",
      ),
      h(
        "li",
        {},
        "Agreement is likes ÷ (likes + dislikes) on the ideas and comments, with a 95% Wilson score interval.",
      ),
      h(
        "li",
        {},
        "Divisiveness runs from 0 (every post's voters agree with each other) to 1 (every post splits evenly): " +
          "each post's 1 − |likes − dislikes| ÷ (likes + dislikes), weighted by its votes.",
      ),
      h(
        "li",
        {},
        "Top ideas are ranked by net support (likes minus dislikes); quotes are the posts whose agreement is surest.",
      ),
      h(
        "li",
        {},
        "A theme counts the posts coded with it, or with a theme below it, and confirmed by an analyst.",
      ),
    ),
  );
}

function downloads(conversation, report, summary) {
  const version = report.version ?? null;
  const download = (format) => async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    try {
      const file = await reportApi.download(conversation.id, format, version);
      saveFile(file.blob, file.name);
      replaceChildren(summary);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      replaceChildren(summary, h("p", { class: "error-message", role: "alert" }, error.detail));
    } finally {
      button.disabled = false;
    }
  };
  const button = (text, onClick) =>
    h(
      "button",
      { class: ["button", "button--secondary", "button--small"], type: "button", onClick },
      text,
    );
  return [
    button("Download CSV", download("csv")),
    button("Download JSON", download("json")),
    button("Print", () => window.print()),
  ];
}

function publishControls(conversation, ctx) {
  const area = h("div", { class: "report-publish" });
  const start = h(
    "button",
    { class: ["button", "button--small"], type: "button" },
    "Publish this report",
  );
  const reset = () => {
    replaceChildren(area, start);
    start.focus();
  };
  start.addEventListener("click", () => {
    const panel = confirmPanel({
      heading: "Publish the report?",
      text:
        "Sponsors will see these figures as they stand now, as a new version. Later posts and " +
        "votes will not change it; you can publish again later.",
      confirmText: "Publish",
      async confirm() {
        const published = await reportApi.publish(conversation.id);
        ctx.flash(`Version ${published.version} of the report is published.`, "success");
        ctx.go(`/conversations/${conversation.id}/report`, {
          query: { version: published.version },
        });
      },
      cancel: reset,
    });
    replaceChildren(area, panel.element);
    panel.focus();
  });
  area.append(start);
  return area;
}

function versionList(conversation, versions, current, editor) {
  const item = (text, query, isCurrent) =>
    h(
      "li",
      { class: "report-versions__item" },
      h(
        "a",
        {
          href: href(`/conversations/${conversation.id}/report`, query),
          "aria-current": isCurrent ? "page" : null,
        },
        text,
      ),
    );
  return h(
    "nav",
    { class: "report-versions", "aria-label": "Versions of the report" },
    h("h2", {}, "Versions"),
    versions.length || editor
      ? h(
          "ul",
          { class: "report-versions__list" },
          editor ? item("Live draft", null, current === null) : null,
          versions.map((v) =>
            item(
              `Version ${v.version}, published ${formatDateTime(v.published_at, conversation.time_zone)}` +
                (v.published_by ? ` by ${v.published_by}` : ""),
              { version: v.version },
              current === v.version,
            ),
          ),
        )
      : null,
    !versions.length ? h("p", { class: "quiet" }, "No version has been published yet.") : null,
  );
}

function statusLine(conversation, report) {
  if (report.status === "draft") {
    return h(
      "p",
      { class: ["inset", "report-status"], "data-status": "draft" },
      h("strong", {}, "Live draft. "),
      `Figures as they stood at ${formatDateTime(report.computed_at, conversation.time_zone)}; sponsors do not see this until it is published.`,
    );
  }
  return h(
    "p",
    { class: ["inset", "report-status"], "data-status": "published" },
    h("strong", {}, `Version ${report.version}. `),
    `Published ${formatDateTime(report.published_at, conversation.time_zone)}; figures as they stood then.`,
  );
}

function pageHead(conversation, ctx) {
  return [
    breadcrumbs(conversationTrail(conversation)),
    h("span", { class: "caption" }, conversation.title),
    h("h1", { id: "page-heading", tabindex: "-1" }, "Summary report"),
    ctx.person.role === "facilitator" ? consoleNav(conversation, "report") : null,
  ];
}

function notYetPublished(conversation, ctx) {
  return {
    title: "Summary report not published yet",
    node: h(
      "div",
      { class: "report" },
      pageHead(conversation, ctx),
      h(
        "div",
        { class: ["inset", "report-status"], "data-status": "unpublished" },
        h("p", {}, h("strong", {}, "Not published yet. ")),
        h(
          "p",
          {},
          "The facilitators have not published this conversation's summary report. It will appear here once they do.",
        ),
      ),
    ),
  };
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
    if (!READERS.has(ctx.person.role)) {
      return {
        title: "Summary report",
        node: h(
          "div",
          {},
          breadcrumbs(conversationTrail(conversation)),
          h("h1", { id: "page-heading", tabindex: "-1" }, "Summary report"),
          h("p", {}, "The summary report is for the facilitators and the conversation's sponsors."),
        ),
      };
    }
    const editor = EDITORS.has(ctx.person.role);
    const asked = Number.parseInt(ctx.query.get("version") || "", 10);
    const version = Number.isInteger(asked) && asked > 0 ? asked : null;
    let report;
    try {
      if (version) report = await reportApi.version(conversation.id, version);
      else
        report = editor
          ? await reportApi.draft(conversation.id)
          : await reportApi.published(conversation.id);
    } catch (error) {
      if (error instanceof ApiError && error.code === "report_not_published")
        return notYetPublished(conversation, ctx);
      if (error instanceof ApiError && error.code === "report_version_not_found") {
        return notFoundView(`Version ${version} of the report`, conversationTrail(conversation));
      }
      throw error;
    }
    const versions = await reportApi.versions(conversation.id);
    const downloadProblems = h("div", { class: "report-download-problems" });
    return {
      title: report.version
        ? `Summary report, version ${report.version}`
        : "Summary report (draft)",
      node: h(
        "div",
        { class: "report" },
        pageHead(conversation, ctx),
        statusLine(conversation, report),
        h(
          "div",
          { class: ["report-actions", "button-group"] },
          downloads(conversation, report, downloadProblems),
        ),
        downloadProblems,
        editor && report.status === "draft" ? publishControls(conversation, ctx) : null,
        versionList(conversation, versions, report.version ?? null, editor),
        headline(report.overall),
        scopesBlock(conversation, report.sections, {
          id: "report-sections",
          title: "By section",
          what: "section",
          nameHeader: "Section",
          empty: "This conversation has no sections.",
        }),
        scopesBlock(conversation, report.themes, {
          id: "report-themes",
          title: "By theme",
          what: "theme",
          nameHeader: "Theme",
          empty: "No themes yet: the facilitators have not coded posts with the coding frame.",
        }),
        participation(report),
        opinionGroups(conversation, report),
        breakdowns(report),
        method(),
      ),
    };
  },
};
