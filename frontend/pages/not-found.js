// A route that does not exist.

import { h } from "../dom.js";
import { href } from "../router.js";

export default {
  async render() {
    return {
      title: "Page not found",
      node: h(
        "div",
        {},
        h("h1", { id: "page-heading", tabindex: "-1" }, "Page not found"),
        h("p", {}, "If you typed the web address, check it is correct."),
        h("p", {}, h("a", { href: href("/") }, "Go to your conversations")),
      ),
    };
  },
};
