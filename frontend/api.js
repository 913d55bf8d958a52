// The one API client every page uses. It speaks to the paths in openapi/openapi.json:
// cookies go with every request (the session is an HttpOnly cookie the page never sees),
// every write echoes the CSRF cookie in X-CSRF-Token, and every refusal comes back as an
// ApiError built from the RFC 9457 problem document.

import { API_BASE } from "./config.js";

const CSRF_COOKIE = "candour_csrf";
const CSRF_HEADER = "X-CSRF-Token";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

// Called when a request that needed a session is refused for want of one (it ended, or the
// password was changed elsewhere), so the app can send the person back to sign in.
let sessionEndedHandler = null;

/** Register the function called when the session has ended. */
export function onSessionEnded(handler) {
  sessionEndedHandler = handler;
}

// The CSRF token from the last session answer, kept in memory only: used when the API is on
// another origin, whose cookie this page cannot read. Never the access token.
let lastCsrfToken = null;

/** A refusal from the API, or a failure to reach it. */
export class ApiError extends Error {
  constructor({ status, code, title, detail, errors = [] }) {
    super(detail || title || `Request failed (${status})`);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.title = title;
    this.detail = detail || title || "Something went wrong. Please try again.";
    // [{ field: "body.email", message, code }]
    this.errors = Array.isArray(errors) ? errors : [];
  }

  /** The messages for one request-body field, e.g. fieldMessages("password"). */
  fieldMessages(name) {
    return this.errors
      .filter((e) => e.field === `body.${name}` || e.field === name)
      .map((e) => e.message);
  }
}

/** The value of a cookie this page may read, or null. */
export function readCookie(name) {
  for (const part of document.cookie.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return null;
}

function csrfToken() {
  return readCookie(CSRF_COOKIE) || lastCsrfToken;
}

async function problemFrom(response) {
  const type = response.headers.get("Content-Type") || "";
  if (type.includes("json")) {
    try {
      const body = await response.json();
      return new ApiError({
        status: response.status,
        code: body.code,
        title: body.title,
        detail: body.detail,
        errors: body.errors,
      });
    } catch {
      // Fall through to the generic answer below.
    }
  }
  return new ApiError({
    status: response.status,
    code: "http_error",
    title: response.statusText,
    detail:
      response.status >= 500
        ? "Something went wrong on our side. Please try again in a moment."
        : `The request was refused (${response.status}).`,
  });
}

/**
 * "?a=1&b=2" from { a: 1, b: 2, c: null }: empty values are left out, and an array is sent
 * as the name repeated ({ state: ["open", "claimed"] } → "state=open&state=claimed").
 */
function queryString(query) {
  if (!query) return "";
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one !== null && one !== undefined && one !== "") search.append(name, String(one));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** The file name a download was given (Content-Disposition), or `fallback`. */
function fileNameOf(response, fallback) {
  const header = response.headers.get("Content-Disposition") || "";
  const found = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header);
  return found ? decodeURIComponent(found[1]) : fallback;
}

/**
 * A fresh key for one submission of a new post. The API answers a retry with the same key
 * with the post made the first time, so a double click or a lost answer never posts twice.
 * (getRandomValues, unlike randomUUID, also works outside secure contexts.)
 */
export function newIdempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * fetch() cannot tell how much of a request body has gone, so a large upload (a staff CSV)
 * goes through XMLHttpRequest, whose upload events can. It resolves to a fetch Response,
 * so the answer is read the same way as every other; it rejects only when the network
 * fails, as fetch does.
 */
function sendWithProgress(method, url, headers, payload, onUploadProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    xhr.withCredentials = true;
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.setRequestHeader("Cache-Control", "no-store");
    for (const type of ["progress", "load"]) {
      xhr.upload.addEventListener(type, (event) => {
        if (event.lengthComputable) onUploadProgress(event.loaded, event.total);
      });
    }
    xhr.addEventListener("load", () => {
      const responseHeaders = new Headers();
      for (const line of xhr.getAllResponseHeaders().trim().split(/[\r\n]+/)) {
        const at = line.indexOf(":");
        if (at > 0) responseHeaders.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
      }
      const empty = [101, 204, 205, 304].includes(xhr.status);
      resolve(
        new Response(empty ? null : xhr.responseText, {
          status: xhr.status,
          statusText: xhr.statusText,
          headers: responseHeaders,
        }),
      );
    });
    xhr.addEventListener("error", () => reject(new TypeError("network error")));
    xhr.addEventListener("abort", () => reject(new TypeError("aborted")));
    xhr.send(payload ?? null);
  });
}

