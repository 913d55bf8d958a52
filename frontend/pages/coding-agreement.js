// Coder agreement (#/conversations/<id>/coding/agreement?a=…&b=…): Cohen's kappa between two
// analysts over the posts both coded, per code and overall, with the counts behind each and
// a plain reading of the number (Landis and Koch's bands). Without a pair chosen, the API
// takes the two analysts who coded most posts in common.

import { ApiError, api } from "../api.js";
import { analystName, codingConversation, codingHead } from "../components/coding-common.js";
import { scrollingTable } from "../components/console.js";
import { errorSummary, handleForm, selectField, submitButton } from "../components/form.js";
import { h } from "../dom.js";
import { countOf } from "../format.js";

/** Landis and Koch (1977): how strong an agreement a kappa describes. */
export function kappaReading(kappa) {
  if (kappa === null || kappa === undefined) return "Not defined";
  if (kappa < 0) return "Poor: less than chance";
  if (kappa <= 0.2) return "Slight";
  if (kappa <= 0.4) return "Fair";
  if (kappa <= 0.6) return "Moderate";
  if (kappa <= 0.8) return "Substantial";
  return "Almost perfect";
}

const decimal = (value) => (value === null || value === undefined ? "—" : value.toFixed(2));
const percent = (value) =>
  value === null || value === undefined ? "—" : `${Math.round(value * 100)}%`;

function pairForm({ conversation, analysts, person, a, b, go }) {
  const summary = errorSummary();
  const options = [
    { value: "", text: "Choose an analyst" },
    ...analysts.map((id) => ({ value: id, text: analystName(id, person) })),
  ];
  const first = selectField({ name: "analyst_a", label: "First analyst", options, value: a });
  const second = selectField({ name: "analyst_b", label: "Second analyst", options, value: b });
  const form = h(
    "form",
    { class: "filters", "aria-label": "Analysts to compare" },
    summary.element,
    h(
      "div",
      { class: "filters__row" },
      first.element,
      second.element,
      submitButton("Compare", { secondary: true, small: true }),
    ),
  );
  handleForm(form, {
    fields: [first, second],
    summary,
    validate() {
      const problems = [];
      if (!first.input.value) problems.push({ field: first, text: "Choose the first analyst" });
      if (!second.input.value) problems.push({ field: second, text: "Choose the second analyst" });
      else if (second.input.value === first.input.value) {
        problems.push({ field: second, text: "Choose two different analysts" });
      }
      return problems;
    },
    async submit() {
      go(`/conversations/${conversation.id}/coding/agreement`, {
        query: { a: first.input.value, b: second.input.value },
      });
    },
  });
  return form;
}

function overallView(result, person) {
  const row = (term, value) =>
    h(
      "div",
      { class: "summary-list__row" },
      h("dt", { class: "summary-list__key" }, term),
      h("dd", { class: "summary-list__value" }, value),
    );
  const { overall } = result;
  return h(
    "dl",
    { class: "summary-list coding-agreement__overall" },
    row(
      "Analysts",
      `${analystName(result.analyst_a, person)} and ${analystName(result.analyst_b, person)}` +
        (result.chosen === "most_in_common" ? " (the pair who coded most posts in common)" : ""),
    ),
    row("Posts both coded", String(result.posts_in_common)),
    row(
      "Overall kappa",
      overall.kappa === null
        ? `Not defined: ${overall.reason}`
        : `${decimal(overall.kappa)}: ${kappaReading(overall.kappa).toLowerCase()} agreement`,
    ),
    row(
      "Behind it",
      `${countOf(overall.decisions, "yes/no decision")}; they agreed on ` +
        `${percent(overall.observed_agreement)}, and chance alone would give ` +
        `${percent(overall.expected_agreement)}.`,
    ),
    row(
      "Mean of the codes' kappas",
      result.mean_kappa === null
        ? "Not defined"
        : `${decimal(result.mean_kappa)}: ${kappaReading(result.mean_kappa).toLowerCase()}`,
    ),
  );
}

