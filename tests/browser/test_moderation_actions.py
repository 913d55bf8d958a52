"""The facilitators' heavier actions from a post's page: amend the wording, split an idea
with the editor, safeguarding cases; and axe-core on the new pages and forms."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, Route, expect

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
from tests.browser.test_moderation import setting, settled

pytestmark = pytest.mark.browser


def post_url(cid: str, idea: dict[str, str]) -> str:
    return f"/#/conversations/{cid}/moderation/idea/{idea['id']}"


async def test_amend_an_idea_shows_the_new_text_marked_as_edited(page: Page, seed: Seeder) -> None:
    s = await setting(seed)
    idea = await seed.idea(
        s.author_token, s.cid, s.section["id"], "Fairer rotas on ward 6",
        "Jo Bloggs on ward 6 always gets the weekends off.",
    )  # fmt: skip
    heading = page.get_by_role("heading", level=1)

    await sign_in(page, s.facilitator)
    await page.goto(post_url(s.cid, idea))
    await expect(heading).to_have_text("Moderate this idea")
    amend = page.get_by_role("form", name="Amend this idea")
    body = amend.get_by_label("The idea's text")
    await expect(body).to_have_value("Jo Bloggs on ward 6 always gets the weekends off.")
    await expect(amend.get_by_label("Personal comment about someone")).to_be_checked()
    await amend.get_by_role("button", name="Amend idea").click()
    await expect(amend.get_by_role("alert")).to_contain_text("Write the reason")
    await body.fill("One person always gets the weekends off.")
    await amend.get_by_label("Reason for amending it").fill("It named a colleague.")
    await amend.get_by_role("button", name="Amend idea").click()
    await expect(page.get_by_role("status").filter(has_text="The idea is amended")).to_be_visible()
    await expect(page.locator(".post-panel")).to_contain_text(
        "One person always gets the weekends off."
    )
    history = page.get_by_role("region", name="History of this idea")
    await expect(history.locator("tr[data-action=amend]")).to_contain_text("It named a colleague.")

    await sign_in_as(page, s.reader)
    await page.goto(s.idea_url(idea))
    await expect(heading).to_have_text("Fairer rotas on ward 6")
    await expect(page.locator(".idea")).to_contain_text("One person always gets the weekends off.")
    await expect(page.locator(".idea")).to_contain_text("Edited by the facilitators")
    await expect(page.get_by_text("Jo Bloggs")).to_have_count(0)


async def test_split_an_idea_into_two_keeping_the_votes_on_the_first(
    page: Page, seed: Seeder
) -> None:
    s = await setting(seed)
    idea = await seed.idea(
        s.author_token, s.cid, s.section["id"], "Breaks and parking",
        "Protected breaks on every shift. Also: more staff parking.",
    )  # fmt: skip
    await seed.vote(await seed.voter(s.cid), s.cid, idea["id"], "like")
    heading = page.get_by_role("heading", level=1)

    await sign_in(page, s.facilitator)
    await page.goto(post_url(s.cid, idea))
    split = page.get_by_role("form", name="Split this idea")
    first = split.get_by_role("group", name="Part 1")
    second = split.get_by_role("group", name="Part 2")
    await expect(first.get_by_label("Title")).to_have_value("Breaks and parking")
    await expect(second.get_by_label("Title")).to_have_value("")
    await expect(split.get_by_role("button", name=re.compile("^Remove this part"))).to_have_count(0)

    # A third part can be added and taken away again.
    await split.get_by_role("button", name="Add a part").click()
    third = split.get_by_role("group", name="Part 3")
    await expect(third.get_by_label("Title")).to_be_focused()
    await third.get_by_role("button", name="Remove this part (part 3)").click()
    await expect(split.get_by_role("group", name="Part 3")).to_have_count(0)

    await first.get_by_label("Title").fill("Protected breaks on every shift")
    await first.get_by_label("Text").fill("Protected breaks on every shift.")
    await second.get_by_label("Title").fill("More staff parking")
    await second.get_by_label("Text").fill("More staff parking.")
    keeper = split.get_by_role("group", name="Which part keeps the votes and comments?")
    await expect(keeper.get_by_label("Part 1")).to_be_checked()
    await split.get_by_label("Reason for splitting it").fill("Two topics in one idea.")
    await split.get_by_role("button", name="Split idea").click()
    notice = page.get_by_role("status").filter(has_text="The idea is split")
    await expect(notice).to_be_visible()
    await expect(notice.get_by_role("link", name="“More staff parking”")).to_be_visible()

    # Both ideas are in the section; the new one links back to the original.
    await sign_in_as(page, s.reader)
    await page.goto(f"/#/conversations/{s.cid}/sections/{s.section['id']}")
    cards = page.locator(".idea-card")
    await expect(cards.filter(has_text="Protected breaks on every shift")).to_have_count(1)
    await expect(cards.filter(has_text="More staff parking")).to_have_count(1)
    await cards.filter(has_text="More staff parking").get_by_role("link").first.click()
    await expect(heading).to_have_text("More staff parking")
    await expect(page.locator(".idea__body")).to_have_text("More staff parking.")
    await page.get_by_role("link", name="See the idea it came from").click()
    await expect(heading).to_have_text("Protected breaks on every shift")
    await expect(page.locator(".idea__body")).to_have_text("Protected breaks on every shift.")


async def test_a_safeguarding_case_is_opened_noted_and_closed(page: Page, seed: Seeder) -> None:
    s = await setting(seed)
    idea = await seed.idea(
        s.author_token, s.cid, s.section["id"], "Nobody checks on us",
        "I have not slept properly in weeks and I cannot cope.",
    )  # fmt: skip
    heading = page.get_by_role("heading", level=1)

    await sign_in(page, s.facilitator)
    await page.goto(post_url(s.cid, idea))
    case = page.get_by_role("form", name="Open a safeguarding case")
    await case.get_by_label("Why you are opening it").fill("The author sounds at risk.")
    await case.get_by_role("button", name="Open case").click()
    await expect(heading).to_have_text("Safeguarding case")
    await expect(page.locator(".post-panel")).to_contain_text("I cannot cope.")
    await expect(page.get_by_text("Yes: a support message reaches them")).to_be_visible()

    note = page.get_by_role("form", name="Add a note")
    await note.get_by_role("button", name="Add note").click()
    await expect(note.get_by_role("alert")).to_contain_text("Write the note")
    await note.get_by_label("Note").fill("Spoke to the ward manager.")
    await note.get_by_role("button", name="Add note").click()
    await expect(page.get_by_role("status").filter(has_text="note is added")).to_be_visible()

    # An author who has erased their account cannot be reached: the form says so plainly.
    async def unreachable(route: Route) -> None:
        await route.fulfill(
            status=409,
            json={"code": "author_unreachable", "title": "Author unreachable",
                  "detail": "The author erased their account."},
        )  # fmt: skip

    await page.route("**/api/safeguarding/*/support-message", unreachable)
    support = page.get_by_role("form", name="Send a support message")
    await support.get_by_label("Message").fill("We are here if you want to talk.")
    await support.get_by_role("button", name="Send support message").click()
    await expect(support.get_by_role("alert")).to_contain_text("can no longer be reached")
    await page.unroute("**/api/safeguarding/*/support-message", unreachable)

    close = page.get_by_role("form", name="Close the case")
    await close.get_by_label("Reason for closing it").fill("Support is in place.")
    await close.get_by_role("button", name="Close case").click()
    await expect(page.get_by_role("status").filter(has_text="The case is closed")).to_be_visible()
    history = page.locator(".case-history__entry")
    await expect(history).to_have_count(3)
    await expect(history.nth(0)).to_have_attribute("data-kind", "opened")
    await expect(history.nth(0)).to_contain_text("The author sounds at risk.")
    await expect(history.nth(1)).to_have_attribute("data-kind", "note")
    await expect(history.nth(1)).to_contain_text("Spoke to the ward manager.")
    await expect(history.nth(2)).to_have_attribute("data-kind", "closed")
    await expect(history.nth(2)).to_contain_text("Support is in place.")
    await expect(page.get_by_role("form", name="Add a note")).to_have_count(0)

    # The list of cases, from the console: closed, not open.
    await (
        page.get_by_role("navigation", name="Facilitator console")
        .get_by_role("link", name="Safeguarding")
        .click()
    )
    await expect(heading).to_have_text("Safeguarding cases")
    await expect(page.get_by_text("No open cases.")).to_be_visible()
    await page.get_by_role("link", name="Closed cases").click()
    await expect(page.get_by_role("link", name="Idea: Nobody checks on us")).to_be_visible()


async def test_new_moderation_pages_pass_axe_and_are_photographed(page: Page, seed: Seeder) -> None:
    s = await setting(seed)
    await seed.section(s.cid, "Car parks and getting to work")
    idea = await seed.idea(
        s.author_token, s.cid, s.section["id"], "Breaks and parking",
        "Protected breaks on every shift. Also: more staff parking.",
    )  # fmt: skip
    staff = await seed.token(s.facilitator)
    case = await seed.call(
        "POST",
        f"/api/conversations/{s.cid}/safeguarding",
        {"target_kind": "idea", "target_id": idea["id"], "note": "The author sounds at risk."},
        token=staff,
    )
    await seed.call(
        "POST", f"/api/safeguarding/{case['id']}/notes", {"body": "Called the ward."}, token=staff
    )
    heading = page.get_by_role("heading", level=1)
    findings: dict[str, list[str]] = {}

    async def check(name: str) -> None:
        await settled(page)
        findings[name] = await serious_accessibility_violations(page)
        assert not await has_horizontal_scroll(page), f"{name} scrolls sideways"
        await screenshot(page, name)

    await sign_in(page, s.facilitator)
    for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        await page.set_viewport_size(viewport)
        await page.goto(post_url(s.cid, idea))
        await expect(heading).to_have_text("Moderate this idea")
        await (
            page.get_by_role("form", name="Split this idea")
            .get_by_role("button", name="Add a part")
            .click()
        )
        await (
            page.get_by_role("form", name="Remove this idea")
            .get_by_role("button", name="Remove idea")
            .click()
        )
        await expect(page.get_by_role("alert").filter(has_text="Write the reason")).to_be_visible()
        await check(f"moderation-actions-{width}")

        await page.goto(f"/#/conversations/{s.cid}/safeguarding")
        await expect(heading).to_have_text("Safeguarding cases")
        await expect(page.get_by_role("link", name="Idea: Breaks and parking")).to_be_visible()
        await check(f"safeguarding-cases-{width}")

        await page.goto(f"/#/safeguarding/{case['id']}")
        await expect(heading).to_have_text("Safeguarding case")
        await expect(page.get_by_text("Called the ward.")).to_be_visible()
        await check(f"safeguarding-case-{width}")

    assert findings == {name: [] for name in findings}
