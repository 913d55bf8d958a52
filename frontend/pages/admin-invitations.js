// How the invitations to a conversation stand (#/admin/conversations/<id>/invitations):
// totals only (waiting, sent, failed), checked again every few seconds while some are
// waiting, and a resend to those whose invitation failed. Nobody is named here.

import { api } from "../api.js";
import { adminConversation, adminHeader } from "../components/admin.js";
import { successNotice } from "../components/layout.js";
import { h, replaceChildren } from "../dom.js";
import { countOf, number } from "../format.js";
import { href } from "../router.js";

// How often the totals are checked while invitations are waiting to go.
const POLL_MS = 2_000;

const TIME = new Intl.DateTimeFormat("en-GB", {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

function totalsList(totals) {
  const row = (key, term, value, note = null) =>
    h(
      "div",
      { class: "summary-list__row", "data-total": key },
      h("dt", { class: "summary-list__key" }, term),
      h(
        "dd",
        { class: "summary-list__value" },
        h("strong", { class: "admin-total" }, number(value)),
        note ? h("span", { class: "quiet" }, ` ${note}`) : null,
      ),
    );
  return h(
    "dl",
    { class: "summary-list", "aria-label": "Invitation totals" },
    row(
      "queued",
      "Waiting to be sent",
      totals.queued,
      totals.retrying
        ? `(${number(totals.retrying)} could not be delivered yet and will be tried again)`
        : null,
    ),
    row("sent", "Sent", totals.sent),
    row("failed", "Failed", totals.failed, totals.failed ? "(given up after several tries)" : null),
  );
}

export default {
  auth: true,

  async render(ctx) {
    const loaded = await adminConversation(ctx);
    if (loaded.view) return loaded.view;
    const { conversation } = loaded;
    const cid = conversation.id;
    let totals = await api.invitationTotals(cid);

    const totalsSlot = h("div", {});
    const checkedAt = h("p", { class: "quiet" });
    const spoken = h("p", { class: "visually-hidden", role: "status" });
    const checkError = h("p", { class: "error-message", role: "alert" });
    const noticeSlot = h("div", {});
    const failedPanel = h("div", {});
    let timer = null;
    let resending = false;

    function draw() {
      replaceChildren(totalsSlot, totalsList(totals));
      checkedAt.textContent = `Checked at ${TIME.format(new Date())}.`;
      if (!totals.failed) {
        failedPanel.replaceChildren();
        return;
      }
      if (failedPanel.firstChild) {
        failedPanel.querySelector("[data-failed-count]").textContent = countOf(
          totals.failed,
          "invitation",
        );
        return;
      }
      replaceChildren(
        failedPanel,
        h(
          "div",
          { class: ["panel", "panel--warning"] },
          h("h2", { class: "heading-s" }, "Invitations that failed"),
          h(
            "p",
            {},
            h("span", { "data-failed-count": "" }, countOf(totals.failed, "invitation")),
            " could not be delivered, even after several tries. If many failed, check that " +
              "the mail server is working. Resending gives each of these people a new " +
              "invitation with a fresh link (the old one may have expired).",
          ),
          h(
            "button",
            { class: ["button", "button--small"], type: "button", onClick: resend },
            "Resend the failed invitations",
          ),
        ),
      );
    }

    async function check() {
      timer = null;
      if (!page.isConnected) return;
      try {
        const before = totals;
        totals = await api.invitationTotals(cid);
        checkError.textContent = "";
        draw();
        if (before.queued && !totals.queued) {
          spoken.textContent = totals.failed
            ? `Every invitation has been tried: ${number(totals.sent)} sent, ${number(totals.failed)} failed.`
            : `Every invitation has been sent: ${number(totals.sent)} in all.`;
        }
      } catch (error) {
        checkError.textContent = error.detail;
      }
      schedule();
    }

    function schedule() {
      if (timer === null && totals.queued) {
        timer = setTimeout(check, POLL_MS);
      }
    }

    async function resend(event) {
      if (resending) return;
      resending = true;
      const button = event.currentTarget;
      button.setAttribute("aria-disabled", "true");
      try {
        const done = await api.resendFailedInvitations(cid);
        const parts = [
          done.requeued
            ? `${countOf(done.requeued, "invitation")} sent again, each with a fresh link.`
            : "Nothing was sent again.",
        ];
        if (done.cleared) {
          parts.push(
            ` ${countOf(done.cleared, "failed invitation")} left out: ` +
              "those people have signed in since, or no longer take part.",
          );
        }
        const notice = successNotice(...parts);
        replaceChildren(noticeSlot, notice);
        totals = await api.invitationTotals(cid);
        draw();
        notice.focus();
        schedule();
      } catch (error) {
        checkError.textContent = error.detail;
      } finally {
        resending = false;
        button.removeAttribute("aria-disabled");
      }
    }

    const refresh = h(
      "button",
      {
        class: ["button", "button--secondary", "button--small"],
        type: "button",
        onClick: () => {
          clearTimeout(timer);
          check();
        },
      },
      "Check again",
    );

    const page = h(
      "div",
      {},
      adminHeader(conversation, "Invitations", "invitations"),
      h(
        "p",
        { class: "reading-width" },
        "Everyone an import creates is emailed an invitation with a one-time link to set " +
          "their password. These are the totals for this conversation; nobody is named. " +
          "While invitations are waiting, the totals are checked every few seconds.",
      ),
      noticeSlot,
      h("div", { class: "reading-width" }, totalsSlot, checkedAt, spoken, checkError, refresh),
      failedPanel,
      h(
        "p",
        {},
        h("a", { href: href(`/admin/conversations/${cid}/import`) }, "Import more staff"),
      ),
    );
    draw();
    // Checking stops by itself once this page is no longer shown (see check()).
    schedule();
    return { title: `Invitations: ${conversation.title}`, node: page };
  },
};
