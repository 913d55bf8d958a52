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
}

export function signedOut() {
  person = null;
  known = true;
}
