"""How the SPA's pages look and behave for everyone: on a phone, to axe-core, and with
hostile text in a conversation."""

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
)

pytestmark = pytest.mark.browser

LONG_TITLE = "Rotas, rest breaks and handovers: what would make the biggest difference on wards"


async def test_home_fits_a_phone_screen_without_sideways_scrolling(
    page: Page, seed: Seeder
) -> None:
    conversation = await seed.conversation(title=LONG_TITLE)
    await seed.conversation(title="Supercalifragilisticexpialidocious" * 3)
    email = await seed.participant(conversation["id"])
    await page.set_viewport_size(PHONE)

    await sign_in(page, email)
    await expect(page.get_by_role("link", name=LONG_TITLE)).to_be_visible()
    assert not await has_horizontal_scroll(page)

    await page.get_by_role("link", name=LONG_TITLE).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(LONG_TITLE)
    assert not await has_horizontal_scroll(page)


async def test_every_page_passes_axe_and_is_photographed_at_desktop_and_phone_widths(
    page: Page, seed: Seeder
) -> None:
    """axe-core finds nothing serious or critical on any page, in its plain state or with
    its errors showing. Screenshots go to test-artifacts/screenshots/ for people to review."""
    conversation = await seed.conversation(title=LONG_TITLE)
    await seed.conversation(title="Car parking and getting to work", open_now=False)
    email = await seed.participant(conversation["id"])
    heading = page.get_by_role("heading", level=1)
    findings: dict[str, list[str]] = {}

    async def check(name: str) -> None:
        await expect(page.locator("main[aria-busy]")).to_have_count(0)
        findings[name] = await serious_accessibility_violations(page)
        assert not await has_horizontal_scroll(page), f"{name} scrolls sideways"
        await screenshot(page, name)

    for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        await page.set_viewport_size(viewport)
        await page.context.clear_cookies()
        await page.goto("about:blank")  # a fresh load: the SPA forgets who was signed in

        await page.goto("/#/sign-in")
        await expect(heading).to_have_text("Sign in")
        await check(f"sign-in-{width}")
        await page.get_by_role("button", name="Sign in").click()
        await expect(page.get_by_role("alert")).to_be_visible()
        await check(f"sign-in-errors-{width}")

        await page.goto("/#/request-link")
        await expect(heading).to_have_text("Get a new sign-in link")
        await check(f"request-link-{width}")
        await page.get_by_label("Email address").fill("someone@trust.example")
        await page.get_by_role("button", name="Send me a link").click()
        await expect(heading).to_have_text("Check your email")
        await check(f"request-link-sent-{width}")

        await page.goto("/#/set-password?token=" + "x" * 43)
        await expect(heading).to_have_text("Choose your password")
        await check(f"set-password-{width}")
        await page.get_by_label("New password", exact=True).fill("lantern orchard pebble")
        await page.get_by_label("Confirm new password").fill("lantern orchard pebble")
        await page.get_by_role("button", name="Save password and sign in").click()
        await expect(page.get_by_role("alert")).to_contain_text("not valid")
        await check(f"set-password-errors-{width}")

        await sign_in(page, email)
        await check(f"home-{width}")

        await page.get_by_role("link", name=LONG_TITLE).click()
        await expect(heading).to_have_text(LONG_TITLE)
        await check(f"conversation-{width}")

        await page.goto("/#/change-password")
        await expect(heading).to_have_text("Change your password")
        await check(f"change-password-{width}")

        await page.goto("/#/no-such-page")
        await expect(heading).to_have_text("Page not found")
        await check(f"not-found-{width}")

        if width == "desktop":
            # Staff roles see every conversation, whatever its state.
            await page.get_by_role("button", name="Sign out").click()
            await sign_in(page, seed.admin_email)
            await expect(page.get_by_text("Not open yet")).to_be_visible()
            await check("home-admin-desktop")
            await page.get_by_role("button", name="Sign out").click()
            await expect(heading).to_have_text("Sign in")

    assert {name: found for name, found in findings.items() if found} == {}


async def test_script_in_a_conversation_is_shown_as_text_and_never_runs(
    page: Page, seed: Seeder
) -> None:
    title = "<script>window.__xss = 'title'</script>Staff voice"
    introduction = (
        "<img src=x onerror=\"window.__xss = 'image'\">\n\n"
        "<script>window.__xss = 'introduction'</script>"
    )
    conversation = await seed.conversation(title=title, introduction=introduction)
    email = await seed.participant(conversation["id"])

    await sign_in(page, email)
    await expect(page.get_by_role("link", name=title)).to_be_visible()
    await page.get_by_role("link", name=title).click()

    await expect(page.get_by_role("heading", level=1)).to_have_text(title)
    await expect(page.get_by_text("<img src=x onerror=", exact=False)).to_be_visible()
    await expect(page.get_by_text("<script>window.__xss = 'introduction'</script>")).to_be_visible()
    assert await page.locator("main script, main img").count() == 0
    assert await page.evaluate("typeof window.__xss") == "undefined"
    await expect(page).to_have_title(re.compile(re.escape(title)))
