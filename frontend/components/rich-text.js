// The facilitators' pages (FAQ, privacy notice, support services) are rich text. The API
// sanitises it already; this module does not rely on that. The HTML is parsed into an inert
// document (DOMParser runs no script and loads nothing), then only allowed elements and
// attributes are rebuilt, one by one, in this page. Nothing is ever assigned to innerHTML.
// (Chromium still checks the page's CSP while parsing, so hostile markup that got past the
// API shows up as "blocked" reports in the console: a second lock, not a leak.)

import { h } from "../dom.js";

// Elements rebuilt as they are; the same allow-list as the API (backend/candour/core/html.py).
const ALLOWED = new Set([
  "p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "a",
  "h2", "h3", "h4", "blockquote", "hr", "abbr",
]); // prettier-ignore
// Elements dropped with everything inside them; any other unknown element is unwrapped
// (its text is kept, the element is not).
const DROPPED = new Set([
  "script", "style", "template", "iframe", "object", "embed", "noscript", "svg", "math",
  "textarea", "select", "button", "input", "title", "head", "img", "video", "audio", "form",
]); // prettier-ignore
const LINK_SCHEMES = new Set(["http:", "https:", "mailto:", "tel:"]);

/** A safe href, or null: only http(s), mailto and tel, resolved against this page. */
export function safeHref(value) {
  if (!value) return null;
  try {
    const url = new URL(value, window.location.href);
    return LINK_SCHEMES.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

function rebuild(source, target) {
  for (const node of source.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) {
      target.append(document.createTextNode(node.data));
      continue;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) continue; // comments, processing instructions
    const tag = node.localName;
    if (DROPPED.has(tag)) continue;
    if (!ALLOWED.has(tag)) {
      rebuild(node, target);
      continue;
    }
    let element;
    if (tag === "a") {
      const link = safeHref(node.getAttribute("href"));
      if (!link) {
        rebuild(node, target);
        continue;
      }
      element = h("a", { href: link, rel: "noopener noreferrer" });
    } else {
      element = document.createElement(tag);
    }
    const title = node.getAttribute("title");
    if (title && (tag === "a" || tag === "abbr")) element.setAttribute("title", title);
    rebuild(node, element);
    target.append(element);
  }
}

/** A <div class="rich-text"> holding the allowed part of `html`, built node by node. */
export function richText(html) {
  const inert = new DOMParser().parseFromString(String(html || ""), "text/html");
  const container = h("div", { class: "rich-text" });
  rebuild(inert.body, container);
  return container;
}
