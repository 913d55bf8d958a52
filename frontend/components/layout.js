// Pieces every conversation page shares: the breadcrumb trail and the "not found" view.

import { ApiError } from "../api.js";
import { h } from "../dom.js";
import { href } from "../router.js";

/**
 * The way back up, as the NHS design system does it: the ancestors of this page (not the
 * page itself) as a trail on larger screens, and a single "Back to <parent>" link on phones.
 * `trail` is [{ text, path }], outermost first.
 */
export function breadcrumbs(trail) {
  const parent = trail[trail.length - 1];
  return h(
    "nav",
    { class: "breadcrumb", "aria-label": "Breadcrumb" },
    h(
      "ol",
      { class: "breadcrumb__list" },
      trail.map((item) =>
        h(
          "li",
          { class: "breadcrumb__item" },
          h("a", { class: "breadcrumb__link", href: href(item.path) }, item.text),
        ),
      ),
    ),
    h(
      "p",
      { class: "breadcrumb__back" },
      h(
        "a",
        { class: "breadcrumb__backlink", href: href(parent.path) },
        h("span", { class: "visually-hidden" }, "Back to "),
        parent.text,
      ),
    ),
  );
}

/** The first two steps of every conversation page's trail. */
export function conversationTrail(conversation) {
  return [
    { text: "Your conversations", path: "/" },
    { text: conversation.title, path: `/conversations/${conversation.id}` },
  ];
}

/** Whether an API error means "there is nothing at this address for you". */
export function isMissing(error) {
  return error instanceof ApiError && (error.status === 404 || error.status === 422);
}

/** What a page shows when what it was asked for does not exist (or is not for this person). */
export function notFoundView(what, trail = [{ text: "Your conversations", path: "/" }]) {
  const heading = `${what} not found`;
  return {
    title: heading,
    node: h(
      "div",
      {},
      breadcrumbs(trail),
      h("h1", { id: "page-heading", tabindex: "-1" }, heading),
      h(
        "p",
        {},
        `This ${what.toLowerCase()} does not exist, it has been removed, or you are not taking ` +
          "part in its conversation. Check the link, or go back and find it from the list.",
      ),
    ),
  };
}

/**
 * A short message that is announced (role="status") and takes focus, e.g. after posting.
 * Returns the element; put it in the page and call .focus() on it.
 */
export function successNotice(...content) {
  return h(
    "div",
    { class: ["notice", "notice--success"], role: "status", tabindex: "-1" },
    h("p", { class: "notice__text" }, ...content),
  );
}

/**
 * A console's navigation between one conversation's pages (the facilitators' console, the
 * admin console): `links` are { key, text, path(id) }, `current` the key shown as the page;
 * `extra` are further { text, path } links after them.
 */
export function conversationNav(conversation, { label, title, links, current, extra = [] }) {
  const item = (text, path, isCurrent = false) =>
    h(
      "li",
      { class: "console-nav__item" },
      h(
        "a",
        {
          class: "console-nav__link",
          href: href(path),
          "aria-current": isCurrent ? "page" : null,
        },
        text,
      ),
    );
  return h(
    "nav",
    { class: "console-nav", "aria-label": label },
    h("p", { class: "console-nav__title", "aria-hidden": "true" }, title),
    h(
      "ul",
      { class: "console-nav__list" },
      links.map((link) => item(link.text, link.path(conversation.id), link.key === current)),
      extra.map((link) => item(link.text, link.path)),
    ),
  );
}

