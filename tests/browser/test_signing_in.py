"""Signing in through the SPA, in a real Chromium against the live server."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import BrowserContext, Page, expect

from tests.browser.conftest import (
    PASSWORD,
    LiveServer,
    Seeder,
    link_in,
    sign_in,
    wait_for_email,
)
from tests.support.smtp import SmtpServer

pytestmark = pytest.mark.browser

NEW_PASSWORD = "lantern orchard pebble violin"
HOME = re.compile(r"#/$")


async def test_invitation_email_leads_to_a_password_the_conversation_and_back(
    page: Page, seed: Seeder, smtp_server: SmtpServer, live_server: LiveServer
) -> None:
    conversation = await seed.conversation()
    email = await seed.participant(conversation["id"], password=None, invite=True)

    link = link_in(await wait_for_email(smtp_server, email))
    assert link.startswith(f"{live_server.url}/#/set-password?token=")
    await page.goto(link)
    heading = page.get_by_role("heading", level=1)
    await expect(heading).to_have_text("Choose your password")
    await page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    await page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    await page.get_by_role("button", name="Save password and sign in").click()

    await expect(page).to_have_url(HOME)
    await expect(heading).to_have_text("Welcome to Candour")
    await expect(heading).to_be_focused()
    await expect(page.get_by_role("status")).to_contain_text("Your password is saved")
    await page.get_by_role("link", name=conversation["title"]).click()

    await expect(page).to_have_url(re.compile(rf"#/conversations/{conversation['id']}$"))
    await expect(heading).to_have_text(conversation["title"])
    await expect(heading).to_be_focused()
    await expect(page.get_by_text("Tell us what would make the biggest difference")).to_be_visible()
    await expect(page.get_by_text("Open", exact=True)).to_be_visible()

    await page.get_by_role("button", name="Sign out").click()
    await expect(heading).to_have_text("Sign in")
    await expect(page.get_by_role("status")).to_have_text("You have signed out.")
    await page.goto("/#/")
    await expect(page).to_have_url(re.compile(r"#/sign-in$"))

    await sign_in(page, email, NEW_PASSWORD)
    await expect(page.get_by_role("link", name=conversation["title"])).to_be_visible()


async def test_used_link_says_so_and_offers_a_new_one(page: Page, live_server: LiveServer) -> None:
    await page.goto("/#/set-password?token=" + "x" * 43)
    await page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    await page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    await page.get_by_role("button", name="Save password and sign in").click()

    alert = page.get_by_role("alert")
    await expect(alert).to_contain_text("This sign-in link is not valid")
    await expect(alert).to_be_focused()
    await alert.get_by_role("link", name="Ask for a new sign-in link").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Get a new sign-in link")


async def test_new_password_is_checked_before_it_is_sent(
    page: Page, live_server: LiveServer
) -> None:
    await page.goto("/#/set-password?token=" + "x" * 43)
    await page.get_by_label("New password", exact=True).fill("short")
    await page.get_by_label("Confirm new password").fill("different")
    await page.get_by_role("button", name="Save password and sign in").click()

    await expect(page.get_by_label("New password", exact=True)).to_have_accessible_description(
        re.compile("Error: Your password must be at least 10 characters$")
    )
    await expect(page.get_by_label("Confirm new password")).to_have_accessible_description(
        "Error: The passwords do not match"
    )
    await expect(page.get_by_role("alert")).to_be_focused()


async def test_wrong_password_is_announced_in_the_error_summary(page: Page, seed: Seeder) -> None:
    email = await seed.participant(None)
    await page.goto("/#/sign-in")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password", exact=True).fill("not my password at all")
    await page.get_by_role("button", name="Sign in").click()

    alert = page.get_by_role("alert")
    await expect(alert).to_contain_text("There is a problem")
    await expect(alert).to_contain_text("The email address or password is not right.")
    await expect(alert).to_be_focused()
    await expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    await expect(page.get_by_label("Password", exact=True)).to_have_value("")
    await alert.get_by_role("link").click()
    await expect(page.get_by_label("Email address")).to_be_focused()


async def test_missing_details_are_named_beside_their_fields(
    page: Page, live_server: LiveServer
) -> None:
    await page.goto("/#/sign-in")
    await page.get_by_role("button", name="Sign in").click()

    email = page.get_by_label("Email address")
    await expect(email).to_have_attribute("aria-invalid", "true")
    await expect(email).to_have_accessible_description("Error: Enter your email address")
    await expect(page.get_by_label("Password", exact=True)).to_have_accessible_description(
        "Error: Enter your password"
    )
    await expect(page.get_by_role("alert")).to_contain_text("Enter your email address")

    await email.fill("not-an-address")
    await page.get_by_role("button", name="Sign in").click()
    await expect(email).to_have_accessible_description(
        "Error: Enter an email address in the correct format, like name@example.com"
    )


async def test_request_link_answers_the_same_for_unknown_and_known_addresses(
    page: Page, seed: Seeder, smtp_server: SmtpServer
) -> None:
    known = await seed.participant(None)
    answers = []
    for address in ("nobody@elsewhere.example", known):
        await page.goto("/#/sign-in")
        await page.get_by_role("link", name="Send me a new sign-in link").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Get a new sign-in link")
        await page.get_by_label("Email address").fill(address)
        await page.get_by_role("button", name="Send me a link").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
        answer = page.get_by_role("status")
        await expect(answer).to_contain_text("If this address may take part")
        answers.append(await answer.inner_text())

    assert answers[0] == answers[1]
    await wait_for_email(smtp_server, known)
    assert smtp_server.to("nobody@elsewhere.example") == []


async def test_signed_out_visit_is_sent_to_sign_in_and_back(page: Page, seed: Seeder) -> None:
    conversation = await seed.conversation()
    email = await seed.participant(conversation["id"])

    await page.goto("/#/")
    await expect(page).to_have_url(re.compile(r"#/sign-in$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")

    await page.goto(f"/#/conversations/{conversation['id']}")
    await expect(page).to_have_url(re.compile(r"#/sign-in\?next="))
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(conversation["title"])


async def test_session_token_is_out_of_reach_of_scripts(
    page: Page, context: BrowserContext, seed: Seeder
) -> None:
    email = await seed.participant(None)
    async with page.expect_response("**/api/auth/login") as answer:
        await sign_in(page, email)
    token = (await (await answer.value).json())["access_token"]

    readable = await page.evaluate("document.cookie")
    assert "candour_session" not in readable
    assert token not in readable
    assert "candour_csrf=" in readable
    stored = await page.evaluate(
        "JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])"
    )
    assert token not in stored
    assert stored == "[[],[]]"
    session = next(c for c in await context.cookies() if c["name"] == "candour_session")
    assert session["httpOnly"] is True
    assert session["sameSite"] == "Strict"


async def test_sign_in_with_the_keyboard_alone(page: Page, seed: Seeder) -> None:
    email = await seed.participant(None)
    await page.goto("/#/sign-in")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")

    await page.keyboard.press("Tab")
    await expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    await page.keyboard.press("Enter")
    await page.keyboard.press("Tab")
    await expect(page.get_by_label("Email address")).to_be_focused()
    await page.keyboard.type(email)
    await page.keyboard.press("Tab")
    await expect(page.get_by_label("Password", exact=True)).to_be_focused()
    await page.keyboard.type(PASSWORD)
    await page.keyboard.press("Enter")

    heading = page.get_by_role("heading", level=1)
    await expect(heading).to_have_text("Welcome to Candour")
    await expect(heading).to_be_focused()


async def test_change_password_sends_the_csrf_token_and_takes_effect(
    page: Page, context: BrowserContext, seed: Seeder
) -> None:
    email = await seed.participant(None)
    await sign_in(page, email)
    await page.get_by_role("link", name="Change password").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")

    await page.get_by_label("Current password").fill("not the current one")
    await page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    await page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    await page.get_by_role("button", name="Change password").click()
    await expect(page.get_by_role("alert")).to_contain_text("The current password is not right.")

    await page.get_by_label("Current password").fill(PASSWORD)
    csrf = next(c["value"] for c in await context.cookies() if c["name"] == "candour_csrf")
    async with page.expect_request("**/api/auth/change-password") as sent:
        await page.get_by_role("button", name="Change password").click()
    assert (await sent.value).headers.get("x-csrf-token") == csrf
    await expect(page.get_by_role("status")).to_contain_text("Your password has been changed")

    await page.get_by_role("button", name="Sign out").click()
    await sign_in(page, email, NEW_PASSWORD)
