// Coding posts (#/conversations/<id>/coding/posts?section=…&q=…&code=…&status=…&cursor=…):
// the conversation's ideas, newest first (or the search results for `q`), each with its
// codes and the form to apply one; an idea's comments open under it. With `code`, the
// posts coded with that code instead (with `status=suggested`, those waiting for a person
// to confirm an accepted theme's pre-coding).

import { api } from "../api.js";
import {
  allCodings,
  codeOptions,
  codePath,
  codingConversation,
  codingHead,
} from "../components/coding-common.js";
import { codablePost } from "../components/coding-post.js";
import {
  checkboxField,
  errorSummary,
  handleForm,
  selectField,
  submitButton,
  textField,
} from "../components/form.js";
import { h, replaceChildren } from "../dom.js";
import { countOf } from "../format.js";
import { href } from "../router.js";

const PAGE_SIZE = 20;
const CODED_POSTS_SHOWN = 50;

function filterForm({ conversation, sections, codes, query, go }) {
  const summary = errorSummary();
  const q = textField({ name: "q", label: "Words in the post", value: query.q, width: "full" });
  const section = selectField({
    name: "section",
    label: "Section",
    value: query.section,
    options: [
      { value: "", text: "All sections" },
      ...sections.map((s) => ({ value: s.id, text: s.title })),
    ],
  });
  const code = selectField({
    name: "code",
    label: "Coded with",
    hint: "Shows only the posts that hold this code (the words and section are then ignored).",
    value: query.code,
    options: codeOptions(codes, { value: "", text: "Any code, or none" }),
  });
  const suggested = checkboxField({
    name: "status",
    label: "Only codings waiting to be confirmed",
  });
  suggested.input.checked = query.status === "suggested";
  const form = h(
    "form",
    { class: "filters", "aria-label": "Find posts to code" },
    summary.element,
    q.element,
    h("div", { class: "filters__row" }, section.element, code.element),
    suggested.element,
    submitButton("Show posts", { secondary: true, small: true }),
  );
  handleForm(form, {
    fields: [q, section, code, suggested],
    summary,
    validate: () =>
      suggested.input.checked && !code.input.value
        ? [{ field: code, text: "Choose a code to see its codings waiting to be confirmed" }]
        : [],
    async submit() {
      go(`/conversations/${conversation.id}/coding/posts`, {
        query: Object.fromEntries(
          [
            ["q", q.input.value.trim()],
            ["section", section.input.value],
            ["code", code.input.value],
            ["status", suggested.input.checked ? "suggested" : ""],
          ].filter(([, value]) => value),
        ),
      });
    },
  });
  return form;
}

function ideaPost(idea) {
  return { kind: "idea", id: idea.id, title: idea.title, body: idea.body };
}

function commentPost(comment) {
  return { kind: "comment", id: comment.id, body: comment.body, ideaId: comment.idea_id };
}

/** The text of a post named only by kind and id (a coding's post). */
async function loadPost(conversationId, kind, id) {
  try {
    if (kind === "idea") return ideaPost(await api.getIdea(conversationId, id));
    const { target } = await api.contributionHistory(conversationId, kind, id);
    return commentPost(target);
  } catch {
    // Gone, or (for an admin) the facilitators' view of a comment is refused: say so.
    return { kind, id, body: null };
  }
}

