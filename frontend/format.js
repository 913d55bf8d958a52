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

function shortFormatter(timeZone) {
  return new Intl.DateTimeFormat(LOCALE, {
    timeZone,
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
}

/** "3 Mar 2026, 14:05", in `timeZone`: for tables and message headers. */
export function shortDateTime(iso, timeZone) {
  return inZone(shortFormatter, timeZone, new Date(iso));
}

/** How far `timeZone` is ahead of UTC at `date`, in milliseconds. */
function zoneOffset(date, timeZone) {
  const parts = {};
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  for (const { type, value } of format.formatToParts(date)) parts[type] = Number(value);
  const { year, month, day, hour, minute, second } = parts;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  return asUtc - Math.floor(date.getTime() / 1000) * 1000;
}

/**
 * The moment a day ("2026-03-02") starts in `timeZone`, as an ISO string; `plusDays` moves
 * to a later day (1: the end of the given day). Null for anything that is not a date.
 */
export function dayStart(day, timeZone, plusDays = 0) {
  const found = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day || "");
  if (!found) return null;
  const guess = new Date(Date.UTC(+found[1], +found[2] - 1, +found[3] + plusDays));
  if (Number.isNaN(guess.getTime())) return null;
  let offset;
  try {
    offset = zoneOffset(guess, timeZone);
  } catch {
    offset = 0;
  }
  return new Date(guess.getTime() - offset).toISOString();
}

/**
 * The wall-clock time of `iso` in `timeZone`, as a datetime-local input wants it:
 * "2026-03-02T09:00". Empty for no date.
 */
export function zonedInputValue(iso, timeZone) {
  if (!iso) return "";
  const parts = {};
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  });
  for (const { type, value } of format.formatToParts(new Date(iso))) parts[type] = value;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/**
 * The moment a wall-clock time ("2026-03-02T09:00") happens in `timeZone`, as an ISO
 * string; null for anything else. A time skipped by a clock change is read with the offset
 * in force before it (09:30 on a day that jumps from 01:00 to 02:00 is still 09:30).
 */
export function zonedInputToIso(value, timeZone) {
  const found = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(value || "");
  if (!found) return null;
  const [year, month, day, hour, minute] = found.slice(1).map(Number);
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  if (Number.isNaN(wall)) return null;
  try {
    // The offset at the guess, then at the moment it points to (they differ near a change).
    let instant = wall - zoneOffset(new Date(wall), timeZone);
    instant = wall - zoneOffset(new Date(instant), timeZone);
    return new Date(instant).toISOString();
  } catch {
    return null;
  }
}

/** The IANA time zones this browser knows, with `current` among them. */
export function timeZoneNames(current = "Europe/London") {
  let names = [];
  try {
    names = Intl.supportedValuesOf("timeZone");
  } catch {
    names = ["Europe/London", "UTC"];
  }
  return [...new Set([...names, "UTC", current])].sort();
}
