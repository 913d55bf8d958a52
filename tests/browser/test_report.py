"""The summary report in the browser: a facilitator reads the live draft, adds a code to
the coding frame and applies it to an idea (the draft gains that theme), and publishes it;
a sponsor is told it is not published yet, then reads version 1 — the theme included — from
the conversation's page — figures, charts (inline SVG under the strict CSP, no script
errors), downloads and a print layout without the app around it."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import (
    PHONE,
    Seeder,
    has_horizontal_scroll,
    screenshot,
    serious_accessibility_violations,
    sign_in,
    sign_in_as,
)

pytestmark = pytest.mark.browser


async def _conversation(seed: Seeder) -> tuple[str, str, str]:
    conversation = await seed.conversation()
    cid = conversation["id"]
    staffing = await seed.section(cid, "Staffing", "Enough people on every shift.")
    breaks = await seed.section(cid, "Breaks", "Time to rest.")
    writer = await seed.voter(cid)
    voters = [await seed.voter(cid) for _ in range(3)]
    nights = await seed.idea(
        writer, cid, staffing["id"], "More nurses at night", "Nights are short-staffed."
    )
    rest = await seed.idea(writer, cid, breaks["id"], "A quiet rest room", "Somewhere to sit.")
    await seed.comment(voters[0], cid, nights["id"], "Yes, every week.")
    for token, vote in zip(voters, ("like", "like", "dislike"), strict=True):
        await seed.vote(token, cid, nights["id"], vote)
    await seed.vote(voters[0], cid, rest["id"], "like")
    facilitator = await seed.participant(None, role="facilitator", name="Sam Facilitator")
    sponsor = await seed.participant(None, role="sponsor", name="Pat Sponsor")
    return cid, facilitator, sponsor


async def test_a_facilitator_publishes_and_a_sponsor_reads_the_report(
    page: Page, seed: Seeder
) -> None:
    cid, facilitator, sponsor = await _conversation(seed)

    # Before anything is published, the sponsor is told so in plain words.
    await sign_in(page, sponsor)
    await page.goto(f"/#/conversations/{cid}")
    await page.get_by_role("link", name="Summary report").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Summary report")
    await expect(page.locator(".report-status")).to_contain_text("Not published yet")

    # The facilitator reaches the draft from the console's navigation.
    await sign_in_as(page, facilitator)
    await page.goto(f"/#/conversations/{cid}")
    await (
        page.get_by_role("navigation", name="Facilitator console")
        .get_by_role("link", name="Report")
        .click()
    )
    await expect(page.locator(".report-status")).to_contain_text("Live draft")
    themes = page.get_by_role("region", name="By theme")
    await expect(themes).to_contain_text("No themes yet")

    # The analyst's work: a code in the frame, applied to an idea; the report gains a theme.
    console = page.get_by_role("navigation", name="Facilitator console")
    await console.get_by_role("link", name="Coding").click()
    add = page.get_by_role("form", name="Add a code")
    await add.get_by_label("Name").fill("Night staffing")
    await add.get_by_role("button", name="Add code").click()
    await expect(page.get_by_role("status").first).to_contain_text(
        "“Night staffing” has been added"
    )
    await (
        page.get_by_role("navigation", name="Coding pages")
        .get_by_role("link", name="Code posts")
        .click()
    )
    nights = page.get_by_role("article", name="Idea: More nurses at night")
    await nights.get_by_label("Code", exact=True).select_option(label="Night staffing")
    await nights.get_by_role("button", name="Apply code").click()
    await expect(nights.get_by_role("status")).to_contain_text("“Night staffing” applied")
    await console.get_by_role("link", name="Report").click()
    await expect(page.locator(".report-status")).to_contain_text("Live draft")
    await expect(themes.locator('tr[data-scope="Night staffing"]')).to_contain_text("1")

    figures = page.locator(".report-figures")
    await expect(figures.locator('[data-figure="posts"] dd')).to_contain_text(
        "3 (2 ideas, 1 comment"
    )
    await expect(figures.locator('[data-figure="likes"] dd')).to_have_text("3")
    await expect(figures.locator('[data-figure="dislikes"] dd')).to_have_text("1")
    await expect(page.locator('tr[data-scope="Staffing"]')).to_contain_text("2")
    assert await page.locator("svg.chart__svg").count() >= 4
    assert await serious_accessibility_violations(page) == []

    # A CSV download of the draft.
    async with page.expect_download() as waiting:
        await page.get_by_role("button", name="Download CSV").click()
    download = await waiting.value
    assert re.fullmatch(r"report-[0-9a-f-]+-draft\.csv", download.suggested_filename)
    rows = list(csv.DictReader(io.StringIO((await download.path()).read_text(encoding="utf-8"))))
    posts = next(
        r
        for r in rows
        if (r["table"], r["scope"], r["measure"]) == ("figures", "conversation", "posts")
    )
    assert posts["value"] == "3"

    # Publishing asks first.
    await page.get_by_role("button", name="Publish this report").click()
    await expect(page.get_by_role("heading", name="Publish the report?")).to_be_focused()
    await page.get_by_role("button", name="Publish", exact=True).click()
    await page.wait_for_url(re.compile(r"report\?version=1$"))
    await expect(page.locator(".report-status")).to_contain_text("Version 1.")
    await expect(
        page.get_by_role("link", name=re.compile(r"^Version 1, published .* by Sam Facilitator$"))
    ).to_be_visible()

    # The sponsor now reads version 1 from the conversation's page.
    await sign_in_as(page, sponsor)
    await page.goto(f"/#/conversations/{cid}")
    await page.get_by_role("link", name="Summary report").click()
    await expect(page.locator(".report-status")).to_contain_text("Version 1.")
    await expect(page.locator('.report-figures [data-figure="posts"] dd')).to_contain_text("3")
    await expect(page.locator('tr[data-scope="Breaks"]')).to_be_visible()
    await expect(
        page.get_by_role("region", name="By theme").locator('tr[data-scope="Night staffing"]')
    ).to_be_visible()
    await expect(page.get_by_role("button", name="Publish this report")).to_have_count(0)
    await expect(page.get_by_role("link", name=re.compile("Sam Facilitator"))).to_have_count(0)
    assert await page.locator("figure.chart svg[role=img]").count() >= 4
    assert await serious_accessibility_violations(page) == []
    async with page.expect_download() as waiting:
        await page.get_by_role("button", name="Download JSON").click()
    assert (await waiting.value).suggested_filename.endswith("-v1.json")
    await screenshot(page, "report-sponsor-desktop")

    # On paper: the report without the header, the buttons or the versions.
    await page.emulate_media(media="print")
    await expect(page.locator(".header")).to_be_hidden()
    await expect(page.locator(".report-actions")).to_be_hidden()
    await expect(page.locator(".report-versions")).to_be_hidden()
    await expect(page.locator("figure.chart").first).to_be_visible()
    await page.emulate_media(media="screen")

    await page.set_viewport_size(PHONE)
    await page.reload()
    await expect(page.locator(".report-status")).to_contain_text("Version 1.")
    assert not await has_horizontal_scroll(page)
    assert await serious_accessibility_violations(page) == []
    await screenshot(page, "report-sponsor-phone")
