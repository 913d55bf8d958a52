// What a page shows when it could not load for a reason other than a refusal it expects.

import { h } from "../dom.js";

export function problemView(error) {
  return {
    title: "Sorry, there is a problem",
    node: h(
      "div",
      {},
      h("h1", { id: "page-heading", tabindex: "-1" }, "Sorry, there is a problem"),
      h(
        "p",
        { role: "alert" },
        error?.detail || "Something went wrong while loading this page. Please try again.",
      ),
      h("p", {}, "Reload the page to try again."),
    ),
  };
}
