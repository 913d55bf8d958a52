"""The inbox, "your data" and the facilitators' console pass axe-core at desktop and phone
widths, fit a phone without sideways scrolling, and are photographed for people to review
(test-artifacts/screenshots/)."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    Seeder,
    has_horizontal_scroll,
    screenshot,
    serious_accessibility_violations,
    sign_in,
    sign_in_as,
)

pytestmark = pytest.mark.browser


async def test_inbox_data_and_console_pages_pass_axe_and_are_photographed(
    page: Page, seed: Seeder
) -> None:
    conversation = await seed.conversation()
    cid = conversation["id"]
    section = await seed.section(cid, "Rotas, breaks and handovers", "How shifts are planned.")
    author = await seed.participant(cid, name="Aoife Quinlan")
    author_token = await seed.token(author)
    reader = await seed.voter(cid)
    facilitator = await seed.participant(None, role="facilitator", name="Sam Facilitator")
    staff = await seed.token(facilitator)
    colleague = await seed.token(
        await seed.participant(None, role="facilitator", name="Kim Colleague")
    )
    breaks = await seed.idea(
        author_token, cid, section["id"], "Protected breaks on every shift",
        "A break nobody can call you back from, with somewhere quiet to take it.",
    )  # fmt: skip
    lockers = await seed.idea(
        author_token, cid, section["id"], "Lockers for bank staff",
        "Bank staff carry their things around all shift.",
    )  # fmt: skip
    fountains = await seed.idea(
        reader, cid, section["id"], "Water fountains on every floor",
        "Filtered water near every nurses' station would save a lot of walking.",
    )  # fmt: skip
    comment = await seed.comment(reader, cid, breaks["id"], "Breaks get cancelled every night.")
    await seed.comment(author_token, cid, breaks["id"], "Same on our ward.", comment["id"])
    for target_kind, target, category, note in (
        ("comment", comment, "abusive", "It singles out one team."),
        ("idea", lockers, "other", ""),
        ("idea", breaks, "safeguarding", "Someone sounds exhausted."),
    ):
        await seed.call(
            "POST",
            f"/api/conversations/{cid}/reports",
            {"target_kind": target_kind, "target_id": target["id"], "category": category,
             "note": note},
            token=reader,
        )  # fmt: skip
    queue = await seed.call("GET", f"/api/conversations/{cid}/moderation/queue", token=staff)
    item_of = {i["target"]["id"]: i["id"] for i in queue}
    await seed.call("POST", f"/api/moderation/items/{item_of[lockers['id']]}/claim", token=staff)
    await seed.call("POST", f"/api/moderation/items/{item_of[breaks['id']]}/claim", token=colleague)
    await seed.call(
        "POST",
        f"/api/conversations/{cid}/moderation/comment/{comment['id']}/hide",
        {"category": "personal", "reason": "It is about a team, not an idea."},
        token=staff,
    )
    thread = await seed.call(
        "POST",
        f"/api/conversations/{cid}/messages",
        {"target_kind": "idea", "target_id": breaks["id"], "subject": "Which wards?",
         "body": "Could you tell us which wards have no quiet room?"},
        token=staff,
    )  # fmt: skip
    await seed.call(
        "POST",
        f"/api/me/messages/{thread['id']}/replies",
        {"body": "Wards 6 and 7, mostly at night."},
        token=author_token,
    )
    await seed.call(
        "POST",
        f"/api/conversations/{cid}/paper-submissions",
        {"kind": "idea", "section_id": section["id"], "title": "Hot food after 8pm",
         "body": "The canteen shuts before the night shift starts.", "note": "Form 12"},
        token=staff,
    )  # fmt: skip

    heading = page.get_by_role("heading", level=1)
    findings: dict[str, list[str]] = {}

    async def check(name: str) -> None:
        await expect(page.locator("main[aria-busy]")).to_have_count(0)
        findings[name] = await serious_accessibility_violations(page)
        assert not await has_horizontal_scroll(page), f"{name} scrolls sideways"
        await screenshot(page, name)

    await sign_in(page, author)
    for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        await page.set_viewport_size(viewport)
        await page.goto("/#/inbox")
        await expect(heading).to_have_text("Inbox")
        await expect(page.get_by_text("Wards 6 and 7, mostly at night.")).to_be_visible()
        await check(f"inbox-{width}")

        await page.goto("/#/my-data")
        await expect(heading).to_have_text("Your data")
        await check(f"my-data-{width}")
        await page.get_by_role("button", name="Erase my account").click()
        await expect(page.get_by_role("alert", name="There is a problem")).to_be_visible()
        await check(f"my-data-errors-{width}")

        await page.goto(f"/#/conversations/{cid}/ideas/{breaks['id']}")
        await expect(heading).to_have_text("Protected breaks on every shift")
        await expect(page.get_by_text("Hidden by the facilitators")).to_be_visible()
        await check(f"idea-hidden-comment-{width}")

        await page.goto(f"/#/conversations/{cid}/ideas/{fountains['id']}")
        await expect(heading).to_have_text("Water fountains on every floor")
        await page.get_by_role("button", name="Report this idea").click()
        await page.get_by_label("I'm worried about someone's safety").check()
        await check(f"idea-report-{width}")

    await sign_in_as(page, facilitator)
    for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        await page.set_viewport_size(viewport)
        await page.goto(f"/#/conversations/{cid}")
        await expect(page.get_by_role("navigation", name="Facilitator console")).to_be_visible()
        await check(f"conversation-facilitator-{width}")

        await page.goto(f"/#/conversations/{cid}/ideas/{breaks['id']}")
        await expect(page.get_by_role("link", name="Moderate comment 1")).to_be_visible()
        await check(f"idea-facilitator-{width}")

        await page.goto(f"/#/conversations/{cid}/moderation")
        await expect(heading).to_have_text("Moderation queue")
        await expect(page.locator(".queue-item")).to_have_count(3)
        # Someone else's claim: Claim says who has it.
        taken = page.locator(".queue-item").filter(has_text="Claimed by Kim Colleague")
        await taken.get_by_role("button", name=re.compile("^Claim")).click()
        await expect(taken.get_by_role("alert")).to_contain_text(
            "Kim Colleague is already working on this item."
        )
        await check(f"queue-{width}")

        await page.goto(f"/#/conversations/{cid}/moderation/comment/{comment['id']}")
        await expect(heading).to_have_text("Moderate this comment")
        await check(f"moderation-post-{width}")

        await page.goto(f"/#/conversations/{cid}/moderation/idea/{breaks['id']}")
        await expect(heading).to_have_text("Moderate this idea")
        await (
            page.get_by_role("form", name="Hide this idea")
            .get_by_role("button", name="Hide idea")
            .click()
        )
        await expect(page.get_by_role("alert", name="There is a problem").first).to_be_visible()
        await check(f"moderation-post-errors-{width}")

        await page.goto(f"/#/conversations/{cid}/paper")
        await expect(heading).to_have_text("Paper forms")
        await check(f"paper-{width}")
        await page.get_by_label("A comment on an idea, or a reply to a comment").check()
        await page.get_by_label("Find the idea").fill("breaks")
        await page.get_by_role("button", name="Find ideas").click()
        await expect(page.get_by_text("1 idea found.")).to_be_visible()
        await check(f"paper-comment-{width}")

        await page.goto(f"/#/conversations/{cid}/messages")
        await expect(heading).to_have_text("Messages with authors")
        await check(f"messages-{width}")
        await page.get_by_role("link", name="Which wards?").click()
        await expect(heading).to_have_text("Which wards?")
        await expect(page.locator(".message")).to_have_count(2)
        await check(f"message-thread-{width}")

        await page.goto(f"/#/conversations/{cid}/audit")
        await expect(heading).to_have_text("Audit log")
        await check(f"audit-{width}")

    assert {name: found for name, found in findings.items() if found} == {}