export default {
  auth: true,

  async render(ctx) {
    const loaded = await codingConversation(ctx);
    if (loaded.view) return loaded.view;
    const { conversation } = loaded;
    const cid = conversation.id;
    const query = {
      q: (ctx.query.get("q") ?? "").trim(),
      section: ctx.query.get("section") ?? "",
      code: ctx.query.get("code") ?? "",
      status: ctx.query.get("status") === "suggested" ? "suggested" : "",
      cursor: ctx.query.get("cursor") ?? "",
    };
    const [sections, frame] = await Promise.all([
      api.listSections(cid),
      api.listCodes(cid, { includeRetired: true }),
    ]);
    const codes = frame.codes;
    const codeChosen = codes.find((c) => c.id === query.code) ?? null;
    if (!sections.some((s) => s.id === query.section)) query.section = "";

    // Every coding of the conversation, once, shared out to the posts shown.
    const codings = codeChosen
      ? await allCodings(cid, { codeId: codeChosen.id, status: query.status || null })
      : await allCodings(cid);
    const byPost = new Map();
    for (const coding of codings) {
      const key = `${coding.post_kind}:${coding.post_id}`;
      if (!byPost.has(key)) byPost.set(key, []);
      byPost.get(key).push(coding);
    }
    const codingsOf = (post) => byPost.get(`${post.kind}:${post.id}`) ?? [];

    let posts;
    let nextCursor = null;
    let description;
    if (codeChosen) {
      const keys = [...byPost.keys()].slice(0, CODED_POSTS_SHOWN);
      posts = await Promise.all(
        keys.map((key) => {
          const [kind, id] = key.split(":");
          return loadPost(cid, kind, id);
        }),
      );
      // Only this code's codings were fetched: show each post's others too.
      const others = await Promise.all(
        posts.map((post) =>
          api.listCodings(cid, { postKind: post.kind, postId: post.id, limit: 500 }),
        ),
      );
      posts.forEach((post, i) => byPost.set(`${post.kind}:${post.id}`, others[i].codings));
      description =
        `${countOf(byPost.size, "post")} ` +
        (query.status ? "with a suggested coding of " : "coded with ") +
        `“${codePath(codeChosen, codes)}”` +
        (byPost.size > CODED_POSTS_SHOWN ? `; the first ${CODED_POSTS_SHOWN} are shown.` : ".");
    } else if (query.q) {
      const page = await api.search(cid, {
        q: query.q,
        sectionId: query.section || null,
        cursor: query.cursor || null,
      });
      posts = page.items.map((hit) =>
        hit.kind === "idea" ? ideaPost(hit.idea) : commentPost(hit.comment),
      );
      nextCursor = page.next_cursor;
      description = `${countOf(posts.length, "post")} matching “${query.q}”, best match first.`;
    } else {
      const page = await api.listIdeas(cid, {
        sectionId: query.section || null,
        sort: "newest",
        cursor: query.cursor || null,
        limit: PAGE_SIZE,
      });
      posts = page.items.map((idea) => ({ ...ideaPost(idea), commentCount: idea.comment_count }));
      nextCursor = page.next_cursor;
      description = `${countOf(posts.length, "idea")}, newest first. Open an idea's comments to code them.`;
    }

    const card = (post) =>
      codablePost({ conversation, post, codes, codings: codingsOf(post), person: ctx.person });

    /** An idea's comments, opened on request under it (each a post to code). */
    function commentsOf(post) {
      if (!post.commentCount) return null;
      const slot = h("div", { class: "coding-post__comments" });
      const toggle = h(
        "button",
        {
          class: ["button", "button--secondary", "button--small"],
          type: "button",
          "aria-expanded": "false",
          async onClick() {
            if (toggle.getAttribute("aria-expanded") === "true") {
              slot.replaceChildren();
              toggle.setAttribute("aria-expanded", "false");
              return;
            }
            toggle.disabled = true;
            try {
              const comments = [];
              let cursor = null;
              do {
                const page = await api.listComments(cid, post.id, { cursor });
                comments.push(...page.items);
                cursor = page.next_cursor;
              } while (cursor && comments.length < 500);
              replaceChildren(
                slot,
                h(
                  "ol",
                  { class: "coding-posts coding-posts--comments" },
                  comments.map((comment) =>
                    h(
                      "li",
                      {},
                      codablePost({
                        conversation,
                        post: commentPost(comment),
                        codes,
                        codings: codingsOf(commentPost(comment)),
                        person: ctx.person,
                        headingLevel: 4,
                      }),
                    ),
                  ),
                ),
              );
              toggle.setAttribute("aria-expanded", "true");
            } catch (error) {
              replaceChildren(
                slot,
                h("p", { class: "error-message", role: "alert" }, error.detail ?? String(error)),
              );
            } finally {
              toggle.disabled = false;
            }
          },
        },
        `Comments (${post.commentCount})`,
        h("span", { class: "visually-hidden" }, ` on “${post.title || "this idea"}”`),
      );
      return [h("p", {}, toggle), slot];
    }

    const nextLink = nextCursor
      ? h(
          "p",
          { class: "load-more" },
          h(
            "a",
            {
              href: href(`/conversations/${cid}/coding/posts`, {
                ...Object.fromEntries(Object.entries(query).filter(([, v]) => v)),
                cursor: nextCursor,
              }),
            },
            "Next page of posts",
          ),
        )
      : null;

    const liveCodes = codes.filter((c) => c.state === "live");
    return {
      title: "Code posts",
      node: h(
        "div",
        {},
        codingHead(conversation, {
          person: ctx.person,
          current: "posts",
          heading: "Code posts",
          lead:
            "Apply the frame's codes to ideas and comments, whole or as an excerpt. Codes " +
            "suggested by an accepted theme wait here for a person to confirm or reject them.",
        }),
        liveCodes.length
          ? null
          : h(
              "p",
              { class: "inset" },
              "The frame has no codes yet. ",
              h("a", { href: href(`/conversations/${cid}/coding`) }, "Add codes to the frame"),
              " first.",
            ),
        filterForm({ conversation, sections, codes, query, go: ctx.go }),
        h("h2", { class: "visually-hidden", id: "posts-heading" }, "Posts"),
        h("p", { class: "list-summary", role: "status" }, description),
        posts.length
          ? h(
              "ol",
              { class: "coding-posts", "aria-labelledby": "posts-heading" },
              posts.map((post) => h("li", {}, card(post), commentsOf(post))),
            )
          : h("p", { class: "inset" }, "No posts match."),
        nextLink,
      ),
    };
  },
};
