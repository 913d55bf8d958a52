"""Live updates in the SPA (frontend/live.js): open pages learn from the server-sent events
that a section changed and fetch it again, without a reload; and the participation page
(pages/admin-participation.js) for admins and facilitators. The live server reads its
digest every 0.3 s (CANDOUR_LIVE_POLL_SECONDS in conftest.py)."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from playwright.async_api import Page, Route, expect

from tests.browser.conftest import (
    PHONE,
    Seeder,
    has_horizontal_scroll,
    screenshot,
    serious_accessibility_violations,
    sign_in,
)

pytestmark = pytest.mark.browser

_EVENTS = re.compile(r"/api/conversations/[^/]+/events$")


async def open_following(page: Page, path: str) -> None:
    """Go to ``path`` and wait until its live feed is streaming, and a round of the
    server's digest has passed (the first round only takes note of how things stand)."""
    async with page.expect_response(lambda response: bool(_EVENTS.search(response.url))) as got:
        await page.goto(path)
    assert (await got.value).status == 200
    await expect(page.locator("main[aria-busy]")).to_have_count(0)
    await asyncio.sleep(1.2)


async def mark_page(page: Page) -> None:
    """A flag in this document: still there later means the page was never reloaded."""
    await page.evaluate("window.__notReloaded = true")


async def still_same_page(page: Page) -> None:
    assert await page.evaluate("window.__notReloaded === true"), "the page was reloaded"


async def conversation_with_section(seed: Seeder) -> tuple[str, dict[str, Any]]:
    conversation = await seed.conversation()
    cid = str(conversation["id"])
    section = await seed.section(cid, "Rotas, breaks and handovers")
    return cid, section


async def test_a_section_page_shows_new_votes_and_offers_new_ideas_without_a_reload(
    page: Page, seed: Seeder
) -> None:
    cid, section = await conversation_with_section(seed)
    other = await seed.voter(cid)
    third = await seed.voter(cid)
    reader = await seed.participant(cid)
    theirs = await seed.idea(other, cid, section["id"], "Protected breaks", "On every shift.")

    await sign_in(page, reader)
    await open_following(page, f"/#/conversations/{cid}/sections/{section['id']}")
    await mark_page(page)
    their_card = page.locator(".idea-card").filter(has_text="Protected breaks")
    await expect(their_card.get_by_role("button", name="Like: 0", exact=True)).to_be_visible()
    # The reader's place: focus on the card's Like button, which will be redrawn.
    await their_card.get_by_role("button", name="Like: 0", exact=True).focus()

    await seed.vote(third, cid, theirs["id"], "like")
    await seed.idea(third, cid, section["id"], "Lockers for bank staff", "Somewhere to put a coat.")

    await expect(their_card.get_by_role("button", name="Like: 1", exact=True)).to_be_visible()
    await expect(their_card.get_by_role("button", name="Like: 1", exact=True)).to_be_focused()
    news = page.locator(".live-notice")
    await expect(news).to_contain_text("1 new idea.")
    # The new idea waits to be asked for: nothing moved under the reader.
    await expect(page.get_by_role("link", name="Lockers for bank staff")).to_have_count(0)
    await expect(page.get_by_role("status").filter(has_text="1 new idea")).to_have_count(1)
    await screenshot(page, "live-section-new-ideas")

    await news.get_by_role("button", name="Show them").click()
    new_link = page.get_by_role("link", name="Lockers for bank staff")
    await expect(new_link).to_be_visible()
    await expect(new_link).to_be_focused()
    await expect(news).to_be_hidden()
    await expect(page.locator(".list-summary")).to_have_text("Showing 2 of 2 ideas, newest first.")
    await still_same_page(page)


