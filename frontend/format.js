// Dates are shown in the conversation's own time zone, with the zone named, so everyone
// reads the same window wherever their device thinks it is.

const LOCALE = "en-GB";

function formatter(timeZone) {
  return new Intl.DateTimeFormat(LOCALE, {
    timeZone,
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
    hour: "numeric",
    minute: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short",
  });
}

/** "Monday 2 March 2026 at 09:00 GMT", in `timeZone` (falls back to UTC if unknown). */
export function formatDateTime(iso, timeZone) {
  const date = new Date(iso);
  try {
    return formatter(timeZone).format(date);
  } catch {
    return formatter("UTC").format(date);
  }
}

/** "Europe/London" → "Europe/London (London)"-style readable name: underscores as spaces. */
export function timeZoneLabel(timeZone) {
  return String(timeZone || "UTC").replaceAll("_", " ");
}

/** "open", "upcoming" or "closed", with the words to show for it. */
export function conversationStatus(conversation, now = new Date()) {
  if (conversation.is_open) return { key: "open", text: "Open" };
  if (now < new Date(conversation.opens_at)) return { key: "upcoming", text: "Not open yet" };
  return { key: "closed", text: "Closed" };
}

function hourFormatter(timeZone) {
  return new Intl.DateTimeFormat(LOCALE, {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
}

function dayFormatter(timeZone) {
  return new Intl.DateTimeFormat(LOCALE, {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
  });
}

function inZone(make, timeZone, date) {
  try {
    return make(timeZone).format(date);
  } catch {
    return make("UTC").format(date);
  }
}

/**
 * When a post was made, as honestly as the API knows it: public times are rounded down
 * (to the hour by default) so they cannot be matched against sign-in records.
 * "Posted in the hour from 14:00 on Tue 3 Mar 2026".
 */
export function postedWhen(iso, timeZone) {
  const date = new Date(iso);
  const hour = inZone(hourFormatter, timeZone, date);
  const day = inZone(dayFormatter, timeZone, date).replace(",", ""); // "Tue 3 Mar 2026"
  return `Posted in the hour from ${hour} on ${day}`;
}

/** "1 idea", "3 ideas"; `plural` defaults to the word with an "s". */
export function countOf(count, singular, plural = `${singular}s`) {
  return `${count.toLocaleString(LOCALE)} ${count === 1 ? singular : plural}`;
}

/** A number with thousands separators, "10,000". */
export function number(value) {
  return value.toLocaleString(LOCALE);
}

/** The first `limit` characters of a text, cut at a word, on one line. */
export function excerpt(text, limit = 220) {
  const flat = String(text || "").replace(/\s+/g, " ").trim();
  if (flat.length <= limit) return flat;
  const cut = flat.slice(0, limit);
  const space = cut.lastIndexOf(" ");
  return `${(space > limit * 0.6 ? cut.slice(0, space) : cut).replace(/[\s.,;:!?-]+$/, "")}…`;
}
