// Hash routing: "#/sign-in", "#/set-password?token=…", "#/conversations/<id>/ideas/<idea>".
// The part after "#" never reaches the server, so a sign-in link's token stays in the browser.

/** Split a location hash into a path and its query. "#/a?b=1" → { path: "/a", query }. */
export function parseHash(hash) {
  const raw = (hash || "").replace(/^#/, "");
  const [pathPart, queryPart = ""] = raw.split(/\?(.*)/s, 2);
  let path = pathPart.startsWith("/") ? pathPart : `/${pathPart}`;
  if (path.length > 1) path = path.replace(/\/+$/, "");
  return { path, query: new URLSearchParams(queryPart) };
}

/** The href for a route: href("/conversations/1") → "#/conversations/1". */
export function href(path, query = null) {
  const search = query ? new URLSearchParams(query).toString() : "";
  return `#${path}${search ? `?${search}` : ""}`;
}

/** Go to a route. With `replace`, the current history entry is replaced, not added to. */
export function navigate(path, { query = null, replace = false } = {}) {
  const target = href(path, query);
  if (window.location.hash === target) {
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  } else if (replace) {
    window.location.replace(target);
  } else {
    window.location.hash = target;
  }
}

/** A path this app may be sent back to after signing in (no other site, no odd schemes). */
export function safeReturnPath(value) {
  return typeof value === "string" && /^\/(?!\/)[\w\-./?=&%]*$/.test(value) ? value : "/";
}

function compile(pattern) {
  const names = [];
  const source = pattern
    .split("/")
    .map((segment) => {
      if (segment.startsWith(":")) {
        names.push(segment.slice(1));
        return "([^/]+)";
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return { regex: new RegExp(`^${source}$`), names };
}

/**
 * Match `path` against routes [{ path: "/conversations/:id", ... }].
 * Returns { route, params } or null.
 */
export function matchRoute(routes, path) {
  for (const route of routes) {
    route.compiled ??= compile(route.path);
    const found = route.compiled.regex.exec(path);
    if (found) {
      const params = {};
      route.compiled.names.forEach((name, i) => {
        params[name] = decodeURIComponent(found[i + 1]);
      });
      return { route, params };
    }
  }
  return null;
}

/**
 * Call `onRoute({ path, query })` now and on every change of route. Hashes that are not
 * routes (no leading "#/", e.g. an in-page anchor) are left alone after the first load.
 */
export function startRouter(onRoute) {
  window.addEventListener("hashchange", () => {
    if (window.location.hash && !window.location.hash.startsWith("#/")) return;
    onRoute(parseHash(window.location.hash), { initial: false });
  });
  onRoute(parseHash(window.location.hash.startsWith("#/") ? window.location.hash : "#/"), {
    initial: true,
  });
}
