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
