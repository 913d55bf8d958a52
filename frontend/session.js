// Who is signed in, as far as this page knows. Only the person's own details are kept, in
// memory: the session itself is an HttpOnly cookie that no script can read.

import { api } from "./api.js";

let person = null;
let known = false;

/** The signed-in person (Me), asking the API once per page load; null when signed out. */
export async function loadPerson() {
  if (!known) {
    person = await api.me();
    known = true;
  }
  return person;
}

export function currentPerson() {
  return person;
}

export function signedIn(me) {
  person = me;
  known = true;
  unread = { count: 0, at: -Infinity };
}

export function signedOut() {
  person = null;
  known = true;
  unread = { count: 0, at: -Infinity };
}

// The inbox badge: fetched when a participant's header is drawn, at most once a minute, and
// set at once when the inbox marks threads read.
const UNREAD_MAX_AGE_MS = 60_000;
let unread = { count: 0, at: -Infinity };

/** How many messages the participant has not read, from the cache when it is fresh. */
export async function unreadMessages() {
  if (performance.now() - unread.at > UNREAD_MAX_AGE_MS) {
    unread = { count: (await api.unreadMessages()).unread, at: performance.now() };
  }
  return unread.count;
}

export function setUnreadMessages(count) {
  unread = { count, at: performance.now() };
}
