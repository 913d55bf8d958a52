// The summary report's calls, through the one client's `request` (cookies, CSRF, problems
// as ApiError, downloads as { blob, name }). Kept beside the report pages until the
// committed OpenAPI document lists these operations and they can join `api.js`, whose
// calls a test checks against it.

import { request } from "../api.js";

const e = encodeURIComponent;
const base = (conversationId) => `/api/conversations/${e(conversationId)}/report`;

export const reportApi = {
  /** The live draft (facilitators and admins); sponsors get 403 report_draft_not_for_sponsors. */
  draft(conversationId) {
    return request("GET", base(conversationId));
  },
  /** The latest published version; 404 report_not_published until there is one. */
  published(conversationId) {
    return request("GET", `${base(conversationId)}/published`);
  },
  /** One published version, as it was published. */
  version(conversationId, version) {
    return request("GET", `${base(conversationId)}/versions/${e(version)}`);
  },
  /** [{ version, published_at, published_by }], newest first. */
  versions(conversationId) {
    return request("GET", `${base(conversationId)}/versions`);
  },
  /** Freeze the draft as the next version; resolves to it. */
  publish(conversationId) {
    return request("POST", `${base(conversationId)}/versions`);
  },
  /**
   * A download: `format` "csv" or "json"; `version` null for the caller's default (the draft
   * for staff, the latest published version for sponsors). Resolves to { blob, name }.
   */
  download(conversationId, format, version = null) {
    return request("GET", `${base(conversationId)}/export.${format}`, undefined, {
      query: { version },
      file: `report.${format}`,
    });
  },
};