async def test_an_idea_page_offers_comments_by_others_but_not_the_readers_own(
    page: Page, seed: Seeder
) -> None:
    cid, section = await conversation_with_section(seed)
    other = await seed.voter(cid)
    reader = await seed.participant(cid)
    idea = await seed.idea(other, cid, section["id"], "Protected breaks", "On every shift.")

    await sign_in(page, reader)
    await open_following(page, f"/#/conversations/{cid}/ideas/{idea['id']}")
    await mark_page(page)
    news = page.locator(".live-notice")

    # The reader's own comment is in the thread already: no notice for it.
    await page.get_by_label("Your comment").fill("A quiet room would help.")
    await page.get_by_role("button", name="Post comment").click()
    await expect(page.get_by_text("1 comment, oldest first.")).to_be_visible()
    await asyncio.sleep(1.5)
    await expect(news).to_be_hidden()

    # Someone else's comment and vote: the count changes, the comment waits to be asked for.
    await page.get_by_label("Your comment").fill("And a kettle")
    await seed.comment(other, cid, idea["id"], "Somewhere to sit down, too.")
    await seed.vote(other, cid, idea["id"], "dislike")
    await expect(news).to_contain_text("New comments: 1 comment not shown yet.")
    await expect(page.get_by_role("button", name="Dislike: 1", exact=True)).to_be_visible()
    await expect(page.get_by_text("Somewhere to sit down, too.")).to_have_count(0)

    await news.get_by_role("button", name="Show them").click()
    theirs = page.locator(".comment").filter(has_text="Somewhere to sit down, too.")
    await expect(theirs.locator(".comment__card")).to_be_focused()
    await expect(page.get_by_text("2 comments, oldest first.")).to_be_visible()
    await expect(news).to_be_hidden()
    # What the reader was writing is still there.
    await expect(page.get_by_label("Your comment")).to_have_value("And a kettle")
    await still_same_page(page)


async def test_pages_work_as_before_when_the_live_feed_is_refused(page: Page, seed: Seeder) -> None:
    cid, section = await conversation_with_section(seed)
    reader = await seed.participant(cid)

    async def full(route: Route) -> None:
        await route.fulfill(
            status=503,
            content_type="application/problem+json",
            body='{"type":"about:blank","title":"Live feed full","status":503,'
            '"code":"live_feed_full","detail":"Too many pages are following this service."}',
        )

    await page.route(_EVENTS, full)
    await sign_in(page, reader)
    async with page.expect_response(lambda response: bool(_EVENTS.search(response.url))) as got:
        await page.goto(f"/#/conversations/{cid}/sections/{section['id']}")
    assert (await got.value).status == 503
    await expect(page.get_by_role("heading", level=1)).to_have_text(section["title"])

    # The section is empty, so the form is open already.
    await page.get_by_label("Title", exact=True).fill("Self-rostering for ward staff")
    await page.get_by_label("Your idea").fill("Let teams build their own rota.")
    await page.get_by_role("button", name="Post your idea").click()
    await expect(page.get_by_role("link", name="Self-rostering for ward staff")).to_be_visible()
    await expect(page.locator(".live-notice")).to_be_hidden()


