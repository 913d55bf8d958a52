"""Moderation through the SPA: a participant reports a post, a facilitator works the queue
and hides it, participants see the public note, and the audit log keeps the record; the
relay between a facilitator and an author who stays anonymous; paper forms."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Locator, Page, Route, expect

from tests.browser.conftest import Seeder, sign_in, sign_in_as

pytestmark = pytest.mark.browser

RELAY_PROMISE = "The facilitators don't know who you are. Replying doesn't tell them."


@dataclass
class Setting:
    """A conversation with one section, an author who has posted, a reader and a facilitator."""

    conversation: dict[str, Any]
    section: dict[str, Any]
    author: str  # the author's email
    author_token: str
    reader: str  # another participant's email
    facilitator: str

    @property
    def cid(self) -> str:
        return str(self.conversation["id"])

    def idea_url(self, idea: dict[str, Any]) -> str:
        return f"/#/conversations/{self.cid}/ideas/{idea['id']}"


async def setting(seed: Seeder, *, author_name: str = "Test Person") -> Setting:
    conversation = await seed.conversation()
    section = await seed.section(
        conversation["id"], "Rotas, breaks and handovers", "How shifts are planned."
    )
    author = await seed.participant(conversation["id"], name=author_name)
    reader = await seed.participant(conversation["id"])
    facilitator = await seed.participant(None, role="facilitator", name="Sam Facilitator")
    return Setting(conversation, section, author, await seed.token(author), reader, facilitator)


async def settled(page: Page) -> None:
    await expect(page.locator("main[aria-busy]")).to_have_count(0)


async def test_a_reported_comment_is_claimed_hidden_and_logged(
    page: Page, seed: Seeder, tmp_path: Path
) -> None:
    s = await setting(seed)
    idea = await seed.idea(
        s.author_token, s.cid, s.section["id"], "Protected breaks on every shift",
        "A break nobody can call you back from.",
    )  # fmt: skip
    other = await seed.voter(s.cid)
    comment = await seed.comment(other, s.cid, idea["id"], "Breaks get cancelled every night.")
    await seed.comment(s.author_token, s.cid, idea["id"], "Same on our ward.", comment["id"])
    heading = page.get_by_role("heading", level=1)

    # A participant reports the comment: a reason is required, then they are thanked.
    await sign_in(page, s.reader)
    await page.goto(s.idea_url(idea))
    await expect(heading).to_have_text("Protected breaks on every shift")
    await expect(page.get_by_role("button", name="Report this idea")).to_be_visible()
    report = page.get_by_role("button", name="Report comment 1", exact=True)
    await report.click()
    await expect(report).to_have_attribute("aria-expanded", "true")
    form = page.get_by_role("form", name="Report comment 1")
    await expect(form.get_by_role("heading", name="Report comment 1")).to_be_focused()
    await form.get_by_role("button", name="Send report").click()
    await expect(form.get_by_role("alert")).to_contain_text("Choose why you are reporting it")
    await form.get_by_label("Abusive or offensive").check()
    await form.get_by_label(re.compile("^Anything else")).fill("It singles out one team.")

    # Too many reports in an hour: the API's words are shown, and nothing is lost.
    async def rate_limited(route: Route) -> None:
        await route.fulfill(
            status=429,
            json={"code": "rate_limited", "title": "Too many requests",
                  "detail": "You have sent many reports in the last hour."},
        )  # fmt: skip

    await page.route("**/api/conversations/*/reports", rate_limited)
    await form.get_by_role("button", name="Send report").click()
    await expect(form.get_by_role("alert")).to_contain_text("You have sent many reports")
    await page.unroute("**/api/conversations/*/reports", rate_limited)
    await form.get_by_role("button", name="Send report").click()
    thanks = page.get_by_role("status").filter(has_text="The facilitators will look at this")
    await expect(thanks).to_be_focused()
    await expect(report).to_have_count(0)

    # The facilitator finds it in the queue, from the conversation's console, and claims it.
    await sign_in_as(page, s.facilitator)
    await page.get_by_role("link", name=s.conversation["title"]).click()
    console = page.get_by_role("navigation", name="Facilitator console")
    await console.get_by_role("link", name="Queue").click()
    await expect(heading).to_have_text("Moderation queue")
    item = page.locator(".queue-item").filter(has_text="Breaks get cancelled every night.")
    await expect(item).to_have_count(1)
    await expect(item.get_by_text("Abuse", exact=True)).to_be_visible()
    await expect(item).to_contain_text("Abusive or offensive")
    await expect(item).to_contain_text("“It singles out one team.”")
    await item.get_by_role("button", name=re.compile("^Claim")).click()
    await expect(item.get_by_text("Claimed by you")).to_be_visible()
    await expect(item.get_by_label("Decision")).to_be_focused()

    # Only Abuse items, and only claimed ones: still there; Safeguarding only: not.
    await page.get_by_label("Reason").select_option("safeguarding")
    await page.get_by_role("button", name="Apply filters").click()
    await expect(page.get_by_text("Nothing in the queue matches these filters.")).to_be_visible()
    await page.get_by_label("Reason").select_option("abusive")
    await page.get_by_label("Open", exact=True).uncheck()
    await page.get_by_role("button", name="Apply filters").click()
    await expect(page).to_have_url(re.compile(r"moderation\?state=claimed&category=abusive$"))
    await expect(item).to_have_count(1)

    # Hide it with a reason, from the post's own page.
    await item.get_by_role("link", name=re.compile("^Review and act")).click()
    await expect(heading).to_have_text("Moderate this comment")
    await expect(page.locator(".post-panel")).to_have_text("Breaks get cancelled every night.")
    hide = page.get_by_role("form", name="Hide this comment")
    await hide.get_by_role("button", name="Hide comment").click()
    await expect(hide.get_by_role("alert")).to_contain_text("Choose what participants are told")
    await hide.get_by_label("Abusive or offensive").check()
    await hide.get_by_label("Reason for hiding it").fill("Aimed at a team, not an idea.")
    await hide.get_by_role("button", name="Hide comment").click()
    await expect(
        page.get_by_role("status").filter(has_text="The comment is hidden.")
    ).to_contain_text("Hidden by the facilitators: abusive language")
    await expect(page.get_by_text("Hidden (abusive or offensive)")).to_be_visible()
    history = page.get_by_role("region", name="History of this comment")
    await expect(history.locator("tr[data-action=hide]")).to_contain_text(
        "Aimed at a team, not an idea."
    )
    await expect(page.get_by_role("form", name="Show this comment again")).to_be_visible()

    # Close the queue item with the decision.
    card = page.locator(".queue-item")
    await card.get_by_label("Decision").fill("Hidden: it was about people, not ideas.")
    await card.get_by_role("button", name="Resolve item").click()
    await expect(card.get_by_text("Resolved", exact=True)).to_be_visible()
    await expect(card).to_contain_text("Decision: Hidden: it was about people, not ideas.")

    # The audit log has both, and filters by action.
    await (
        page.get_by_role("navigation", name="Facilitator console")
        .get_by_role("link", name="Audit log")
        .click()
    )
    await expect(heading).to_have_text("Audit log")
    log = page.get_by_role("region", name="Audit log entries")
    hidden_row = log.locator("tr[data-action=hide]")
    await expect(hidden_row).to_contain_text("Sam Facilitator")
    await expect(hidden_row).to_contain_text("Abusive or offensive")
    await expect(hidden_row).to_contain_text("Moderation: shown → hidden")
    await expect(log.locator("tr[data-action=resolve]")).to_contain_text("people, not ideas")
    await page.get_by_label("Action").select_option("hide")
    await page.get_by_role("button", name="Apply filters").click()
    await expect(page.get_by_text("1 entry with these filters, oldest first.")).to_be_visible()
    await expect(log.locator("tbody tr")).to_have_count(1)
    async with page.expect_download() as download_info:
        await page.get_by_role("button", name="Download CSV").click()
    download = await download_info.value
    saved = tmp_path / download.suggested_filename
    await download.save_as(saved)
    lines = saved.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("at,actor,action")
    assert len(lines) == 2 and ",hide," in lines[1] and "Aimed at a team" in lines[1]

    # Participants see the note in its place, and the reply under it.
    await sign_in_as(page, s.reader)
    await page.goto(s.idea_url(idea))
    first = page.locator(".comment").first
    await expect(first.locator(".comment__card").first).to_contain_text(
        "Hidden by the facilitators: abusive language"
    )
    await expect(page.get_by_text("Breaks get cancelled every night.")).to_have_count(0)
    await expect(first.locator(".comment-replies")).to_contain_text("Same on our ward.")


async def test_facilitator_and_author_talk_through_the_relay_without_a_name(
    page: Page, seed: Seeder
) -> None:
    secret_name = "Aoife Quinlan"
    s = await setting(seed, author_name=secret_name)
    idea = await seed.idea(
        s.author_token, s.cid, s.section["id"], "Quiet room for night staff",
        "Somewhere to sit down for ten minutes.",
    )  # fmt: skip
    heading = page.get_by_role("heading", level=1)

    # The facilitator writes from the post's page, reached from the idea itself.
    await sign_in(page, s.facilitator)
    await page.goto(s.idea_url(idea))
    await page.get_by_role("link", name=re.compile("^Moderate this idea")).click()
    await expect(heading).to_have_text("Moderate this idea")
    message = page.get_by_role("form", name="Message the author")
    await message.get_by_label("Subject").fill("Which wards do you mean?")
    await message.get_by_label("Message").fill("Could you tell us which wards have no room?")
    await message.get_by_role("button", name="Send message").click()
    sent = page.get_by_role("status").filter(has_text="Your message has been sent to the author")
    await expect(sent).to_be_focused()
    history = page.get_by_role("region", name="History of this idea")
    await expect(history.locator("tr[data-action=message_author]")).to_contain_text(
        "Which wards do you mean?"
    )

    # The author sees an unread message, reads it in their inbox and replies.
    await sign_in_as(page, s.author)
    account = page.get_by_role("navigation", name="Your account")
    await account.get_by_role("link", name="Inbox 1 unread", exact=True).click()
    await expect(heading).to_have_text("Inbox")
    await expect(page.locator(".message .tag--new")).to_have_text(["New"])
    await expect(account.get_by_role("link", name="Inbox", exact=True)).to_be_visible()
    await expect(page.get_by_text(RELAY_PROMISE).first).to_be_visible()
    thread = page.locator(".thread").filter(has_text="Which wards do you mean?")
    await expect(thread.get_by_role("heading", name="Which wards do you mean?")).to_be_visible()
    await expect(thread).to_contain_text("Sam Facilitator")
    await expect(thread).to_contain_text("Could you tell us which wards have no room?")
    await expect(thread.get_by_role("link", name="“Quiet room for night staff”")).to_have_attribute(
        "href", f"#/conversations/{s.cid}/ideas/{idea['id']}"
    )
    await thread.get_by_label("Your reply").fill("Wards 6 and 7, mostly at night.")
    await thread.get_by_role("button", name="Send reply").click()
    await expect(
        page.get_by_role("status").filter(has_text="Your reply has been sent")
    ).to_be_focused()
    mine = thread.locator(".message--from-author")
    await expect(mine).to_contain_text("You")
    await expect(mine).to_contain_text("Wards 6 and 7, mostly at night.")
    await page.reload()
    await expect(thread).to_contain_text("Wards 6 and 7, mostly at night.")
    await expect(page.locator(".tag--new")).to_have_count(0)

    # The facilitator sees the reply as from "The author", and nothing that says who.
    await sign_in_as(page, s.facilitator)
    await page.goto(f"/#/conversations/{s.cid}")
    await (
        page.get_by_role("navigation", name="Facilitator console")
        .get_by_role("link", name="Messages")
        .click()
    )
    await expect(heading).to_have_text("Messages with authors")
    await expect(page.get_by_text("2 messages, the last from The author")).to_be_visible()
    await page.get_by_role("link", name="Which wards do you mean?").click()
    await expect(heading).to_have_text("Which wards do you mean?")
    reply = page.locator(".message--from-author")
    await expect(reply.locator(".message__sender")).to_have_text("The author")
    await expect(reply).to_contain_text("Wards 6 and 7, mostly at night.")
    await settled(page)
    html = await page.content()
    assert s.author not in html and secret_name not in html
    assert s.author.split("@")[0] not in html

    # Writing again goes into the same thread.
    await page.get_by_label("Your message").fill("Thank you: we will raise it.")
    await page.get_by_role("button", name="Send message").click()
    await expect(page.locator(".message")).to_have_count(3)
    await page.get_by_role("link", name="“Quiet room for night staff”").click()
    await expect(heading).to_have_text("Moderate this idea")
    await settled(page)
    html = await page.content()
    assert s.author not in html and secret_name not in html


async def test_paper_forms_are_entered_and_marked_as_from_paper(page: Page, seed: Seeder) -> None:
    s = await setting(seed)
    heading = page.get_by_role("heading", level=1)
    form_number = f"Form {uuid.uuid4().hex[:4]}"

    await sign_in(page, s.facilitator)
    await page.goto(f"/#/conversations/{s.cid}")
    await (
        page.get_by_role("navigation", name="Facilitator console")
        .get_by_role("link", name="Paper forms")
        .click()
    )
    await expect(heading).to_have_text("Paper forms")
    await page.get_by_role("button", name="Enter paper form").click()
    await expect(page.get_by_role("alert", name="There is a problem")).to_contain_text(
        "Choose the section the idea belongs in"
    )
    await page.get_by_label("Section").select_option(label="Rotas, breaks and handovers")
    await page.get_by_label("Title", exact=True).fill("More lockers by the changing rooms")
    await page.get_by_label("The idea, as written on the form").fill(
        "There are never enough lockers for night staff."
    )
    await page.get_by_label("Note for the audit log (optional)").fill(form_number)
    await page.get_by_role("button", name="Enter paper form").click()
    notice = page.get_by_role("status").filter(has_text="The idea from the paper form is now in")
    await expect(notice).to_be_focused()
    await expect(page.get_by_label("Title", exact=True)).to_have_value("")

    # A comment on it, found by a word from its title.
    await page.get_by_label("A comment on an idea, or a reply to a comment").check()
    await page.get_by_label("Find the idea").fill("lockers")
    await page.get_by_role("button", name="Find ideas").click()
    await expect(page.get_by_text("1 idea found.")).to_be_visible()
    await expect(page.get_by_label("More lockers by the changing rooms")).to_be_checked()
    await page.get_by_label("The comment, as written on the form").fill("And a bench to sit on.")
    await page.get_by_role("button", name="Enter paper form").click()
    await expect(
        page.get_by_role("status").filter(has_text="The comment from the paper form has been added")
    ).to_be_focused()

    # Participants see both marked as from a paper form.
    await sign_in_as(page, s.reader)
    await page.goto(f"/#/conversations/{s.cid}/sections/{s.section['id']}")
    card = page.locator(".idea-card").filter(has_text="More lockers by the changing rooms")
    await expect(card.get_by_text("From a paper form")).to_be_visible()
    await card.get_by_role("link").click()
    await expect(heading).to_have_text("More lockers by the changing rooms")
    await expect(page.locator(".idea").get_by_text("From a paper form")).to_be_visible()
    comment = page.locator(".comment").filter(has_text="And a bench to sit on.")
    await expect(comment.get_by_text("From a paper form")).to_be_visible()

    # A paper post has no author to message, and the log names the form.
    await sign_in_as(page, s.facilitator)
    await page.goto(f"/#/conversations/{s.cid}/audit")
    rows = page.get_by_role("region", name="Audit log entries").locator(
        "tr[data-action=paper_submission]"
    )
    await expect(rows).to_have_count(2)
    await expect(rows.first).to_contain_text(form_number)
    await rows.first.get_by_role("link").click()
    await expect(heading).to_have_text("Moderate this idea")
    await expect(page.get_by_text("it has no author in Candour to write to")).to_be_visible()
    await expect(page.get_by_role("form", name="Message the author")).to_have_count(0)


async def tab_to(page: Page, target: Locator, limit: int = 40) -> None:
    """Press Tab until ``target`` has focus, as a keyboard user would."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{target} never took focus after {limit} presses of Tab")


async def test_report_a_post_with_the_keyboard_alone(page: Page, seed: Seeder) -> None:
    s = await setting(seed)
    idea = await seed.idea(
        s.author_token, s.cid, s.section["id"], "Water fountains on every floor", "Please."
    )

    await sign_in(page, s.reader)
    await page.goto(s.idea_url(idea))
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Water fountains on every floor"
    )
    await settled(page)
    await tab_to(page, page.get_by_role("button", name="Report this idea"))
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Report this idea")).to_be_focused()
    await page.keyboard.press("Tab")
    await expect(page.get_by_label("A personal comment about someone")).to_be_focused()
    await page.keyboard.press("ArrowDown")
    await expect(page.get_by_label("Abusive or offensive")).to_be_checked()
    await page.keyboard.press("Tab")
    await page.keyboard.type("Nothing personal, just checking the keyboard.")
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("button", name="Send report")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(
        page.get_by_role("status").filter(has_text="The facilitators will look at this")
    ).to_be_focused()
