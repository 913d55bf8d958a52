// A tiny helper for building DOM nodes. Text always goes in as text nodes, never as HTML,
// so whatever a person types can never become markup or script.

/**
 * h("a", { href: "#/", class: "link", onClick: fn }, "text", childNode, [more, nodes])
 *
 * - `class` takes a string or an array (falsy entries are dropped);
 * - `on<Event>` adds an event listener;
 * - `true` sets a boolean attribute, `false`/`null`/`undefined` leaves it out;
 * - children may be strings, numbers, nodes, arrays of those, or null (skipped).
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === "class") {
      const names = Array.isArray(value) ? value.filter(Boolean).join(" ") : value;
      if (names) element.className = names;
    } else if (value === true) {
      element.setAttribute(name, "");
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

/** Append children (strings become text nodes) to a parent node. */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replace everything inside `parent` with `children`. */
export function replaceChildren(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/**
 * Plain text with blank lines as paragraph breaks and single newlines kept (by CSS), all
 * as text: an introduction written with "<script>" shows those characters and nothing more.
 */
export function paragraphs(text, className = "") {
  return String(text || "")
    .split(/\n\s*\n/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => h("p", { class: ["preserve-lines", className] }, part));
}

let uniqueCounter = 0;
/** A fresh id for tying labels, hints and errors to their field. */
export function uniqueId(prefix) {
  uniqueCounter += 1;
  return `${prefix}-${uniqueCounter}`;
}

/**
 * Save a file the API sent (a Blob) under `name`: a temporary object URL on an
 * <a download>, clicked from script. No inline script and nothing left behind.
 */
export function saveFile(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  // The click has started the download; the URL can go once it has been read.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
