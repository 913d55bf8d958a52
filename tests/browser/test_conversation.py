"""Taking part in a conversation through the SPA: sections, ideas, comments, votes, search
and "my posts", in a real Chromium against the live server."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.async_api import Browser, Locator, Page, Route, expect

from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    LiveServer,
    Seeder,
    has_horizontal_scroll,
    screenshot,
    serious_accessibility_violations,
    sign_in,
)

pytestmark = pytest.mark.browser


@dataclass
class World:
    """A conversation with two sections, and another participant who has posted in it."""

    conversation: dict[str, Any]
    section: dict[str, Any]
    other_section: dict[str, Any]
    other: str  # the other participant's bearer token
    email: str  # the participant who uses the browser

    @property
    def cid(self) -> str:
        return str(self.conversation["id"])

    def section_url(self, section: dict[str, Any] | None = None) -> str:
        return f"/#/conversations/{self.cid}/sections/{(section or self.section)['id']}"

    def idea_url(self, idea: dict[str, Any]) -> str:
        return f"/#/conversations/{self.cid}/ideas/{idea['id']}"


async def world(seed: Seeder, **conversation: Any) -> World:
    created = await seed.conversation(**conversation)
    section = await seed.section(
        created["id"],
        "Rotas, breaks and handovers",
        "How shifts are planned, and how we hand over between them.",
    )
    other_section = await seed.section(
        created["id"], "Getting to work", "Parking, buses, cycling and the walk in."
    )
    other = await seed.voter(created["id"])
    email = await seed.participant(created["id"])
    return World(created, section, other_section, other, email)


def card(page: Page, title: str) -> Locator:
    return page.locator(".idea-card").filter(has=page.get_by_role("link", name=title, exact=True))


async def settled(page: Page) -> None:
    await expect(page.locator("main[aria-busy]")).to_have_count(0)


async def tab_to(page: Page, target: Locator, limit: int = 40) -> None:
    """Press Tab until ``target`` has focus, as a keyboard user would."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{target} never took focus after {limit} presses of Tab")


