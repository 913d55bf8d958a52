// Creating a conversation (#/admin/conversations/new) and changing its settings
// (#/admin/conversations/<id>): title, introduction, time zone, window, moderation, and
// when the work is finished, which decides when personal data is deleted.

import { api } from "../api.js";
import { ADMIN_HOME, adminConversation, adminHeader, adminsOnly } from "../components/admin.js";
import { changedFields, conversationForm } from "../components/conversation-form.js";
import { statusTag } from "../components/conversation.js";
import { breadcrumbs } from "../components/layout.js";
import { h } from "../dom.js";
import { formatDateTime } from "../format.js";

/** When this conversation's personal data goes (or went), as a line of text; null if unknown. */
async function retentionLine(conversation) {
  try {
    const status = await api.retentionStatus();
    const mine = status.conversations.find((c) => c.conversation_id === conversation.id);
    if (!mine) return { days: status.retention_days, text: null };
    const zone = conversation.time_zone;
    const text = mine.retention_done_at
      ? `Personal data was deleted on ${formatDateTime(mine.retention_done_at, zone)}. ` +
        "The dates can no longer change."
      : `Personal data (addresses, names, passwords and the link between people and their ` +
        `posts) will be deleted on ${formatDateTime(mine.retention_due_at, zone)}, ` +
        `${mine.retention_days} days after the work is finished. The posts stay, anonymous.`;
    return { days: status.retention_days, text };
  } catch {
    // The form works without it; the hint just says less.
    return { days: null, text: null };
  }
}

export const newConversation = {
  auth: true,

  async render(ctx) {
    if (ctx.person.role !== "admin") return adminsOnly();
    const { element } = conversationForm({
      async save(values) {
        const created = await api.createConversation(values);
        ctx.flash(
          `“${created.title}” has been created. Add its sections next; staff see them in ` +
            "this order.",
          "success",
        );
        ctx.go(`/admin/conversations/${created.id}/sections`);
      },
    });
    return {
      title: "Create a conversation",
      node: h(
        "div",
        {},
        breadcrumbs([ADMIN_HOME]),
        h("h1", { id: "page-heading", tabindex: "-1" }, "Create a conversation"),
        h(
          "p",
          { class: "reading-width" },
          "You can change all of this later. Sections, pages and the staff who take part " +
            "come next.",
        ),
        h("div", { class: "reading-width" }, element),
      ),
    };
  },
};

export const conversationSettings = {
  auth: true,

  async render(ctx) {
    const loaded = await adminConversation(ctx);
    if (loaded.view) return loaded.view;
    const { conversation } = loaded;
    const retention = await retentionLine(conversation);
    const { element, summary } = conversationForm({
      conversation,
      retentionDays: retention.days,
      async save(values) {
        const changes = changedFields(conversation, values);
        if (!Object.keys(changes).length) {
          summary.show([{ text: "Nothing has changed: there was nothing to save." }]);
          return;
        }
        await api.updateConversation(conversation.id, changes);
        ctx.flash("Your changes have been saved.", "success");
        ctx.go(`/admin/conversations/${conversation.id}`, { replace: true });
      },
    });
    return {
      title: `Settings: ${conversation.title}`,
      node: h(
        "div",
        {},
        adminHeader(conversation, "Settings", "settings"),
        h("p", {}, statusTag(conversation)),
        retention.text ? h("p", { class: "inset reading-width" }, retention.text) : null,
        h("div", { class: "reading-width" }, element),
      ),
    };
  },
};
