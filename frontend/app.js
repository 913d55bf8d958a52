// The shell: the header, the route table, and what happens on every change of route
// (sign-in guard, rendering into <main>, page title, focus on the new heading).

import { ApiError, api, onSessionEnded } from "./api.js";
import { SERVICE_NAME } from "./config.js";
import { h, replaceChildren } from "./dom.js";
import admin from "./pages/admin.js";
import { conversationSettings, newConversation } from "./pages/admin-conversation.js";
import adminImport from "./pages/admin-import.js";
import adminInvitations from "./pages/admin-invitations.js";
import adminPages from "./pages/admin-pages.js";
import adminParticipation from "./pages/admin-participation.js";
import adminRoles from "./pages/admin-roles.js";
import adminSections from "./pages/admin-sections.js";
import audit from "./pages/audit.js";
import changePassword from "./pages/change-password.js";
import coding from "./pages/coding.js";
import codingAgreement from "./pages/coding-agreement.js";
import codingPosts from "./pages/coding-posts.js";
import codingSuggestions from "./pages/coding-suggestions.js";
import codingVersions from "./pages/coding-versions.js";
import conversation from "./pages/conversation.js";
import home from "./pages/home.js";
import idea from "./pages/idea.js";
import inbox from "./pages/inbox.js";
import infoPage from "./pages/info-page.js";
import { thread, threadList } from "./pages/moderation-messages.js";
import moderationPost from "./pages/moderation-post.js";
import moderationQueue from "./pages/moderation-queue.js";
import myData, { accountErased } from "./pages/my-data.js";
import { allMyPosts, conversationPosts } from "./pages/my-posts.js";
import notFound from "./pages/not-found.js";
import paper from "./pages/paper.js";
import { problemView } from "./pages/problem.js";
import report from "./pages/report.js";
import requestLink from "./pages/request-link.js";
import { caseList, casePage } from "./pages/safeguarding.js";
import search from "./pages/search.js";
import section from "./pages/section.js";
import setPassword from "./pages/set-password.js";
import signIn from "./pages/sign-in.js";
import { href, matchRoute, navigate, startRouter } from "./router.js";
import * as session from "./session.js";

const routes = [
  { path: "/", page: home },
  { path: "/sign-in", page: signIn },
  { path: "/request-link", page: requestLink },
  { path: "/set-password", page: setPassword },
  { path: "/change-password", page: changePassword },
  { path: "/my-posts", page: allMyPosts },
  { path: "/inbox", page: inbox },
  { path: "/my-data", page: myData },
  { path: "/account-erased", page: accountErased },
  { path: "/conversations/:id", page: conversation },
  { path: "/conversations/:id/sections/:sectionId", page: section },
  { path: "/conversations/:id/ideas/:ideaId", page: idea },
  { path: "/conversations/:id/search", page: search },
  { path: "/conversations/:id/my-posts", page: conversationPosts },
  { path: "/conversations/:id/pages/:kind", page: infoPage },
  // The facilitators' console.
  { path: "/conversations/:id/moderation", page: moderationQueue },
  { path: "/conversations/:id/moderation/:kind/:targetId", page: moderationPost },
  { path: "/conversations/:id/paper", page: paper },
  { path: "/conversations/:id/messages", page: threadList },
  { path: "/conversations/:id/messages/:threadId", page: thread },
  { path: "/conversations/:id/audit", page: audit },
  { path: "/conversations/:id/safeguarding", page: caseList },
  // The coding frame (facilitators and admins).
  { path: "/conversations/:id/coding", page: coding },
  { path: "/conversations/:id/coding/versions", page: codingVersions },
  { path: "/conversations/:id/coding/posts", page: codingPosts },
  { path: "/conversations/:id/coding/suggestions", page: codingSuggestions },
  { path: "/conversations/:id/coding/agreement", page: codingAgreement },
  // The summary report (facilitators and admins: the draft; sponsors: published versions).
  { path: "/conversations/:id/report", page: report },
  // Participation figures (facilitators and admins; also in the admin console below).
  { path: "/conversations/:id/participation", page: adminParticipation },
  { path: "/safeguarding/:caseId", page: casePage },
  // The admin console.
  { path: "/admin", page: admin },
  { path: "/admin/roles", page: adminRoles },
  { path: "/admin/conversations/new", page: newConversation },
  { path: "/admin/conversations/:id", page: conversationSettings },
  { path: "/admin/conversations/:id/sections", page: adminSections },
  { path: "/admin/conversations/:id/pages", page: adminPages },
  { path: "/admin/conversations/:id/import", page: adminImport },
  { path: "/admin/conversations/:id/invitations", page: adminInvitations },
  { path: "/admin/conversations/:id/participation", page: adminParticipation },
];

const main = document.getElementById("main-content");
const nav = document.getElementById("account-nav");
const footerNav = document.getElementById("footer-nav");
let renderTicket = 0;
let pendingFlash = null;
let currentPath = "/";
// What the page now shown asked to run when it goes (ctx.onLeave): stop polling, close its
// live feed. Run once the next page is in place, so a page of the same conversation takes
// the live feed over without it closing and opening again.
let leaving = [];

function runAll(callbacks) {
  for (const callback of callbacks) {
    try {
      callback();
    } catch (error) {
      console.error(error);
    }
  }
}

