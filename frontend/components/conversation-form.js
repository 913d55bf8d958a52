// The form that creates a conversation or changes its settings: title, introduction, time
// zone, window, moderation mode and (once it exists) when the work is finished. Times are
// typed as wall-clock times in the conversation's own time zone.

import { h } from "../dom.js";
import { number, timeZoneNames, zonedInputToIso, zonedInputValue } from "../format.js";
import {
  characters,
  checkLength,
  errorSummary,
  handleForm,
  radioField,
  selectField,
  submitButton,
  textField,
} from "./form.js";

export const TITLE_LIMITS = { min: 3, max: 200 };
const INTRODUCTION_LIMIT = 20_000;

export const MODERATION_MODES = [
  {
    value: "post",
    label: "Post-moderation",
    hint:
      "Posts appear at once. Those that screening flags (abuse, naming someone, a " +
      "safeguarding concern) join the facilitators' queue.",
  },
  {
    value: "pre",
    label: "Pre-moderation",
    hint: "Posts that screening flags are held, unseen, until a facilitator approves them.",
  },
];

/**
 * Returns { element, summary }. `conversation` is the ConversationOut being changed, or
 * null to create one. `save(values)` gets { title, introduction, timeZone, opensAt,
 * closesAt, moderationMode, completedAt } (times as ISO strings; completedAt null when
 * creating) and does the rest.
 */
export function conversationForm({ conversation = null, retentionDays = null, save }) {
  const zone = conversation?.time_zone ?? "Europe/London";
  const summary = errorSummary();
  const title = textField({
    name: "title",
    label: "Title",
    hint: "Staff see it on every page of the conversation.",
    value: conversation?.title ?? "",
    maxLength: TITLE_LIMITS.max,
    width: "full",
  });
  const introduction = textField({
    name: "introduction",
    label: "Introduction",
    hint:
      "What the conversation is about and why staff should take part. Plain text: leave " +
      "a blank line between paragraphs.",
    value: conversation?.introduction ?? "",
    multiline: true,
    rows: 8,
    maxLength: INTRODUCTION_LIMIT,
    width: "full",
  });
  const timeZone = selectField({
    name: "time_zone",
    label: "Time zone",
    hint: "The opening and closing times below are in this time zone, and staff see them in it.",
    value: zone,
    options: timeZoneNames(zone).map((name) => ({ value: name, text: name.replaceAll("_", " ") })),
  });
  const opens = textField({
    name: "opens_at",
    label: "Opens",
    hint: "The date and time posting, commenting and voting start.",
    type: "datetime-local",
    value: zonedInputValue(conversation?.opens_at, zone),
  });
  const closes = textField({
    name: "closes_at",
    label: "Closes",
    hint: "After this, the conversation is read-only. Typically three weeks after it opens.",
    type: "datetime-local",
    value: zonedInputValue(conversation?.closes_at, zone),
  });
  const mode = radioField({
    name: "moderation_mode",
    legend: "Moderation",
    legendClass: "fieldset__legend--s",
    value: conversation?.moderation_mode ?? "post",
    options: MODERATION_MODES,
  });
  const retention =
    retentionDays === null
      ? ""
      : ` Personal data is deleted ${number(retentionDays)} ${retentionDays === 1 ? "day" : "days"} after it.`;
  const completed = conversation
    ? textField({
        name: "completed_at",
        label: "Work finished",
        hint:
          "When the facilitators' analysis is finished; until you change it, this is the " +
          `close.${retention}`,
        type: "datetime-local",
        value: zonedInputValue(conversation.completed_at, zone),
      })
    : null;

  const fields = [title, introduction, timeZone, opens, closes, mode, completed].filter(Boolean);
  const form = h(
    "form",
    { class: "form", "aria-label": conversation ? "Conversation settings" : "New conversation" },
    summary.element,
    title.element,
    introduction.element,
    timeZone.element,
    h("div", { class: "form-row" }, opens.element, closes.element),
    mode.element,
    completed?.element,
    submitButton(conversation ? "Save changes" : "Create the conversation"),
  );

  const moment = (field) => zonedInputToIso(field.input.value, timeZone.input.value);

  handleForm(form, {
    fields,
    summary,
    validate() {
      const problems = [
        ...checkLength(title, {
          ...TITLE_LIMITS,
          empty: "Enter a title",
          short: `The title must be ${TITLE_LIMITS.min} characters or more`,
          long: `The title must be ${TITLE_LIMITS.max} characters or fewer`,
        }),
      ];
      if (characters(introduction.input.value) > INTRODUCTION_LIMIT) {
        problems.push({
          field: introduction,
          text: `The introduction must be ${number(INTRODUCTION_LIMIT)} characters or fewer`,
        });
      }
      const [start, end] = [moment(opens), moment(closes)];
      if (!start) problems.push({ field: opens, text: "Enter the date and time it opens" });
      if (!end) problems.push({ field: closes, text: "Enter the date and time it closes" });
      if (start && end && end <= start) {
        problems.push({ field: closes, text: "The closing time must be after the opening time" });
      }
      if (completed && completed.input.value) {
        const done = moment(completed);
        if (!done) {
          problems.push({ field: completed, text: "Enter a date and time, or leave it as it was" });
        } else if (start && done < start) {
          problems.push({
            field: completed,
            text: "The work cannot be finished before the conversation opens",
          });
        }
      }
      return problems;
    },
    submit: () =>
      save({
        title: title.input.value.trim(),
        introduction: introduction.input.value.trim(),
        timeZone: timeZone.input.value,
        opensAt: moment(opens),
        closesAt: moment(closes),
        moderationMode: mode.value(),
        completedAt: completed?.input.value ? moment(completed) : null,
      }),
  });
  return { element: form, summary };
}

/**
 * The fields of a PATCH: those whose value differs from the conversation as it is
 * (times compared as moments to the minute, so a time left as it was is no change).
 */
export function changedFields(conversation, values) {
  const changes = {};
  // The inputs hold minutes: a time stored with seconds is unchanged if its minute is.
  const minute = (iso) => Math.floor(new Date(iso).getTime() / 60_000);
  const same = (a, b) => a === b || Boolean(a && b && minute(a) === minute(b));
  if (values.title !== conversation.title) changes.title = values.title;
  if (values.introduction !== conversation.introduction) changes.introduction = values.introduction;
  if (values.timeZone !== conversation.time_zone) changes.time_zone = values.timeZone;
  if (!same(values.opensAt, conversation.opens_at)) changes.opens_at = values.opensAt;
  if (!same(values.closesAt, conversation.closes_at)) changes.closes_at = values.closesAt;
  if (values.moderationMode !== conversation.moderation_mode) {
    changes.moderation_mode = values.moderationMode;
  }
  if (values.completedAt && !same(values.completedAt, conversation.completed_at)) {
    changes.completed_at = values.completedAt;
  }
  return changes;
}
