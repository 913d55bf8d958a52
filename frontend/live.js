// Live updates: while a page of a conversation is shown, one EventSource follows that
// conversation (GET /api/conversations/<id>/events) and tells the pages which sections
// changed. An event carries section ids only — never a post, an author or a time — so a
// page that hears one fetches what it shows again through the ordinary API calls.
//
// Pages subscribe with watchSections() (or every(), for figures the feed does not cover)
// and stop when they leave (ctx.onLeave in app.js); the stream closes with its last page.
// Nothing runs while the tab is hidden: what was missed runs once when it is shown again.
// If the stream cannot be had (503 live_feed_full, a proxy that drops it), the pages work
// as they always did, and another try is made a minute later.

import { api } from "./api.js";
import { h } from "./dom.js";

// After a refusal (the browser does not retry those by itself), when to try again.
const REOPEN_MS = 60_000;

/** conversation id → { source, watchers: Set, interrupted, reopenTimer } */
const feeds = new Map();
/** Every live watcher, for catching up when the tab is shown again. */
const watchers = new Set();

function hidden() {
  return document.visibilityState === "hidden";
}

/**
 * A watcher calls its page's `onChange` one at a time: a change heard while the last one is
 * still being fetched runs once more afterwards, not alongside.
 */
function makeWatcher(sections, onChange) {
  const watcher = { sections, due: false, running: false, again: false, stopped: false };
  watcher.trigger = async () => {
    if (watcher.stopped) return;
    if (hidden()) {
      watcher.due = true;
      return;
    }
    if (watcher.running) {
      watcher.again = true;
      return;
    }
    watcher.running = true;
    watcher.due = false;
    try {
      do {
        watcher.again = false;
        try {
          await onChange();
        } catch {
          // A page's refresh failing leaves what it shows as it was; the next change retries.
        }
      } while (watcher.again && !watcher.stopped && !hidden());
      if (watcher.again) watcher.due = true;
    } finally {
      watcher.running = false;
    }
  };
  watchers.add(watcher);
  return watcher;
}

function deliver(feed, sections) {
  for (const watcher of feed.watchers) {
    const wanted =
      sections === null ||
      watcher.sections === null ||
      sections.some((id) => watcher.sections.has(id));
    if (wanted) watcher.trigger();
  }
}

function open(conversationId, feed) {
  let source;
  try {
    source = new EventSource(api.conversationEventsUrl(conversationId), {
      withCredentials: true,
    });
  } catch {
    return; // no EventSource here: the pages simply do not update by themselves
  }
  feed.source = source;
  source.addEventListener("changed", (event) => {
    let sections;
    try {
      sections = JSON.parse(event.data).sections;
    } catch {
      return;
    }
    if (Array.isArray(sections)) deliver(feed, sections.map(String));
  });
  source.addEventListener("open", () => {
    // Back after a gap (the stream ended, the server restarted): changes made meanwhile
    // were not heard, so every page looks again.
    if (feed.interrupted) deliver(feed, null);
    feed.interrupted = false;
  });
  source.addEventListener("error", () => {
    feed.interrupted = true;
    // CONNECTING: the browser reconnects by itself (the server sent `retry:`). CLOSED: it
    // was refused and will not, so try once more later, quietly.
    if (source.readyState === EventSource.CLOSED && feed.watchers.size) {
      clearTimeout(feed.reopenTimer);
      feed.reopenTimer = setTimeout(() => {
        if (feeds.get(conversationId) === feed && feed.watchers.size) open(conversationId, feed);
      }, REOPEN_MS);
    }
  });
}

function feedFor(conversationId) {
  let feed = feeds.get(conversationId);
  if (!feed) {
    feed = { source: null, watchers: new Set(), interrupted: false, reopenTimer: null };
    feeds.set(conversationId, feed);
    open(conversationId, feed);
  }
  return feed;
}

function release(conversationId, feed, watcher) {
  watcher.stopped = true;
  watchers.delete(watcher);
  feed.watchers.delete(watcher);
  if (feed.watchers.size || feeds.get(conversationId) !== feed) return;
  clearTimeout(feed.reopenTimer);
  feed.source?.close();
  feeds.delete(conversationId);
}

/**
 * Call `onChange()` (it may return a promise) whenever one of `sectionIds` of the
 * conversation changes; `sectionIds` null: whenever any does. Returns the function that
 * stops it (closing the stream when no page of the conversation listens any more).
 */
export function watchSections(conversationId, sectionIds, onChange) {
  const feed = feedFor(String(conversationId));
  const wanted = sectionIds === null ? null : new Set(sectionIds.map(String));
  const watcher = makeWatcher(wanted, onChange);
  feed.watchers.add(watcher);
  return () => release(String(conversationId), feed, watcher);
}

/**
 * Call `onChange()` every `ms` milliseconds while the tab is shown (for figures the feed
 * does not cover, such as visits), once more on coming back if a turn was missed.
 * Returns the function that stops it.
 */
export function every(ms, onChange) {
  const watcher = makeWatcher(new Set(), onChange);
  const timer = setInterval(watcher.trigger, ms);
  return () => {
    clearInterval(timer);
    watcher.stopped = true;
    watchers.delete(watcher);
  };
}

document.addEventListener("visibilitychange", () => {
  if (hidden()) return;
  for (const watcher of [...watchers]) {
    if (watcher.due) watcher.trigger();
  }
});

/**
 * Words for a polite live region that are said at most once every `gapMs`: a burst of
 * changes is announced once, not once each.
 */
export function sparingly(region, gapMs = 20_000) {
  let last = 0;
  return (text) => {
    const now = Date.now();
    if (now - last < gapMs) return;
    last = now;
    region.textContent = "";
    // A fresh text node after clearing, so the same words are said again.
    setTimeout(() => {
      region.textContent = text;
    }, 50);
  };
}

/**
 * The quiet notice live pages show instead of moving content under the reader: "<text>
 * Show them", hidden until there is news. Returns { element, text }: put the news in `text`
 * and unhide `element`. `what` finishes the button's name for screen readers ("the new …").
 */
export function newsNotice(onShow, what) {
  const text = h("span", {});
  const element = h(
    "p",
    { class: "live-notice", hidden: true },
    text,
    " ",
    h(
      "button",
      { class: "link-button", type: "button", onClick: onShow },
      "Show them",
      h("span", { class: "visually-hidden" }, `: the new ${what}`),
    ),
  );
  return { element, text };
}
