"""Stored XSS: hostile markup posted through the API in every kind of text — titles,
bodies, comments, report notes, relay messages and replies, section and conversation
titles, rich-text pages — is viewed in the SPA by each role (participant, facilitator,
admin) and must never run.

Every payload calls ``alert`` (a ``dialog`` event) and sets ``window.__xss``; the test
watches both, plus the ``securitypolicyviolation`` events of the page. The SPA writes
user text as text (``textContent``) and rebuilds rich text element by element
(``components/rich-text.js``), so hostile markup is never even parsed into the page: a
CSP violation here would mean that it was, and that only the policy stopped it. The
``context`` fixture also fails a test on any script or console error.

A last test writes hostile HTML straight into the database (a rich-text page the API's
sanitiser never saw), to check the SPA's own sanitiser: nothing runs there either.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import DESKTOP, LiveServer, Seeder, sign_in, sign_in_as

pytestmark = pytest.mark.browser

# Short enough for a 200-character title; each would call alert if it ever became markup.
TITLE = '<img src=x onerror="alert(1);window.__xss=1"><svg onload=alert(2)>'
BODY = (
    "<script>alert(3);window.__xss=1</script>"
    '<a href="javascript:alert(4)">click me</a>'
    '"><iframe srcdoc="<script>parent.alert(5)</script>"></iframe>'
    '<details open ontoggle="alert(6)">x</details>'
    "{{constructor.constructor('alert(7)')()}}"
)
RICH_TEXT = (
    "<p>Where to find help</p>"
    + BODY
    + '<p onclick="alert(8)" style="background:url(javascript:alert(9))">styled</p>'
    + '<img src=x onerror="alert(10)"><svg><script>alert(11)</script></svg>'
    + '<a href="jAvAsCrIpT:alert(12)">mixed case</a><a href="https://example.org">fine</a>'
)
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@dataclass
class Watch:
    dialogs: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on("dialog", self._on_dialog)

    async def _on_dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        await dialog.dismiss()

    async def assert_nothing_ran(self, page: Page, where: str) -> None:
        await expect(page.locator("main[aria-busy]")).to_have_count(0)
        ran = await page.evaluate("window.__xss")
        violations = await page.evaluate("window.__violations")
        assert self.dialogs == [], f"{where}: a payload opened a dialog {self.dialogs}"
        assert ran is None, f"{where}: a payload ran"
        assert violations == [], f"{where}: markup reached the page; CSP refused {violations}"
        main = page.locator("main")
        assert (
            await main.locator("script, iframe, [onerror], [onload], [ontoggle], [onclick]").count()
            == 0
        )
        assert await main.locator('a[href^="javascript" i]').count() == 0, where


@pytest.fixture
async def watched(context: BrowserContext) -> AsyncIterator[tuple[Page, Watch]]:
    await context.add_init_script(WATCH)
    page = await context.new_page()
    watch = Watch()
    watch.attach(page)
    yield page, watch


@dataclass
class Hostile:
    cid: str
    section_id: str
    idea_id: str
    comment_id: str
    thread_id: str
    author: str
    facilitator: str


async def _hostile_conversation(seed: Seeder) -> Hostile:
    conversation = await seed.conversation(title=TITLE, introduction=BODY)
    cid = conversation["id"]
    section = await seed.section(cid, TITLE, BODY)
    await seed.page(cid, "support", TITLE, RICH_TEXT)
    author = await seed.participant(cid)
    author_token = await seed.token(author)
    reader_token = await seed.voter(cid)
    idea = await seed.idea(author_token, cid, section["id"], TITLE, BODY)
    comment = await seed.comment(reader_token, cid, idea["id"], BODY)
    await seed.call(
        "POST",
        f"/api/conversations/{cid}/reports",
        {"target_kind": "idea", "target_id": idea["id"], "category": "other", "note": BODY},
        token=reader_token,
    )
    facilitator = await seed.participant(None, role="facilitator", name=TITLE[:60])
    thread = await seed.call(
        "POST",
        f"/api/conversations/{cid}/messages",
        {"target_kind": "idea", "target_id": idea["id"], "subject": TITLE, "body": BODY},
        token=await seed.token(facilitator),
    )
    await seed.call(
        "POST", f"/api/me/messages/{thread['id']}/replies", {"body": BODY}, token=author_token
    )
    return Hostile(cid, section["id"], idea["id"], comment["id"], thread["id"], author, facilitator)


async def test_participants_see_hostile_text_as_text(
    watched: tuple[Page, Watch], seed: Seeder
) -> None:
    page, watch = watched
    h = await _hostile_conversation(seed)
    await sign_in(page, h.author)
    base = f"/#/conversations/{h.cid}"
    views = {
        "conversation home": base,
        "section list": f"{base}/sections/{h.section_id}",
        "idea": f"{base}/ideas/{h.idea_id}",
        "search results": f"{base}/search?q=click",
        "my posts": f"{base}/my-posts",
        "inbox": "/#/inbox",
        "support page": f"{base}/pages/support",
    }
    for name, url in views.items():
        await page.goto(url)
        await watch.assert_nothing_ran(page, name)
    # The markup is shown, literally, as what someone typed.
    await page.goto(f"{base}/ideas/{h.idea_id}")
    await expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    await expect(page.get_by_text("click me").first).to_be_visible()
    await page.goto(f"{base}/pages/support")
    await expect(page.get_by_role("link", name="fine")).to_be_visible()
    await watch.assert_nothing_ran(page, "support page, again")


async def test_facilitators_and_admins_see_hostile_text_as_text(
    watched: tuple[Page, Watch], seed: Seeder
) -> None:
    page, watch = watched
    h = await _hostile_conversation(seed)
    base = f"/#/conversations/{h.cid}"
    await sign_in(page, h.facilitator)
    for name, url in {
        "moderation queue": f"{base}/moderation",
        "moderation post": f"{base}/moderation/idea/{h.idea_id}",
        "moderation comment": f"{base}/moderation/comment/{h.comment_id}",
        "relay threads": f"{base}/messages",
        "relay thread": f"{base}/messages/{h.thread_id}",
        "audit log": f"{base}/audit",
    }.items():
        await page.goto(url)
        await watch.assert_nothing_ran(page, name)
    await expect(page.locator("main")).to_contain_text("onerror")  # shown, as text

    await sign_in_as(page, seed.admin_email)
    for name, url in {
        "admin console": "/#/admin",
        "conversation settings": f"/#/admin/conversations/{h.cid}",
        "sections": f"/#/admin/conversations/{h.cid}/sections",
        "pages editor": f"/#/admin/conversations/{h.cid}/pages",
    }.items():
        await page.goto(url)
        await watch.assert_nothing_ran(page, name)


async def test_hostile_html_that_bypassed_the_api_still_does_not_run(
    browser: Browser, live_server: LiveServer, seed: Seeder
) -> None:
    """A page body written straight into the table (a restore, a migration, a bug in the
    API's sanitiser): the SPA's own allow-list drops the scripts, handlers and
    ``javascript:`` links. Chromium may report CSP refusals while parsing the inert copy
    (see ``components/rich-text.js``); what matters is that nothing runs and nothing
    hostile reaches the page."""
    conversation = await seed.conversation()
    cid = conversation["id"]
    await seed.page(cid, "faq", "Questions", "<p>Placeholder</p>")
    await seed.db.execute(
        "UPDATE pages SET body_html = $1 WHERE conversation_id = $2 AND kind = 'faq'",
        RICH_TEXT,
        __import__("uuid").UUID(cid),
    )
    reader = await seed.participant(cid)
    context = await browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    try:
        await context.add_init_script(WATCH)
        page = await context.new_page()
        watch = Watch()
        watch.attach(page)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await sign_in(page, reader)
        await page.goto(f"/#/conversations/{cid}/pages/faq")
        await expect(page.get_by_text("Where to find help")).to_be_visible()
        await expect(page.get_by_role("link", name="fine")).to_have_attribute(
            "href", re.compile(r"^https://example\.org")
        )
        assert watch.dialogs == [] and await page.evaluate("window.__xss") is None
        assert errors == []
        main = page.locator("main")
        assert await main.locator("script, iframe, svg, img, [onclick], [style]").count() == 0
        assert await main.locator('a[href^="javascript" i]').count() == 0
        violations = await page.evaluate("window.__violations")
        assert all(v.split()[0] in {"script-src-attr", "script-src-elem", "script-src",
                                    "frame-src", "child-src", "img-src", "style-src-attr"}
                   for v in violations), violations  # fmt: skip
    finally:
        await context.close()