function replacePage(cleanups) {
  const previous = leaving;
  leaving = cleanups;
  runAll(previous);
}

function flash(text, kind = "info") {
  pendingFlash = { text, kind };
}

function toSignIn(fromPath) {
  const query = fromPath && fromPath !== "/" ? { next: fromPath } : null;
  navigate("/sign-in", { query, replace: true });
}

async function signOut() {
  try {
    await api.logout();
  } catch {
    // The cookies may already be gone; either way this browser is now signed out.
  }
  session.signedOut();
  flash("You have signed out.", "success");
  navigate("/sign-in");
}

async function showUnread(badge) {
  try {
    const count = await session.unreadMessages();
    const label = count ? [String(count), h("span", { class: "visually-hidden" }, " unread")] : [];
    replaceChildren(badge, label);
    badge.hidden = !count;
  } catch {
    // The badge is a convenience: without it the inbox link still works.
  }
}

function renderHeader(person) {
  if (!person) {
    nav.replaceChildren();
    nav.hidden = true;
    footerNav.replaceChildren();
    footerNav.hidden = true;
    return;
  }
  // "Inbox 2": filled in when the count arrives, so drawing the header never waits for it.
  const inboxBadge = h("span", { class: "nav-badge", hidden: true });
  if (person.role === "participant") showUnread(inboxBadge);
  const link = (path, text, prefix = "account-nav") =>
    h(
      "li",
      { class: `${prefix}__item` },
      h(
        "a",
        {
          class: `${prefix}__link`,
          href: href(path),
          "aria-current": currentPath === path ? "page" : null,
        },
        text,
      ),
    );
  replaceChildren(
    nav,
    h(
      "ul",
      { class: "account-nav__list" },
      link("/", "Conversations"),
      person.role === "participant" ? link("/my-posts", "My posts") : null,
      person.role === "participant" ? link("/inbox", ["Inbox ", inboxBadge]) : null,
      person.role === "admin" ? link("/admin", "Administration") : null,
      link("/change-password", "Change password"),
      h(
        "li",
        { class: "account-nav__item" },
        h("button", { class: "account-nav__button", type: "button", onClick: signOut }, "Sign out"),
      ),
    ),
  );
  nav.hidden = false;
  replaceChildren(
    footerNav,
    h("ul", { class: "footer__links" }, link("/my-data", "Your data: download or erase", "footer")),
  );
  footerNav.hidden = false;
}

function mount({ title, node, focus = null }, { moveFocus }) {
  replaceChildren(main, node);
  if (pendingFlash) {
    const { text, kind } = pendingFlash;
    pendingFlash = null;
    const banner = h(
      "div",
      { class: ["notice", `notice--${kind}`], role: "status" },
      h("p", { class: "notice__text" }, text),
    );
    const heading = main.querySelector("h1");
    if (heading) heading.after(banner);
    else main.prepend(banner);
  }
  document.title = `${title} – ${SERVICE_NAME}`;
  renderHeader(session.currentPerson());
  if (focus) {
    // The page was asked for one part of it (e.g. a comment): start there.
    focus.focus();
    focus.scrollIntoView({ block: "center" });
  } else if (moveFocus) {
    window.scrollTo(0, 0);
    (main.querySelector("h1") || main).focus();
  }
}

async function show(location, { initial }) {
  const ticket = ++renderTicket;
  const stale = () => ticket !== renderTicket;
  const matched = matchRoute(routes, location.path);
  const page = matched ? matched.route.page : notFound;
  const cleanups = [];
  currentPath = location.path;
  main.setAttribute("aria-busy", "true");
  try {
    const person = await session.loadPerson();
    if (stale()) return;
    if (page.auth && !person) {
      const query = location.query.toString();
      toSignIn(location.path + (query ? `?${query}` : ""));
      return;
    }
    if (page.guestOnly && person) {
      navigate("/", { replace: true });
      return;
    }
    const view = await page.render({
      params: matched?.params ?? {},
      query: location.query,
      person,
      go: (path, options) => navigate(path, options),
      flash,
      signedIn: (me) => session.signedIn(me),
      signedOut: () => session.signedOut(),
      /** Run `callback` when this page is no longer shown. */
      onLeave: (callback) => cleanups.push(callback),
    });
    if (stale()) {
      runAll(cleanups);
      return;
    }
    // The first page of a visit keeps focus at the top, so the skip link comes first.
    mount(view, { moveFocus: !initial });
    replacePage(cleanups);
  } catch (error) {
    runAll(cleanups);
    if (stale()) return;
    if (error instanceof ApiError && error.code === "not_authenticated") return;
    if (!(error instanceof ApiError)) console.error(error);
    mount(problemView(error), { moveFocus: !initial });
    replacePage([]);
  } finally {
    if (!stale()) main.removeAttribute("aria-busy");
  }
}

onSessionEnded(() => {
  if (!session.currentPerson()) return;
  session.signedOut();
  flash("Your session has ended. Please sign in again.");
  toSignIn(currentPath);
});

// The skip link's "#main-content" would be read as a route: move focus instead.
document.getElementById("skip-link").addEventListener("click", (event) => {
  event.preventDefault();
  main.focus();
  main.scrollIntoView();
});

startRouter(show);
