// The coding frame (#/conversations/<id>/coding): the analysts' codes as a tree, each with
// its description and how many codings it holds (confirmed, and suggested ones waiting for
// a person), then the forms that change the frame. Every change is a new frame version.

import { api } from "../api.js";
import { codingConversation, codingHead } from "../components/coding-common.js";
import {
  addCodeForm,
  mergeCodesForm,
  moveCodeForm,
  renameCodeForm,
  retireCodeForm,
  splitCodeForm,
} from "../components/coding-frame-forms.js";
import { h } from "../dom.js";
import { countOf } from "../format.js";
import { href } from "../router.js";

function counts(code) {
  const parts = [countOf(code.codings, "confirmed coding")];
  if (code.suggested_codings) parts.push(`${code.suggested_codings} suggested`);
  return parts.join(", ");
}

/** The live codes as nested lists, parents before children, in the API's order. */
function codeTree(conversation, codes) {
  const live = codes.filter((code) => code.state === "live");
  const children = new Map();
  for (const code of live) {
    const key = code.parent_id ?? "";
    if (!children.has(key)) children.set(key, []);
    children.get(key).push(code);
  }
  const postsPath = `/conversations/${conversation.id}/coding/posts`;
  const branch = (parentId, level) =>
    h(
      "ul",
      { class: ["code-tree", level && "code-tree--nested"] },
      (children.get(parentId) ?? []).map((code) =>
        h(
          "li",
          { class: "code-tree__item", "data-code": code.name },
          h(
            "div",
            { class: "code-tree__card" },
            h("p", { class: "code-tree__name" }, code.name),
            code.description ? h("p", { class: "code-tree__description" }, code.description) : null,
            h(
              "p",
              { class: "code-tree__counts" },
              counts(code),
              code.codings + code.suggested_codings
                ? [
                    " · ",
                    h(
                      "a",
                      { href: href(postsPath, { code: code.id }) },
                      "See its posts",
                      h("span", { class: "visually-hidden" }, ` (${code.name})`),
                    ),
                  ]
                : null,
            ),
          ),
          children.has(code.id) ? branch(code.id, level + 1) : null,
        ),
      ),
    );
  return branch("", 0);
}

function retiredList(codes) {
  const byId = new Map(codes.map((code) => [code.id, code]));
  const retired = codes.filter((code) => code.state !== "live");
  if (!retired.length) return null;
  const fate = (code) => {
    if (code.merged_into_id) return `merged into “${byId.get(code.merged_into_id)?.name ?? "?"}”`;
    const parts = codes.filter((c) => c.split_from_id === code.id).map((c) => `“${c.name}”`);
    if (parts.length) return `split into ${parts.join(", ")}`;
    return "retired";
  };
  return h(
    "details",
    { class: "details" },
    h(
      "summary",
      { class: "details__summary" },
      h("span", { class: "details__summary-text" }, `Retired codes (${retired.length})`),
    ),
    h(
      "div",
      { class: "details__text" },
      h(
        "ul",
        { class: "list-bullets" },
        retired.map((code) =>
          h(
            "li",
            {},
            `“${code.name}”: ${fate(code)} in version ${code.retired_in}; `,
            countOf(code.codings, "coding"),
            " kept.",
          ),
        ),
      ),
    ),
  );
}

export default {
  auth: true,

  async render(ctx) {
    const loaded = await codingConversation(ctx);
    if (loaded.view) return loaded.view;
    const { conversation } = loaded;
    const frame = await api.listCodes(conversation.id, { includeRetired: true });
    const codes = frame.codes;
    const live = codes.filter((code) => code.state === "live");
    const path = `/conversations/${conversation.id}/coding`;
    const done = (text) => {
      ctx.flash(text, "success");
      ctx.go(path, { replace: true });
    };
    const forms = { conversation, codes, done };
    const actionPanel = (content) => h("div", { class: "action-panel" }, content);

    return {
      title: "Coding frame",
      node: h(
        "div",
        {},
        codingHead(conversation, {
          person: ctx.person,
          current: "frame",
          heading: "Coding frame",
          lead:
            "The codes analysts apply to ideas and comments. Codes can sit under other " +
            "codes. Every change makes a new version of the frame, and the record is kept.",
        }),
        h("h2", { class: "heading-m", id: "codes-heading" }, "Codes"),
        h(
          "p",
          { class: "list-summary", role: "status" },
          frame.version
            ? `${countOf(live.length, "code")} in version ${frame.version} of the frame.`
            : "The frame is empty: add the first code below, or ask for theme suggestions.",
        ),
        live.length
          ? h(
              "div",
              { "aria-labelledby": "codes-heading", role: "group" },
              codeTree(conversation, codes),
            )
          : null,
        retiredList(codes),
        h("h2", { class: "heading-m" }, "Change the frame"),
        h(
          "div",
          { class: "reading-width" },
          actionPanel(addCodeForm(forms)),
          live.length
            ? [
                actionPanel(renameCodeForm(forms)),
                actionPanel(moveCodeForm(forms)),
                live.length > 1 ? actionPanel(mergeCodesForm(forms)) : null,
                actionPanel(splitCodeForm(forms)),
                actionPanel(retireCodeForm(forms)),
              ]
            : null,
        ),
      ),
    };
  },
};