function codesTable(result, person) {
  const nameA = analystName(result.analyst_a, person, { midSentence: true });
  const nameB = analystName(result.analyst_b, person, { midSentence: true });
  const headers = [
    "Code",
    "Kappa",
    "Reading",
    "Both used it",
    `Only ${nameA}`,
    `Only ${nameB}`,
    "Neither",
    "Agreed",
  ];
  const table = h(
    "table",
    { class: "table" },
    h("caption", { class: "table__caption" }, "Agreement code by code"),
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
      result.codes.map((item) =>
        h(
          "tr",
          { class: "table__row", "data-code": item.code.name },
          h("th", { scope: "row", class: "table__cell table__cell--name" }, item.code.name),
          h("td", { class: "table__cell" }, decimal(item.kappa)),
          h(
            "td",
            { class: "table__cell table__cell--wide" },
            kappaReading(item.kappa),
            item.reason ? h("span", { class: "table__line quiet" }, item.reason) : null,
          ),
          h("td", { class: "table__cell" }, String(item.both)),
          h("td", { class: "table__cell" }, String(item.only_a)),
          h("td", { class: "table__cell" }, String(item.only_b)),
          h("td", { class: "table__cell" }, String(item.neither)),
          h("td", { class: "table__cell" }, percent(item.observed_agreement)),
        ),
      ),
    ),
  );
  return scrollingTable(table, "Agreement code by code");
}

const BANDS = [
  ["below 0", "poor (less than chance)"],
  ["0 to 0.20", "slight"],
  ["0.21 to 0.40", "fair"],
  ["0.41 to 0.60", "moderate"],
  ["0.61 to 0.80", "substantial"],
  ["0.81 to 1", "almost perfect"],
];

export default {
  auth: true,

  async render(ctx) {
    const loaded = await codingConversation(ctx);
    if (loaded.view) return loaded.view;
    const { conversation } = loaded;
    const cid = conversation.id;
    // Those with codings in force can be compared.
    const analysts = loaded.analysts.filter((a) => a.confirmed_codings > 0).map((a) => a.id);
    const a = analysts.includes(ctx.query.get("a")) ? ctx.query.get("a") : "";
    const b = analysts.includes(ctx.query.get("b")) ? ctx.query.get("b") : "";
    let result = null;
    let refusal = null;
    try {
      result = await api.coderAgreement(cid, a && b ? { analystA: a, analystB: b } : {});
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 422) throw error;
      refusal = error.detail;
    }

    return {
      title: "Coder agreement",
      node: h(
        "div",
        {},
        codingHead(conversation, {
          person: ctx.person,
          current: "agreement",
          heading: "Coder agreement",
          lead:
            "How far two analysts agree when they code the same posts, beyond what chance " +
            "would give: Cohen's kappa, from 1 (complete agreement) through 0 (no better " +
            "than chance). Only confirmed codings count.",
        }),
        analysts.length > 1
          ? pairForm({
              conversation,
              analysts,
              person: ctx.person,
              // The pair shown, whether asked for or chosen by the API.
              a: result?.analyst_a ?? a,
              b: result?.analyst_b ?? b,
              go: ctx.go,
            })
          : h(
              "p",
              { class: "inset" },
              "Agreement needs two analysts who have each coded posts: ",
              countOf(analysts.length, "analyst"),
              " so far.",
            ),
        refusal ? h("p", { class: "error-message", role: "alert" }, refusal) : null,
        result && result.analyst_a
          ? [
              h("h2", { class: "heading-m" }, "Overall"),
              overallView(result, ctx.person),
              h("h2", { class: "heading-m" }, "Code by code"),
              codesTable(result, ctx.person),
            ]
          : result
            ? h(
                "p",
                { class: "inset" },
                result.overall.reason ?? "No two analysts have coded a post in common yet.",
              )
            : null,
        h(
          "details",
          { class: "details" },
          h(
            "summary",
            { class: "details__summary" },
            h("span", { class: "details__summary-text" }, "How to read kappa"),
          ),
          h(
            "div",
            { class: "details__text" },
            h("p", {}, "Landis and Koch's bands, a common rule of thumb (not a test): a kappa of"),
            h(
              "ul",
              { class: "list-bullets" },
              BANDS.map(([range, words]) => h("li", {}, `${range} is ${words} agreement`)),
            ),
            h(
              "p",
              {},
              "A code's kappa is not defined when neither analyst used it on the posts they " +
                "both coded, or both used it on every one: chance alone would then agree as " +
                "much as they did.",
            ),
          ),
        ),
      ),
    };
  },
};