async def test_participation_figures_update_as_people_post(page: Page, seed: Seeder) -> None:
    cid, section = await conversation_with_section(seed)
    other = await seed.voter(cid)
    first = await seed.idea(other, cid, section["id"], "Protected breaks", "On every shift.")
    await seed.vote(other, cid, first["id"], "like")

    await sign_in(page, seed.admin_email)
    await page.goto(f"/#/admin/conversations/{cid}")
    nav = page.get_by_role("navigation", name="Conversation administration")
    async with page.expect_response(lambda response: bool(_EVENTS.search(response.url))):
        await nav.get_by_role("link", name="Participation").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Participation")
    await expect(nav.get_by_role("link", name="Participation")).to_have_attribute(
        "aria-current", "page"
    )
    await mark_page(page)

    posts = page.locator("[data-total=posts] strong")
    await expect(posts).to_have_text("1")
    await expect(page.locator("[data-total=members] strong")).to_have_text("1")
    await expect(page.locator("[data-total=posters] strong")).to_have_text("1")
    chart = page.get_by_role("img", name=re.compile("^Column chart of posts, votes and visits"))
    await expect(chart).to_be_visible()
    await expect(page.locator("figure.chart figcaption")).to_have_text(
        "Posts, votes and visits per day"
    )
    await expect(page.get_by_role("table", name="Participation per day")).to_be_visible()
    per_section = page.get_by_role("table", name="Participation per section")
    section_row = per_section.get_by_role("row").filter(has_text=section["title"])
    await expect(section_row.get_by_role("cell")).to_have_text(["1", "1", "1"])
    assert await serious_accessibility_violations(page) == []

    # Open one section's days and keep focus there: a redraw must not lose either.
    summary = page.locator("details[data-section] > summary").first
    await summary.click()
    await expect(page.get_by_role("table", name=f"{section['title']}: per day")).to_be_visible()
    await summary.focus()
    await asyncio.sleep(1.2)  # the feed's first round only takes note of how things stand

    await seed.idea(other, cid, section["id"], "Lockers for bank staff", "Somewhere for a coat.")
    await expect(posts).to_have_text("2")
    await expect(section_row.get_by_role("cell")).to_have_text(["1", "2", "1"])
    await expect(page.get_by_role("table", name=f"{section['title']}: per day")).to_be_visible()
    await expect(page.locator("details[data-section] > summary").first).to_be_focused()
    await expect(page.get_by_role("status").filter(has_text="Updated.")).to_have_count(1)
    await still_same_page(page)
    assert await serious_accessibility_violations(page) == []
    await screenshot(page, "participation")

    # On a phone the chart and the tables scroll sideways in regions of their own.
    await page.set_viewport_size(PHONE)
    await expect(chart).to_be_visible()
    assert not await has_horizontal_scroll(page)
    await screenshot(page, "participation-phone")


async def test_a_facilitator_reaches_participation_from_the_console(
    page: Page, seed: Seeder
) -> None:
    cid, section = await conversation_with_section(seed)
    other = await seed.voter(cid)
    await seed.idea(other, cid, section["id"], "Protected breaks", "On every shift.")
    facilitator = await seed.participant(None, role="facilitator")

    await sign_in(page, facilitator)
    await page.goto(f"/#/conversations/{cid}")
    console = page.get_by_role("navigation", name="Facilitator console")
    await console.get_by_role("link", name="Participation").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Participation")
    await expect(page.locator("[data-total=posts] strong")).to_have_text("1")
    await expect(
        page.get_by_role("navigation", name="Facilitator console").get_by_role(
            "link", name="Participation"
        )
    ).to_have_attribute("aria-current", "page")
    assert await serious_accessibility_violations(page) == []

    # A participant is told the page is not for them (the API refuses them anyway).
    reader = await seed.participant(cid)
    await page.context.clear_cookies()
    await page.goto("about:blank")
    await sign_in(page, reader)
    await page.goto(f"/#/conversations/{cid}/participation")
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "For facilitators and administrators"
    )


async def set_visibility(page: Page, state: str) -> None:
    """Tell the page its tab is hidden or shown, as switching tabs would."""
    await page.evaluate(
        """state => {
            const value = { value: state, configurable: true };
            Object.defineProperty(document, "visibilityState", value);
            document.dispatchEvent(new Event("visibilitychange"));
        }""",
        state,
    )


async def test_a_hidden_tab_fetches_nothing_and_catches_up_when_shown(
    page: Page, seed: Seeder
) -> None:
    cid, section = await conversation_with_section(seed)
    other = await seed.voter(cid)
    reader = await seed.participant(cid)
    await seed.idea(other, cid, section["id"], "Protected breaks", "On every shift.")

    await sign_in(page, reader)
    await open_following(page, f"/#/conversations/{cid}/sections/{section['id']}")
    fetched: list[str] = []
    page.on(
        "request",
        lambda request: fetched.append(request.url) if "/ideas?" in request.url else None,
    )
    await set_visibility(page, "hidden")
    await seed.idea(other, cid, section["id"], "Lockers for bank staff", "Somewhere for a coat.")
    await asyncio.sleep(1.5)
    assert fetched == [], "a hidden tab fetched the section again"
    await expect(page.locator(".live-notice")).to_be_hidden()

    await set_visibility(page, "visible")
    await expect(page.locator(".live-notice")).to_contain_text("1 new idea.")
    assert len(fetched) == 1