/**
 * Call the API. `path` starts with "/api/". Resolves to the parsed JSON (or null for an
 * empty answer); rejects with an ApiError. A `probe` asks whether a session exists, so its
 * 401 is an answer rather than a session that ended. `query` becomes the query string;
 * `headers` are added to the request's own. With `file` (a default file name), the answer
 * is a download: it resolves to { blob, name } instead of parsed JSON. With
 * `onUploadProgress`, it is called as the body goes out with (sent, total) in bytes.
 */
export async function request(
  method,
  path,
  body = undefined,
  {
    probe = false,
    query = null,
    headers: extraHeaders = null,
    file = null,
    onUploadProgress = null,
  } = {},
) {
  const headers = { Accept: "application/json, application/problem+json", ...extraHeaders };
  if (file) headers.Accept = "text/csv, application/json, application/problem+json";
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (!SAFE_METHODS.has(method)) {
    const token = csrfToken();
    if (token) headers[CSRF_HEADER] = token;
  }
  let response;
  try {
    const url = API_BASE + path + queryString(query);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    response = onUploadProgress
      ? await sendWithProgress(method, url, headers, payload, onUploadProgress)
      : await fetch(url, {
          method,
          headers,
          body: payload,
          credentials: "include",
          cache: "no-store",
        });
  } catch {
    throw new ApiError({
      status: 0,
      code: "network_error",
      title: "No connection",
      detail: "We could not reach Candour. Check your connection and try again.",
    });
  }
  if (!response.ok) {
    const error = await problemFrom(response);
    if (error.status === 401 && error.code === "not_authenticated" && !probe) {
      sessionEndedHandler?.(error);
    }
    throw error;
  }
  if (file) return { blob: await response.blob(), name: fileNameOf(response, file) };
  if (response.status === 204) return null;
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

function rememberSession(session) {
  lastCsrfToken = session?.csrf_token || null;
  // Only the person is handed on: the access token stays out of script-visible state.
  return session?.me ?? null;
}

// --- the calls the pages make ---------------------------------------------------------

export const api = {
  /** Sign in; resolves to Me. */
  async login(email, password) {
    return rememberSession(await request("POST", "/api/auth/login", { email, password }));
  },
  async logout() {
    try {
      await request("POST", "/api/auth/logout");
    } finally {
      lastCsrfToken = null;
    }
  },
  /** Resolves to { detail }, the same whatever the address. */
  requestSignInLink(email) {
    return request("POST", "/api/auth/sign-in-link", { email });
  },
  /** Use an emailed link; resolves to Me. */
  async setPassword(token, password) {
    return rememberSession(await request("POST", "/api/auth/set-password", { token, password }));
  },
  /** Resolves to Me. */
  async changePassword(currentPassword, newPassword) {
    return rememberSession(
      await request("POST", "/api/auth/change-password", {
        current_password: currentPassword,
        new_password: newPassword,
      }),
    );
  },
  /** The signed-in person, or null when nobody is signed in in this browser. */
  async me() {
    try {
      return await request("GET", "/api/me", undefined, { probe: true });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null;
      throw error;
    }
  },
  listConversations() {
    return request("GET", "/api/conversations");
  },
  getConversation(id) {
    return request("GET", `/api/conversations/${encodeURIComponent(id)}`);
  },

  // --- the admin console ---

  /** Resolves to the new ConversationOut. Times are ISO strings with an offset. */
  createConversation({
    title,
    introduction,
    opensAt,
    closesAt,
    timeZone,
    moderationMode,
    allowedEmailDomains = [],
    minGroupSize = 10,
    retentionDays = null,
  }) {
    return request("POST", "/api/conversations", {
      title,
      introduction,
      opens_at: opensAt,
      closes_at: closesAt,
      time_zone: timeZone,
      moderation_mode: moderationMode,
      allowed_email_domains: allowedEmailDomains,
      min_group_size: minGroupSize,
      retention_days: retentionDays,
    });
  },
  /** Change only the fields in `changes` (API names: title, opens_at, completed_at …). */
  updateConversation(id, changes) {
    return request("PATCH", `/api/conversations/${e(id)}`, changes);
  },
  /** Resolves to the new SectionOut, placed last. */
  createSection(conversationId, { title, description }) {
    return request("POST", `/api/conversations/${e(conversationId)}/sections`, {
      title,
      description,
    });
  },
  updateSection(conversationId, sectionId, { title, description }) {
    return request("PATCH", `/api/conversations/${e(conversationId)}/sections/${e(sectionId)}`, {
      title,
      description,
    });
  },
  /** Every section's id, in the new order; resolves to [SectionOut] in that order. */
  reorderSections(conversationId, sectionIds) {
    return request("PUT", `/api/conversations/${e(conversationId)}/sections/order`, {
      section_ids: sectionIds,
    });
  },
  /** Refused (409 section_not_empty) while the section holds ideas. */
  deleteSection(conversationId, sectionId) {
    return request("DELETE", `/api/conversations/${e(conversationId)}/sections/${e(sectionId)}`);
  },
  /** kind: faq | privacy | support. Resolves to the PageOut with the HTML as stored. */
  updatePage(conversationId, kind, { title, bodyHtml }) {
    return request("PUT", `/api/conversations/${e(conversationId)}/pages/${e(kind)}`, {
      title,
      body_html: bodyHtml,
    });
  },
  /**
   * Import staff from CSV text, all or nothing; resolves to the ImportReport, or rejects
   * with import_rejected and one error per bad line. onUploadProgress(sent, total).
   */
  importParticipants({ csv, conversationId, sendInvitations }, { onUploadProgress = null } = {}) {
    return request(
      "POST",
      "/api/admin/participants/import",
      { csv, conversation_id: conversationId, send_invitations: sendInvitations },
      { onUploadProgress },
    );
  },
  /** { queued, retrying, sent, failed }: counts of one conversation's invitations. */
  invitationTotals(conversationId) {
    return request("GET", `/api/conversations/${e(conversationId)}/invitations`);
  },
  /** Resolves to { requeued, cleared }. */
  resendFailedInvitations(conversationId) {
    return request("POST", `/api/conversations/${e(conversationId)}/invitations/resend`);
  },
  /** role: participant | facilitator | sponsor | admin. Resolves to the AccountSummary. */
  assignRole(email, role) {
    return request("PUT", "/api/admin/roles", { email, role });
  },
  /** { retention_days, conversations: [{ conversation_id, retention_due_at, … }] }. */
  retentionStatus() {
    return request("GET", "/api/admin/retention");
  },

  // --- participation and live updates ---

  /** { totals, days, sections }: counts per day and per section, never who (editors only). */
  participation(conversationId) {
    return request("GET", `/api/conversations/${e(conversationId)}/participation`);
  },
  /** Where an EventSource hears `changed` events ({ sections: [id] }) of one conversation. */
  conversationEventsUrl(conversationId) {
    return `${API_BASE}/api/conversations/${e(conversationId)}/events`;
  },

  // --- a conversation's sections and pages ---

  /** [SectionOut], in the facilitators' order. */
  listSections(conversationId) {
    return request("GET", `/api/conversations/${e(conversationId)}/sections`);
  },
  /** [PageOut]: FAQ, privacy notice and support services, each with sanitised body_html. */
  listPages(conversationId) {
    return request("GET", `/api/conversations/${e(conversationId)}/pages`);
  },
  getPage(conversationId, kind) {
    return request("GET", `/api/conversations/${e(conversationId)}/pages/${e(kind)}`);
  },

  // --- ideas ---

  /** { items: [IdeaOut], next_cursor }. sort: newest | most_liked | most_discussed | most_divided. */
  listIdeas(conversationId, { sectionId = null, sort = "newest", cursor = null, limit = null }) {
    return request("GET", `/api/conversations/${e(conversationId)}/ideas`, undefined, {
      query: { section_id: sectionId, sort, cursor, limit },
    });
  },
  /** Resolves to the new IdeaOut; a retry with the same key resolves to the first one. */
  createIdea(conversationId, { sectionId, title, body }, idempotencyKey) {
    return request(
      "POST",
      `/api/conversations/${e(conversationId)}/ideas`,
      { section_id: sectionId, title, body },
      { headers: { "Idempotency-Key": idempotencyKey } },
    );
  },
  getIdea(conversationId, ideaId) {
    return request("GET", `/api/conversations/${e(conversationId)}/ideas/${e(ideaId)}`);
  },
  updateIdea(conversationId, ideaId, { title, body }) {
    return request("PATCH", `/api/conversations/${e(conversationId)}/ideas/${e(ideaId)}`, {
      title,
      body,
    });
  },
  withdrawIdea(conversationId, ideaId) {
    return request("POST", `/api/conversations/${e(conversationId)}/ideas/${e(ideaId)}/withdraw`);
  },
  /** vote: like | dislike | none. Resolves to { like_count, dislike_count, my_vote }. */
  voteIdea(conversationId, ideaId, vote) {
    return request("PUT", `/api/conversations/${e(conversationId)}/ideas/${e(ideaId)}/vote`, {
      vote,
    });
  },

  // --- comments ---

  /** { items: [CommentOut], next_cursor }, oldest first; replies carry parent_id. */
  listComments(conversationId, ideaId, { cursor = null } = {}) {
    return request(
      "GET",
      `/api/conversations/${e(conversationId)}/ideas/${e(ideaId)}/comments`,
      undefined,
      { query: { cursor } },
    );
  },
  createComment(conversationId, ideaId, { body, parentId = null }, idempotencyKey) {
    return request(
      "POST",
      `/api/conversations/${e(conversationId)}/ideas/${e(ideaId)}/comments`,
      { body, parent_id: parentId },
      { headers: { "Idempotency-Key": idempotencyKey } },
    );
  },
  updateComment(conversationId, commentId, { body }) {
    return request("PATCH", `/api/conversations/${e(conversationId)}/comments/${e(commentId)}`, {
      body,
    });
  },
  withdrawComment(conversationId, commentId) {
    return request(
      "POST",
      `/api/conversations/${e(conversationId)}/comments/${e(commentId)}/withdraw`,
    );
  },
  voteComment(conversationId, commentId, vote) {
    return request("PUT", `/api/conversations/${e(conversationId)}/comments/${e(commentId)}/vote`, {
      vote,
    });
  },

  // --- finding ---

  /** { items: [{ kind: "idea" | "comment", idea?, comment? }], next_cursor }, best match first. */
  search(conversationId, { q, sectionId = null, cursor = null }) {
    return request("GET", `/api/conversations/${e(conversationId)}/search`, undefined, {
      query: { q, section_id: sectionId, cursor },
    });
  },
  /** The caller's own { ideas, comments } in one conversation (participants only). */
  myContributions(conversationId) {
    return request("GET", "/api/me/contributions", undefined, {
      query: { conversation_id: conversationId },
    });
  },

  // --- reporting, the inbox and one's own data (participants) ---

  /**
   * Report a post. kind: idea | comment; category: personal | abusive | safeguarding | other.
   * Resolves to { detail }, the thank-you words.
   */
  report(conversationId, { targetKind, targetId, category, note }) {
    return request("POST", `/api/conversations/${e(conversationId)}/reports`, {
      target_kind: targetKind,
      target_id: targetId,
      category,
      note,
    });
  },
  /** [ThreadOut], newest first. Reading changes nothing: see markThreadRead. */
  myMessages() {
    return request("GET", "/api/me/messages");
  },
  /** { unread }: how many messages to me I have not marked read. */
  unreadMessages() {
    return request("GET", "/api/me/messages/unread");
  },
  /** Marks one thread's messages read; resolves to the ThreadOut. */
  markThreadRead(threadId) {
    return request("POST", `/api/me/messages/${e(threadId)}/read`);
  },
  /** Resolves to the ThreadOut with the reply in it. */
  replyToMessage(threadId, body) {
    return request("POST", `/api/me/messages/${e(threadId)}/replies`, { body });
  },
  /** Everything of one's own, as a file: format json | csv. Resolves to { blob, name }. */
  exportMyData(format) {
    return request("GET", "/api/me/export", undefined, {
      query: { format },
      file: `candour-my-data.${format}`,
    });
  },
  /** Erase one's account at once. posts: keep | withdraw. Resolves to Erased. */
  eraseMe(posts) {
    return request("POST", "/api/me/erase", { posts, confirm: true });
  },

  // --- the facilitators' console ---

  /** [QueueItemOut], most urgent first. states: [open | claimed | resolved]. */
  moderationQueue(conversationId, { states = null, category = null } = {}) {
    return request(
      "GET",
      `/api/conversations/${e(conversationId)}/moderation/queue`,
      undefined,
      { query: { state: states, category } },
    );
  },
  claimItem(itemId) {
    return request("POST", `/api/moderation/items/${e(itemId)}/claim`);
  },
  resolveItem(itemId, decision) {
    return request("POST", `/api/moderation/items/${e(itemId)}/resolve`, { decision });
  },
  /** { target, items, audit }: a post as the facilitators see it, hidden text included. */
  contributionHistory(conversationId, kind, targetId) {
    return request(
      "GET",
      `/api/conversations/${e(conversationId)}/moderation/${e(kind)}/${e(targetId)}`,
    );
  },
  hideContribution(conversationId, kind, targetId, { category, reason }) {
    return request(
      "POST",
      `/api/conversations/${e(conversationId)}/moderation/${e(kind)}/${e(targetId)}/hide`,
      { category, reason },
    );
  },
  /** Show a hidden post again, or approve a held one. */
  unhideContribution(conversationId, kind, targetId, reason) {
    return request(
      "POST",
      `/api/conversations/${e(conversationId)}/moderation/${e(kind)}/${e(targetId)}/unhide`,
      { reason },
    );
  },
  /** New wording (title for ideas only); the public sees "Edited by the facilitators". */
  amendContribution(conversationId, kind, targetId, { title, body, category, reason }) {
    return request(
      "POST",
      `/api/conversations/${e(conversationId)}/moderation/${e(kind)}/${e(targetId)}/amend`,
      { title, body, category, reason },
    );
  },
  /** Remove for good; resolves to { target, author_notified, detail }. */
  removeContribution(conversationId, kind, targetId, { category, reason, notify, message }) {
    return request(
      "POST",
      `/api/conversations/${e(conversationId)}/moderation/${e(kind)}/${e(targetId)}/remove`,
      { category, reason, message_author: notify, message },
    );
  },
  moveIdea(conversationId, ideaId, { sectionId, reason }) {
    return request(
      "POST",
      `/api/conversations/${e(conversationId)}/moderation/idea/${e(ideaId)}/move`,
      { section_id: sectionId, reason },
    );
  },
  /** parts: [{ title, body, section_id }]; resolves to { kept, new_parts }. */
  splitIdea(conversationId, ideaId, { parts, keepVotesOn, reason }) {
    return request(
      "POST",
      `/api/conversations/${e(conversationId)}/moderation/idea/${e(ideaId)}/split`,
      { parts, keep_votes_on: keepVotesOn, reason },
    );
  },
  /** Fold the duplicates (sourceIds) into this idea. */
  mergeIdeas(conversationId, ideaId, { sourceIds, reason }) {
    return request(
      "POST",
      `/api/conversations/${e(conversationId)}/moderation/idea/${e(ideaId)}/merge`,
      { source_ids: sourceIds, reason },
    );
  },
  /** Open a safeguarding case about a post; resolves to the CaseOut. */
  openCase(conversationId, { targetKind, targetId, note }) {
    return request("POST", `/api/conversations/${e(conversationId)}/safeguarding`, {
      target_kind: targetKind,
      target_id: targetId,
      note,
    });
  },
  /** [CaseOut] of one conversation; state: "open" | "closed". */
  safeguardingCases(conversationId, state = null) {
    return request("GET", `/api/conversations/${e(conversationId)}/safeguarding`, undefined, {
      query: { state },
    });
  },
  safeguardingCase(caseId) {
    return request("GET", `/api/safeguarding/${e(caseId)}`);
  },
  addCaseNote(caseId, body) {
    return request("POST", `/api/safeguarding/${e(caseId)}/notes`, { body });
  },
  /** A message to the author, with the support services page below it. */
  sendSupportMessage(caseId, body) {
    return request("POST", `/api/safeguarding/${e(caseId)}/support-message`, { body });
  },
  closeCase(caseId, reason) {
    return request("POST", `/api/safeguarding/${e(caseId)}/close`, { reason });
  },
  /** Write to the author of a post through the relay; resolves to the ThreadOut. */
  messageAuthor(conversationId, { targetKind, targetId, subject, body }) {
    return request("POST", `/api/conversations/${e(conversationId)}/messages`, {
      target_kind: targetKind,
      target_id: targetId,
      subject,
      body,
    });
  },
  /** [ThreadOut] of one conversation, newest first. */
  messageThreads(conversationId) {
    return request("GET", `/api/conversations/${e(conversationId)}/messages`);
  },
  messageThread(threadId) {
    return request("GET", `/api/messages/${e(threadId)}`);
  },
  /** An idea (sectionId, title) or a comment (ideaId, parentId?) from a paper form. */
  paperSubmission(conversationId, { kind, sectionId, ideaId, parentId, title, body, note }) {
    return request("POST", `/api/conversations/${e(conversationId)}/paper-submissions`, {
      kind,
      section_id: sectionId,
      idea_id: ideaId,
      parent_id: parentId,
      title,
      body,
      note,
    });
  },
  /** [AuditEntryOut], oldest first. since/until: ISO date-times. */
  auditLog(conversationId, { action = null, since = null, until = null } = {}) {
    return request("GET", `/api/conversations/${e(conversationId)}/audit`, undefined, {
      query: { action, since, until },
    });
  },
  /** The same entries as a CSV file; resolves to { blob, name }. */
  auditLogCsv(conversationId, { action = null, since = null, until = null } = {}) {
    return request("GET", `/api/conversations/${e(conversationId)}/audit`, undefined, {
      file: "candour-audit-log.csv",
      query: { action, since, until, format: "csv" },
    });
  },

  // --- coding frame (analysts: facilitators and admins) ---

  /** { version, codes: [CodeOut] }, parents before their children. */
  listCodes(conversationId, { includeRetired = false } = {}) {
    return request("GET", `/api/conversations/${e(conversationId)}/coding/codes`, undefined, {
      query: { include_retired: includeRetired ? "true" : null },
    });
  },
  /** Resolves to the new CodeOut; parentId null for the top level. */
  createCode(conversationId, { name, description = "", parentId = null }) {
    return request("POST", `/api/conversations/${e(conversationId)}/coding/codes`, {
      name,
      description,
      parent_id: parentId,
    });
  },
  /** `changes` holds only what changes, in API names: name, description, parent_id. */
  updateCode(conversationId, codeId, changes) {
    return request(
      "PATCH",
      `/api/conversations/${e(conversationId)}/coding/codes/${e(codeId)}`,
      changes,
    );
  },
  /** Retire `codeIds` into `intoId`; resolves to the CodeOut merged into. */
  mergeCodes(conversationId, { codeIds, intoId }) {
    return request("POST", `/api/conversations/${e(conversationId)}/coding/codes/merge`, {
      codes: codeIds,
      into: intoId,
    });
  },
  /** parts: [{ name, description, coding_ids }]; resolves to [CodeOut], the new codes. */
  splitCode(conversationId, codeId, parts) {
    return request(
      "POST",
      `/api/conversations/${e(conversationId)}/coding/codes/${e(codeId)}/split`,
      { parts },
    );
  },
  retireCode(conversationId, codeId) {
    return request(
      "POST",
      `/api/conversations/${e(conversationId)}/coding/codes/${e(codeId)}/retire`,
    );
  },
  /** { current, versions: [FrameVersionOut] }, newest first. */
  frameVersions(conversationId, { before = null, limit = null } = {}) {
    return request("GET", `/api/conversations/${e(conversationId)}/coding/versions`, undefined, {
      query: { before, limit },
    });
  },
  /** What changed between two versions (0: the empty frame); null: the API's default. */
  compareFrameVersions(conversationId, { fromVersion = null, toVersion = null } = {}) {
    return request(
      "GET",
      `/api/conversations/${e(conversationId)}/coding/versions/compare`,
      undefined,
      { query: { from: fromVersion, to: toVersion } },
    );
  },
  /** { total, codings: [CodingOut] }, oldest first; every filter optional. */
  listCodings(
    conversationId,
    { codeId = null, postKind = null, postId = null, status = null, limit = null, offset = null },
  ) {
    return request("GET", `/api/conversations/${e(conversationId)}/coding/codings`, undefined, {
      query: {
        code_id: codeId,
        post_kind: postKind,
        post_id: postId,
        status,
        limit,
        offset,
      },
    });
  },
  /** The whole post (start and end null) or an excerpt: code points, end exclusive. */
  codePost(conversationId, { codeId, postKind, postId, start = null, end = null }) {
    return request("POST", `/api/conversations/${e(conversationId)}/coding/codings`, {
      code_id: codeId,
      post_kind: postKind,
      post_id: postId,
      start,
      end,
    });
  },
  removeCoding(conversationId, codingId) {
    return request(
      "DELETE",
      `/api/conversations/${e(conversationId)}/coding/codings/${e(codingId)}`,
    );
  },
  confirmCoding(conversationId, codingId) {
    return request(
      "POST",
      `/api/conversations/${e(conversationId)}/coding/codings/${e(codingId)}/confirm`,
    );
  },
  rejectCoding(conversationId, codingId) {
    return request(
      "POST",
      `/api/conversations/${e(conversationId)}/coding/codings/${e(codingId)}/reject`,
    );
  },
  /** Cohen's kappa between two analysts; neither named: the pair with most in common. */
  /** The staff who work on this coding, by name: AnalystList (the caller first). */
  listAnalysts(conversationId) {
    return request("GET", `/api/conversations/${e(conversationId)}/coding/analysts`);
  },
  coderAgreement(conversationId, { analystA = null, analystB = null } = {}) {
    return request("GET", `/api/conversations/${e(conversationId)}/coding/agreement`, undefined, {
      query: { analyst_a: analystA, analyst_b: analystB },
    });
  },
  /** Run theme suggestions; sectionId and themes null for the API's choice. */
  suggestThemes(conversationId, { sectionId = null, themes = null } = {}) {
    return request("POST", `/api/conversations/${e(conversationId)}/coding/theme-suggestions`, {
      section_id: sectionId,
      themes,
    });
  },
  /** { runs: [ThemeRunOut] }, newest first. */
  themeRuns(conversationId, { limit = null } = {}) {
    return request(
      "GET",
      `/api/conversations/${e(conversationId)}/coding/theme-suggestions`,
      undefined,
      { query: { limit } },
    );
  },
  /** Resolves to { suggestion, code, version, suggested_codings, posts_left_out }. */
  acceptThemeSuggestion(
    conversationId,
    suggestionId,
    { name = null, description = "", parentId = null },
  ) {
    return request(
      "POST",
      `/api/conversations/${e(conversationId)}/coding/theme-suggestions/${e(suggestionId)}/accept`,
      { name, description, parent_id: parentId },
    );
  },
  rejectThemeSuggestion(conversationId, suggestionId, reason = "") {
    return request(
      "POST",
      `/api/conversations/${e(conversationId)}/coding/theme-suggestions/${e(suggestionId)}/reject`,
      { reason },
    );
  },
};

function e(value) {
  return encodeURIComponent(value);
}
