// The form that creates a conversation or changes its settings: title, introduction, time
// zone, window, moderation mode, who may join by asking for a link, the smallest group a
// report may show, how long personal data is kept and (once it exists) when the work is
// finished. Times are typed as wall-clock times in the conversation's own time zone.

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
const MIN_GROUP_SIZE_FLOOR = 5;
const RETENTION_LIMIT = 3650;
const DOMAINS_LIMIT = 50;
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
 * closesAt, moderationMode, allowedEmailDomains, minGroupSize, retentionDays, completedAt }
 * (times as ISO strings; completedAt null when creating; retentionDays null for the
 * platform's default) and does the rest.
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
  const domains = textField({
    name: "allowed_email_domains",
    label: "Email domains that may join",
    hint:
      "One per line, such as trust.nhs.uk. Staff with an address under one of these can ask " +
      "for a sign-in link themselves and join, even if the imported list missed them. Leave " +
      "empty to admit only the imported staff.",
    value: (conversation?.allowed_email_domains ?? []).join("\n"),
    multiline: true,
    rows: 3,
    width: "two-thirds",
  });
  const groupSize = textField({
    name: "min_group_size",
    label: "Smallest group a report may show",
    hint:
      "Reports never show figures for a staff group or site with fewer participants than " +
      `this, so nobody can be picked out. At least ${MIN_GROUP_SIZE_FLOOR}; 10 is usual.`,
    inputmode: "numeric",
    width: "3",
    value: String(conversation?.min_group_size ?? 10),
  });
  const keepDays = textField({
    name: "retention_days",
    label: "Days to keep personal data",
    hint:
      "After the work is finished, addresses, names, passwords and the link between people " +
      "and their posts are deleted after this many days. Leave empty for the platform's " +
      `default${retentionDays === null ? "" : ` (${number(retentionDays)} days)`}.`,
    inputmode: "numeric",
    width: "3",
    value:
      conversation && !conversation.retention_days_is_default
        ? String(conversation.retention_days)
        : "",
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

  const fields = [
    title,
    introduction,
    timeZone,
    opens,
    closes,
    mode,
    domains,
    groupSize,
    keepDays,
    completed,
  ].filter(Boolean);
  const form = h(
    "form",
    { class: "form", "aria-label": conversation ? "Conversation settings" : "New conversation" },
    summary.element,
    title.element,
    introduction.element,
    timeZone.element,
    h("div", { class: "form-row" }, opens.element, closes.element),
    mode.element,
    domains.element,
    groupSize.element,
    keepDays.element,
    completed?.element,
    submitButton(conversation ? "Save changes" : "Create the conversation"),
  );

  const moment = (field) => zonedInputToIso(field.input.value, timeZone.input.value);
  const domainList = () =>
    domains.input.value
      .split(/[\s,;]+/)
      .map((d) => d.trim().toLowerCase().replace(/^@/, ""))
      .filter(Boolean);
  const wholeNumber = (field) => {
    const text = field.input.value.trim();
    return /^\d+$/.test(text) ? Number(text) : Number.NaN;
  };

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
      const listed = domainList();
      if (listed.length > DOMAINS_LIMIT) {
        problems.push({ field: domains, text: `List ${DOMAINS_LIMIT} domains or fewer` });
      }
      const badDomain = listed.find((d) => !/^([a-z0-9-]+\.)+[a-z]{2,}$/.test(d));
      if (badDomain) {
        problems.push({
          field: domains,
          text: `“${badDomain}” is not an email domain; write it like trust.nhs.uk`,
        });
      }
      const size = wholeNumber(groupSize);
      if (!(size >= MIN_GROUP_SIZE_FLOOR)) {
        problems.push({
          field: groupSize,
          text: `Enter a whole number of ${MIN_GROUP_SIZE_FLOOR} or more`,
        });
      }
      if (keepDays.input.value.trim()) {
        const days = wholeNumber(keepDays);
        if (!(days >= 0 && days <= RETENTION_LIMIT)) {
          problems.push({
            field: keepDays,
            text: `Enter a whole number of days from 0 to ${number(RETENTION_LIMIT)}, or leave it empty`,
          });
        }
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
        allowedEmailDomains: [...new Set(domainList())],
        minGroupSize: wholeNumber(groupSize),
        retentionDays: keepDays.input.value.trim() ? wholeNumber(keepDays) : null,
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
  const domains = conversation.allowed_email_domains ?? [];
  if (values.allowedEmailDomains.join("\n") !== domains.join("\n")) {
    changes.allowed_email_domains = values.allowedEmailDomains;
  }
  if (values.minGroupSize !== conversation.min_group_size) {
    changes.min_group_size = values.minGroupSize;
  }
  const ownDays = conversation.retention_days_is_default ? null : conversation.retention_days;
  if (values.retentionDays !== ownDays) changes.retention_days = values.retentionDays;
  if (values.completedAt && !same(values.completedAt, conversation.completed_at)) {
    changes.completed_at = values.completedAt;
  }
  return changes;
}