async def test_participant_posts_comments_votes_edits_and_withdraws(
    page: Page, seed: Seeder
) -> None:
    w = await world(seed)
    theirs = await seed.idea(
        w.other, w.cid, w.section["id"], "Protected breaks on every shift",
        "A break nobody can call you back from.\n\nEven on the busiest days.",
    )  # fmt: skip
    their_comment = await seed.comment(w.other, w.cid, theirs["id"], "A quiet room would help.")
    heading = page.get_by_role("heading", level=1)

    await sign_in(page, w.email)
    await page.get_by_role("link", name=w.conversation["title"]).click()
    await expect(heading).to_have_text(w.conversation["title"])
    await expect(page.get_by_role("link", name="Rotas, breaks and handovers")).to_be_visible()
    await expect(page.get_by_text("1 idea", exact=True)).to_be_visible()
    await page.get_by_role("link", name="Rotas, breaks and handovers").click()
    await expect(heading).to_have_text("Rotas, breaks and handovers")
    await expect(heading).to_be_focused()

    # Post an idea: it is first in the author's own list, and marked as the reader's own.
    await page.get_by_text("Post an idea", exact=True).click()
    title = page.get_by_label("Title", exact=True)
    await title.fill("Self-rostering for ward staff")
    await expect(page.get_by_text("You have 171 characters remaining")).to_be_visible()
    await page.get_by_label("Your idea").fill(
        "Let teams build their own rota.\n\nIt works elsewhere."
    )
    async with page.expect_request(re.compile(r"/api/conversations/[^/]+/ideas$")) as sent:
        await page.get_by_role("button", name="Post your idea").click()
    key = (await sent.value).headers.get("idempotency-key", "")
    assert re.fullmatch(r"[0-9a-f]{32}", key), "each new idea carries a random idempotency key"
    notice = page.get_by_role("status").filter(has_text="Your idea has been posted")
    await expect(notice).to_be_focused()
    first = page.locator(".idea-card").first
    await expect(first.get_by_role("link")).to_have_text("Self-rostering for ward staff")
    await expect(first.get_by_text("Your idea")).to_be_visible()
    await expect(card(page, "Protected breaks on every shift")).to_be_visible()

    # Comment on the other participant's idea, and reply to their comment.
    await page.get_by_role("link", name="Protected breaks on every shift").click()
    await expect(heading).to_have_text("Protected breaks on every shift")
    await expect(page.get_by_text("Even on the busiest days.")).to_be_visible()
    await expect(page.get_by_text(their_comment["body"])).to_be_visible()
    await page.get_by_label("Your comment").fill("We tried this on ward 7 and it worked.")
    await page.get_by_role("button", name="Post comment").click()
    mine = page.locator(".comment").filter(has_text="We tried this on ward 7")
    await expect(mine.locator(".comment__card")).to_be_focused()
    await expect(mine.get_by_text("Your comment", exact=True)).to_be_visible()
    await expect(page.get_by_text("2 comments, oldest first.")).to_be_visible()

    reply_button = page.get_by_role("button", name="Reply to comment 1")
    await reply_button.click()
    await expect(reply_button).to_have_attribute("aria-expanded", "true")
    await expect(page.get_by_label("Your reply")).to_be_focused()
    await page.get_by_label("Your reply").fill("A quiet room with a kettle, please.")
    await page.get_by_role("button", name="Post reply").click()
    reply = page.locator(".comment-replies .comment").first
    await expect(reply).to_contain_text("with a kettle")
    await expect(reply.locator(".comment__card")).to_be_focused()
    await expect(page.get_by_label("Your reply")).to_have_count(0)

    # Vote on a comment; edit one's own comment; withdraw one's own reply.
    comment_votes = page.get_by_role("group", name="Votes on comment 1")
    await comment_votes.get_by_role("button", name="Like: 0", exact=True).click()
    await expect(comment_votes.get_by_role("button", name="Like: 1", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    await mine.get_by_role("button", name="Edit your comment").click()
    await expect(page.get_by_label("Edit your comment")).to_be_focused()
    await page.get_by_label("Edit your comment").fill("We tried this on ward 7: it worked well.")
    await page.get_by_role("button", name="Save changes").click()
    await expect(mine.locator(".comment__card")).to_be_focused()
    await expect(mine).to_contain_text("it worked well.")
    await expect(mine.get_by_text("Edited", exact=True)).to_be_visible()
    await reply.get_by_role("button", name="Withdraw your reply").click()
    await expect(page.get_by_role("heading", name="Withdraw your reply?")).to_be_focused()
    await page.get_by_role("button", name="Yes, withdraw my reply").click()
    await expect(reply.get_by_text("Withdrawn by its author.")).to_be_visible()
    await expect(page.get_by_text("with a kettle")).to_have_count(0)
    await expect(page.get_by_text("2 comments, oldest first.")).to_be_visible()

    # Like it: the count changes at once and persists; then dislike; then take the vote back.
    votes = page.get_by_role("group", name="Votes on this idea")
    await votes.get_by_role("button", name="Like: 0", exact=True).click()
    like = votes.get_by_role("button", name="Like: 1", exact=True)
    await expect(like).to_have_attribute("aria-pressed", "true")
    await expect(votes).not_to_have_attribute("aria-busy", "true")  # saved, not just shown
    await page.reload()
    await expect(like).to_have_attribute("aria-pressed", "true")
    await votes.get_by_role("button", name="Dislike: 0", exact=True).click()
    await expect(votes.get_by_role("button", name="Dislike: 1", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    await expect(votes.get_by_role("button", name="Like: 0", exact=True)).to_have_attribute(
        "aria-pressed", "false"
    )
    await votes.get_by_role("button", name="Dislike: 1", exact=True).click()
    await expect(votes.get_by_role("button", name="Dislike: 0", exact=True)).to_have_attribute(
        "aria-pressed", "false"
    )
    await expect(votes).not_to_have_attribute("aria-busy", "true")
    await page.reload()
    await expect(votes.get_by_role("button", name="Like: 0", exact=True)).to_be_visible()
    await expect(votes.get_by_role("button", name="Dislike: 0", exact=True)).to_have_attribute(
        "aria-pressed", "false"
    )

    # Edit the new idea in place.
    await page.get_by_role("link", name="Rotas, breaks and handovers").first.click()
    await page.get_by_role("link", name="Self-rostering for ward staff").click()
    await expect(heading).to_have_text("Self-rostering for ward staff")
    await page.get_by_role("button", name="Edit your idea").click()
    await expect(page.get_by_label("Title", exact=True)).to_be_focused()
    await page.get_by_label("Title", exact=True).fill("Self-rostering for every ward")
    await page.get_by_role("button", name="Save changes").click()
    await expect(
        page.get_by_role("status").filter(has_text="Your idea has been updated")
    ).to_be_focused()
    await expect(heading).to_have_text("Self-rostering for every ward")
    await expect(page.get_by_text("Edited", exact=True)).to_be_visible()
    await expect(page).to_have_title(re.compile("^Self-rostering for every ward"))

    # Withdraw it, after a confirmation step.
    await page.get_by_role("button", name="Withdraw your idea").click()
    confirm = page.get_by_role("heading", name="Withdraw your idea?")
    await expect(confirm).to_be_focused()
    await page.get_by_role("button", name="Yes, withdraw my idea").click()
    await expect(heading).to_have_text("Withdrawn idea")
    await expect(page.get_by_text("Withdrawn by its author.")).to_be_visible()
    await expect(
        page.get_by_role("status").filter(has_text="Your idea has been withdrawn")
    ).to_be_visible()
    await expect(page.get_by_text("Let teams build their own rota")).to_have_count(0)
    await expect(page.get_by_label("Your comment")).to_have_count(0)

    await page.get_by_role("link", name="Rotas, breaks and handovers").first.click()
    await expect(heading).to_have_text("Rotas, breaks and handovers")
    await expect(card(page, "Protected breaks on every shift")).to_be_visible()
    await expect(page.locator(".idea-card")).to_have_count(1)

    # My posts lists all three, with their status.
    await page.get_by_role("link", name="My posts").click()
    await expect(heading).to_have_text("My posts")
    rows = page.locator(".post-row")
    await expect(rows).to_have_count(3)
    withdrawn = rows.filter(has=page.get_by_role("link", name="Withdrawn idea"))
    await expect(withdrawn.get_by_text("Withdrawn", exact=True)).to_be_visible()
    comment_row = rows.filter(has_text="We tried this on ward 7")
    await expect(comment_row.get_by_text("Published", exact=True)).to_be_visible()
    reply_row = rows.filter(has_text="A reply to a comment")
    await expect(reply_row.get_by_role("link", name="Withdrawn reply")).to_be_visible()
    await comment_row.get_by_role("link").click()
    await expect(page.locator(".comment__card").filter(has_text="ward 7")).to_be_focused()


async def test_sorting_and_showing_more_ideas(page: Page, seed: Seeder) -> None:
    w = await world(seed)
    ideas = [
        await seed.idea(w.other, w.cid, w.section["id"], f"Idea {n:02}", f"Body of idea {n}.")
        for n in range(1, 24)
    ]
    for n, idea in enumerate(ideas, start=1):
        await seed.backdate("ideas", idea["id"], hours=24 - n)  # Idea 23: this hour
    voters = [await seed.voter(w.cid) for _ in range(4)]
    for voter in voters:
        await seed.vote(voter, w.cid, ideas[4]["id"], "like")  # Idea 05: most liked
    for voter, vote in zip(voters, ["like", "like", "dislike", "dislike"], strict=True):
        await seed.vote(voter, w.cid, ideas[6]["id"], vote)  # Idea 07: most divided
    for text in ("First thought.", "Second thought."):
        await seed.comment(voters[0], w.cid, ideas[11]["id"], text)  # Idea 12: most discussed

    await sign_in(page, w.email)
    await page.goto(w.section_url())
    await expect(page.get_by_role("heading", level=1)).to_have_text("Rotas, breaks and handovers")
    titles = page.locator(".idea-card__link")
    await expect(titles).to_have_count(20)
    await expect(titles.first).to_have_text("Idea 23")
    await expect(page.get_by_text("Showing 20 of 23 ideas, newest first.")).to_be_visible()

    await page.get_by_role("button", name="Show more ideas").click()
    await expect(titles).to_have_count(23)
    await expect(titles.nth(20)).to_be_focused()
    await expect(titles.last).to_have_text("Idea 01")
    await expect(page.get_by_role("button", name="Show more ideas")).to_be_hidden()

    sort = page.get_by_label("Sort ideas by")
    for value, top in (
        ("most_liked", "Idea 05"),
        ("most_discussed", "Idea 12"),
        ("most_divided", "Idea 07"),
    ):
        await sort.focus()
        await sort.select_option(value)
        await expect(titles.first).to_have_text(top)
        await expect(titles).to_have_count(20)
        await expect(sort).to_be_focused()
    await expect(page).to_have_url(re.compile(r"\?sort=most_divided$"))
    await expect(
        card(page, "Idea 07").get_by_role("button", name="Like: 2", exact=True)
    ).to_be_visible()
    await expect(
        card(page, "Idea 07").get_by_role("button", name="Dislike: 2", exact=True)
    ).to_be_visible()

    await page.reload()
    await expect(sort).to_have_value("most_divided")
    await expect(titles.first).to_have_text("Idea 07")
    await page.get_by_role("button", name="Show more ideas").click()
    await expect(titles).to_have_count(23)
    shown = await titles.all_inner_texts()
    assert sorted(shown) == sorted(f"Idea {n:02}" for n in range(1, 24)), "none lost or repeated"


async def test_search_finds_an_idea_by_a_word_stem(page: Page, seed: Seeder) -> None:
    w = await world(seed)
    await seed.idea(
        w.other, w.cid, w.section["id"], "Fairer rotas for weekends",
        "Weekend shifts should be shared out evenly.",
    )  # fmt: skip
    parking = await seed.idea(
        w.other, w.cid, w.other_section["id"], "Car parking for night staff",
        "Spaces close to the door after dark.",
    )  # fmt: skip
    await seed.comment(w.other, w.cid, parking["id"], "And a rota for the spaces near A&E.")

    await sign_in(page, w.email)
    await page.goto(f"/#/conversations/{w.cid}")
    await page.get_by_label("Search ideas and comments").fill("rota")
    await page.get_by_role("button", name="Search").click()

    heading = page.get_by_role("heading", level=1)
    await expect(heading).to_have_text("Search results for “rota”")
    await expect(heading).to_be_focused()
    await expect(page.get_by_role("link", name="Fairer rotas for weekends")).to_be_visible()
    await expect(
        page.get_by_role("link", name="And a rota for the spaces near A&E.")
    ).to_be_visible()
    await expect(page.get_by_role("link", name="Car parking for night staff")).to_have_count(0)
    await expect(page.get_by_text("2 results, best match first.")).to_be_visible()

    # Narrowed to one section, only the idea there is found.
    await page.get_by_label("In section").select_option(label="Rotas, breaks and handovers")
    await page.get_by_role("button", name="Search").click()
    await expect(page.get_by_text("1 result, best match first.")).to_be_visible()
    await expect(page).to_have_url(re.compile(r"search\?q=rota&section="))

    await page.get_by_label("Search ideas and comments").fill("x")
    await page.get_by_role("button", name="Search").click()
    await expect(page.get_by_role("alert", name="There is a problem")).to_contain_text(
        "Enter at least 2 characters"
    )

    await page.get_by_label("Search ideas and comments").fill("helicopter")
    await page.get_by_role("button", name="Search").click()
    await expect(page.get_by_text("No ideas or comments match your search.")).to_be_visible()


async def test_closed_conversation_is_read_only(page: Page, seed: Seeder) -> None:
    w = await world(seed)
    idea = await seed.idea(
        w.other, w.cid, w.section["id"], "Later finishes on Fridays", "Handover at 20:00."
    )
    await seed.comment(w.other, w.cid, idea["id"], "Agreed.")

    await sign_in(page, w.email)
    await page.goto(w.section_url())
    like = card(page, "Later finishes on Fridays").get_by_role("button", name="Like: 0", exact=True)
    await expect(like).to_be_enabled()

    # It closes while the page is open: the vote is refused, undone, and the reason shown.
    await seed.close(w.cid)
    await like.click()
    await expect(
        page.get_by_role("alert").filter(has_text="This conversation has closed")
    ).to_be_visible()
    await expect(like).to_have_attribute("aria-pressed", "false")

    await page.reload()
    await settled(page)
    await expect(page.get_by_text("Closed", exact=True)).to_be_visible()
    await expect(
        page.get_by_text("This conversation is closed: it is now read-only")
    ).to_be_visible()
    await expect(page.get_by_text("Post an idea")).to_have_count(0)
    await expect(like).to_be_disabled()

    await page.get_by_role("link", name="Later finishes on Fridays").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Later finishes on Fridays")
    await expect(page.get_by_text("Agreed.")).to_be_visible()
    await expect(page.get_by_text("it is now read-only")).to_be_visible()
    for button in await page.locator("main .vote").all():
        await expect(button).to_be_disabled()
    await expect(page.get_by_label("Your comment")).to_have_count(0)
    await expect(page.get_by_role("button", name=re.compile("^Reply"))).to_have_count(0)


async def test_script_in_posts_and_pages_is_shown_as_text_and_never_runs(
    page: Page, seed: Seeder
) -> None:
    w = await world(seed)
    title = "<script>window.__xss = 'title'</script>Night shifts"
    body = "<img src=x onerror=\"window.__xss = 'body'\"> and <b>bold</b>"
    comment = "<script>window.__xss = 'comment'</script><img src=x onerror=alert(1)>"
    idea = await seed.idea(w.other, w.cid, w.section["id"], title, body)
    await seed.comment(w.other, w.cid, idea["id"], comment)
    await seed.page(
        w.cid,
        "faq",
        "Questions and answers",
        '<p>See the <a href="https://www.nhs.uk/">NHS website</a>.</p>'
        "<ul><li>Anonymous</li><li>Three weeks</li></ul>"
        "<script>window.__xss = 'page'</script>"
        "<img src=x onerror=\"window.__xss = 'page image'\">",
    )

    await sign_in(page, w.email)
    await page.goto(w.section_url())
    await expect(page.get_by_role("link", name=title)).to_be_visible()
    await expect(page.get_by_text(body)).to_be_visible()
    await page.get_by_role("link", name=title).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(title)
    await expect(page.get_by_text(body)).to_be_visible()
    await expect(page.get_by_text(comment)).to_be_visible()
    await page.get_by_label("Your comment").fill("<script>window.__xss = 'mine'</script>")
    await page.get_by_role("button", name="Post comment").click()
    await expect(page.get_by_text("<script>window.__xss = 'mine'</script>")).to_be_visible()
    await expect(page).to_have_title(re.compile(re.escape(title)))
    assert await page.locator("main script, main img, main b").count() == 0

    await page.goto(f"/#/conversations/{w.cid}/pages/faq")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Questions and answers")
    link = page.get_by_role("link", name="NHS website")
    await expect(link).to_have_attribute("href", "https://www.nhs.uk/")
    await expect(page.locator("main .rich-text li")).to_have_text(["Anonymous", "Three weeks"])
    assert await page.locator("main script, main img").count() == 0


async def test_page_rebuilds_only_allowed_html_even_if_the_api_let_more_through(
    browser: Browser, live_server: LiveServer, seed: Seeder
) -> None:
    """The API sanitises pages; the SPA does not rely on it. Here the API's answer is
    replaced by hostile HTML: only allowed elements and attributes reach the page, and
    the Content-Security-Policy blocks (and reports) the handlers the inert parse meets."""
    w = await world(seed)
    hostile = (
        '<p onclick="window.__xss = \'click\'">Call <a href="tel:111">111</a></p>'
        "<script>window.__xss = 'script'</script>"
        "<img src=x onerror=\"window.__xss = 'image'\">"
        "<a href=\"javascript:window.__xss = 'link'\">Do not follow</a>"
        '<iframe src="https://example.org/"></iframe>'
        '<h2 style="color: red">Out of hours</h2><ol><li>Switchboard</li></ol>'
    )

    async def unsanitised(route: Route) -> None:
        await route.fulfill(
            json={"kind": "support", "title": "Support services", "body_html": hostile}
        )

    context = await browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    reports: list[str] = []
    try:
        page = await context.new_page()
        page.on("pageerror", lambda error: reports.append(f"script error: {error}"))
        page.on(
            "console",
            lambda m: reports.append(m.text) if "Failed to load resource" not in m.text else None,
        )
        await sign_in(page, w.email)
        await page.route("**/api/conversations/*/pages/support", unsanitised)
        await page.goto(f"/#/conversations/{w.cid}/pages/support")
        await expect(page.get_by_role("heading", level=1)).to_have_text("Support services")
        await expect(page.get_by_role("link", name="111")).to_have_attribute("href", "tel:111")
        await expect(page.get_by_role("heading", name="Out of hours")).to_be_visible()
        await expect(page.get_by_text("Switchboard")).to_be_visible()
        await expect(page.get_by_text("Do not follow")).to_be_visible()
        await expect(page.get_by_role("link", name="Do not follow")).to_have_count(0)
        rich = page.locator("main .rich-text")
        assert await rich.locator("script, img, iframe, [onclick], [style]").count() == 0
        await rich.get_by_text("Call").click()
        assert await page.evaluate("typeof window.__xss") == "undefined"
    finally:
        await context.close()
    assert reports, "the inert parse met the handlers; the CSP should have reported them"
    assert all("violates the following Content Security Policy" in r for r in reports), reports
    assert all("has been blocked" in r for r in reports), reports


async def test_like_and_comment_with_the_keyboard_alone(page: Page, seed: Seeder) -> None:
    w = await world(seed)
    await seed.idea(w.other, w.cid, w.section["id"], "Water fountains on every floor", "Please.")

    await sign_in(page, w.email)
    await page.goto(w.section_url())
    heading = page.get_by_role("heading", level=1)
    await expect(heading).to_have_text("Rotas, breaks and handovers")
    await settled(page)
    await tab_to(page, page.get_by_role("link", name="Water fountains on every floor"))
    await page.keyboard.press("Enter")
    await expect(heading).to_have_text("Water fountains on every floor")
    await expect(heading).to_be_focused()

    await page.keyboard.press("Tab")
    like = page.get_by_role("button", name="Like: 0", exact=True)
    await expect(like).to_be_focused()
    await page.keyboard.press("Space")
    await expect(page.get_by_role("button", name="Like: 1", exact=True)).to_be_focused()
    await expect(page.get_by_role("button", name="Like: 1", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )

    await tab_to(page, page.get_by_label("Your comment"))
    await page.keyboard.type("Filtered water would be even better.")
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("button", name="Post comment")).to_be_focused()
    await page.keyboard.press("Enter")
    posted = page.locator(".comment__card").filter(has_text="Filtered water")
    await expect(posted).to_be_focused()
    await expect(page.get_by_label("Your comment")).to_have_value("")


async def test_facilitator_reads_but_has_no_posting_or_voting(page: Page, seed: Seeder) -> None:
    w = await world(seed)
    idea = await seed.idea(w.other, w.cid, w.section["id"], "Lockers for bank staff", "Please.")
    await seed.vote(w.other, w.cid, idea["id"], "like")
    await seed.comment(w.other, w.cid, idea["id"], "Yes, and showers.")
    facilitator = await seed.participant(None, role="facilitator")

    await sign_in(page, facilitator)
    await expect(page.get_by_role("link", name="My posts")).to_have_count(0)
    await page.goto(w.section_url())
    await expect(page.get_by_role("link", name="Lockers for bank staff")).to_be_visible()
    await expect(page.get_by_text("You are reading as staff")).to_be_visible()
    await expect(page.get_by_text("1 like, 0 dislikes")).to_be_visible()
    await expect(page.get_by_text("Post an idea")).to_have_count(0)
    await expect(page.locator("main .vote")).to_have_count(0)

    await page.get_by_role("link", name="Lockers for bank staff").click()
    await expect(page.get_by_text("Yes, and showers.")).to_be_visible()
    await expect(page.locator("main .vote")).to_have_count(0)
    await expect(page.get_by_label("Your comment")).to_have_count(0)
    await expect(
        page.get_by_role("button", name=re.compile("^(Reply|Edit|Withdraw)"))
    ).to_have_count(0)


async def test_conversation_pages_pass_axe_and_are_photographed(page: Page, seed: Seeder) -> None:
    """axe-core finds nothing serious or critical on the conversation's pages, at desktop
    and phone widths. Screenshots go to test-artifacts/screenshots/ for people to review."""
    w = await world(seed, title="Making our hospital a better place to work")
    await seed.page(
        w.cid,
        "faq",
        "Questions and answers",
        "<h2>Who can see what I post?</h2><p>Everyone taking part can read it, but nobody — "
        "not even the facilitators — can see <strong>who</strong> wrote it.</p>"
        "<h2>How long is it open?</h2><p>Three weeks. See the "
        '<a href="https://www.nhs.uk/">NHS website</a> for more.</p>'
        "<ul><li>Post ideas</li><li>Comment and reply</li><li>Like and dislike</li></ul>",
    )
    await seed.page(w.cid, "support", "Support services", "<p>Call the staff line on 1234.</p>")
    theirs = await seed.idea(
        w.other, w.cid, w.section["id"], "Protected breaks on every shift",
        "A break nobody can call you back from, with somewhere quiet to take it.\n\n"
        "On the busiest days this matters most: that is when breaks are skipped.",
    )  # fmt: skip
    await seed.idea(
        w.other, w.cid, w.section["id"], "Handover sheets that match the electronic record",
        "We copy the same things twice at every handover.",
    )  # fmt: skip
    voter = await seed.voter(w.cid)
    await seed.vote(voter, w.cid, theirs["id"], "like")
    first = await seed.comment(w.other, w.cid, theirs["id"], "A quiet room would help a lot.")
    await seed.comment(voter, w.cid, theirs["id"], "Agreed — ward 7 has one.", first["id"])
    my_token = await seed.token(w.email)
    mine = await seed.idea(
        my_token, w.cid, w.section["id"], "Self-rostering for ward staff",
        "Let teams build their own rota.",
    )  # fmt: skip
    await seed.comment(my_token, w.cid, theirs["id"], "We tried this and it worked.")
    await seed.vote(my_token, w.cid, theirs["id"], "like")

    heading = page.get_by_role("heading", level=1)
    findings: dict[str, list[str]] = {}

    async def check(name: str) -> None:
        await settled(page)
        findings[name] = await serious_accessibility_violations(page)
        assert not await has_horizontal_scroll(page), f"{name} scrolls sideways"
        await screenshot(page, name)

    await sign_in(page, w.email)
    for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        await page.set_viewport_size(viewport)
        await page.goto(f"/#/conversations/{w.cid}")
        await expect(heading).to_have_text(w.conversation["title"])
        await check(f"conversation-home-{width}")

        await page.goto(w.section_url())
        await expect(heading).to_have_text("Rotas, breaks and handovers")
        await check(f"section-{width}")
        await page.get_by_text("Post an idea", exact=True).click()
        await page.get_by_role("button", name="Post your idea").click()
        await expect(page.get_by_role("alert", name="There is a problem")).to_contain_text(
            "Enter a title for your idea"
        )
        await check(f"section-post-errors-{width}")

        await page.goto(w.idea_url(theirs))
        await expect(heading).to_have_text("Protected breaks on every shift")
        await page.get_by_role("button", name="Reply to comment 1").click()
        await check(f"idea-{width}")

        await page.goto(w.idea_url(mine))
        await expect(heading).to_have_text("Self-rostering for ward staff")
        await page.get_by_role("button", name="Withdraw your idea").click()
        await check(f"idea-own-withdraw-{width}")

        await page.goto(f"/#/conversations/{w.cid}/search?q=break")
        await expect(heading).to_have_text("Search results for “break”")
        await check(f"search-{width}")

        await page.goto("/#/my-posts")
        await expect(heading).to_have_text("My posts")
        await check(f"my-posts-{width}")

        await page.goto(f"/#/conversations/{w.cid}/pages/faq")
        await expect(heading).to_have_text("Questions and answers")
        await check(f"faq-{width}")

    await seed.close(w.cid)
    await page.set_viewport_size(DESKTOP)
    await page.goto(w.section_url())
    await expect(page.get_by_text("it is now read-only")).to_be_visible()
    await check("section-closed-desktop")

    assert {name: found for name, found in findings.items() if found} == {}
