// Like and dislike on an idea or a comment. Two toggle buttons (aria-pressed) named with
// their counts, "Like: 3". Pressing one shows the new counts at once, then the API's exact
// answer; if the API refuses, the counts go back and the reason is shown beside them.
// Pressing the active button again withdraws the vote.

import { h, uniqueId } from "../dom.js";
import { countOf, number } from "../format.js";

const SVG = "http://www.w3.org/2000/svg";
// Thumb shapes after Material Icons' thumb_up / thumb_down (Apache License 2.0).
const THUMB_UP =
  "M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 " +
  "1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09" +
  "-.23.14-.47.14-.73v-2z";
const THUMB_DOWN =
  "M15 3H6c-.83 0-1.54.5-1.84 1.22l-3.02 7.05c-.09.23-.14.47-.14.73v2c0 1.1.9 2 2 2h6.31l-.95 " +
  "4.57-.03.32c0 .41.17.79.44 1.06L9.83 23l6.59-6.59c.36-.36.58-.86.58-1.41V5c0-1.1-.9-2-2-2z" +
  "m4 0v12h4V3h-4z";

function icon(path) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "vote__icon");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const shape = document.createElementNS(SVG, "path");
  shape.setAttribute("d", path);
  svg.append(shape);
  return svg;
}

/** The counts as they would be after `choice`, before the API has answered. */
function expected(tally, choice) {
  const next = { ...tally, my_vote: choice === "none" ? null : choice };
  if (tally.my_vote === "like") next.like_count -= 1;
  if (tally.my_vote === "dislike") next.dislike_count -= 1;
  if (choice === "like") next.like_count += 1;
  if (choice === "dislike") next.dislike_count += 1;
  return next;
}

/** "3 likes, 1 dislike" as plain text, for people who may read but not vote. */
export function voteCounts(item) {
  return h(
    "p",
    { class: "vote-counts" },
    `${countOf(item.like_count, "like")}, ${countOf(item.dislike_count, "dislike")}`,
  );
}

/**
 * The two vote buttons for `item` ({ like_count, dislike_count, my_vote }).
 * `send(choice)` calls the API and resolves to the new tally. With `disabled`, the buttons
 * show the counts but cannot be pressed (a closed conversation). `label` names the group,
 * e.g. "Votes on this idea".
 */
export function voteButtons(item, { send, disabled = false, label }) {
  // What the API last confirmed, and what the reader sees (ahead of it while a vote is on
  // its way). Presses are sent one after another, in order; each carries the vote wanted
  // (like, dislike or none), not a change, so the last one sent is the one that holds.
  let confirmed = {
    like_count: item.like_count,
    dislike_count: item.dislike_count,
    my_vote: item.my_vote,
  };
  let shown = confirmed;
  let queue = Promise.resolve();
  let pending = 0;
  const errorId = uniqueId("vote-error");
  const error = h("p", { class: "vote-error", id: errorId, role: "alert" });

  function button(choice, word, path) {
    const count = h("span", { class: "vote__count" });
    const element = h(
      "button",
      {
        class: ["vote", `vote--${choice}`],
        type: "button",
        disabled,
        onClick: () => press(choice),
      },
      icon(path),
      h("span", { class: "vote__word" }, word),
      count,
    );
    return { element, count, word, choice };
  }

  const like = button("like", "Like", THUMB_UP);
  const dislike = button("dislike", "Dislike", THUMB_DOWN);

  function show(state) {
    shown = state;
    for (const b of [like, dislike]) {
      const value = state[`${b.choice}_count`];
      b.count.textContent = number(value);
      b.element.setAttribute("aria-label", `${b.word}: ${number(value)}`);
      b.element.setAttribute("aria-pressed", String(state.my_vote === b.choice));
    }
  }

  function press(choice) {
    if (disabled) return;
    const next = shown.my_vote === choice ? "none" : choice;
    error.textContent = "";
    show(expected(shown, next));
    pending += 1;
    group.setAttribute("aria-busy", "true");
    queue = queue.then(async () => {
      try {
        confirmed = await send(next);
        if (pending === 1) show(confirmed);
      } catch (problem) {
        show(confirmed);
        error.textContent = problem?.detail || "Your vote was not saved. Please try again.";
        for (const b of [like, dislike]) b.element.setAttribute("aria-describedby", errorId);
      } finally {
        pending -= 1;
        if (!pending) group.removeAttribute("aria-busy");
      }
    });
  }

  const group = h(
    "div",
    { class: "votes", role: "group", "aria-label": label },
    h("div", { class: "votes__buttons" }, like.element, dislike.element),
    error,
  );
  show(confirmed);
  return group;
}
