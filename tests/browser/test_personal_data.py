"""A participant's own data through the SPA: downloading it as JSON and CSV, and erasing the
account with either choice for the posts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import PASSWORD, Seeder, sign_in, sign_in_as

pytestmark = pytest.mark.browser

TITLE = "Self-rostering for ward staff"


async def test_own_data_downloads_as_json_and_csv(page: Page, seed: Seeder, tmp_path: Path) -> None:
    conversation = await seed.conversation()
    section = await seed.section(conversation["id"], "Rotas", "")
    email = await seed.participant(conversation["id"])
    await seed.idea(
        await seed.token(email), conversation["id"], section["id"], TITLE, "Let teams choose."
    )

    await sign_in(page, email)
    await page.get_by_role("link", name="My posts").click()
    await page.get_by_role("link", name="your data", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Your data")

    async with page.expect_download() as download_info:
        await page.get_by_role("button", name="Download my data (JSON)").click()
    download = await download_info.value
    assert download.suggested_filename.endswith(".json")
    saved = tmp_path / download.suggested_filename
    await download.save_as(saved)
    exported = json.loads(saved.read_text())
    assert [idea["title"] for idea in exported["ideas"]] == [TITLE]
    assert exported["profile"]["email"] == email
    await expect(page.get_by_role("status").filter(has_text="has been downloaded")).to_be_visible()

    async with page.expect_download() as download_info:
        await page.get_by_role("button", name="Download my data (CSV)").click()
    download = await download_info.value
    assert download.suggested_filename.endswith(".csv")
    saved = tmp_path / download.suggested_filename
    await download.save_as(saved)
    assert TITLE in saved.read_text(encoding="utf-8")


@pytest.mark.parametrize("choice", ["keep", "withdraw"])
async def test_erasing_the_account_signs_out_for_good(
    page: Page, seed: Seeder, choice: str
) -> None:
    conversation = await seed.conversation()
    cid = conversation["id"]
    section = await seed.section(cid, "Rotas", "")
    email = await seed.participant(cid)
    idea = await seed.idea(await seed.token(email), cid, section["id"], TITLE, "Let teams choose.")
    reader = await seed.voter(cid)
    heading = page.get_by_role("heading", level=1)

    await sign_in(page, email)
    await page.get_by_role("link", name="Your data: download or erase").click()
    await expect(heading).to_have_text("Your data")
    form = page.get_by_role("form", name="Erase your account")
    await expect(form.get_by_text("can never be changed again")).to_be_visible()
    await expect(form.get_by_text("taken out of the counts")).to_be_visible()

    # Both the choice and the confirmation are required.
    await form.get_by_role("button", name="Erase my account").click()
    summary = page.get_by_role("alert", name="There is a problem")
    await expect(summary).to_be_focused()
    await expect(summary).to_contain_text("Choose what should happen to your posts")
    await expect(summary).to_contain_text("Tick the box to confirm")
    label = "Keep my posts, anonymously" if choice == "keep" else "Withdraw my posts"
    await form.get_by_label(label).check()
    await form.get_by_label("I understand that erasing my account cannot be undone").check()
    await form.get_by_role("button", name="Erase my account").click()

    await expect(heading).to_have_text("Your account has been erased")
    await expect(page).to_have_url(re.compile(r"#/account-erased$"))
    await expect(page.locator("#erase-answer")).not_to_be_empty()
    await expect(page.get_by_role("navigation", name="Your account")).to_be_hidden()
    await expect(page.get_by_text(label)).to_be_visible()

    # The session is gone, and the account with it: signing in is refused.
    await page.goto("/#/my-posts")
    await expect(heading).to_have_text("Sign in")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("alert", name="There is a problem")).to_be_visible()
    await expect(heading).to_have_text("Sign in")

    # The idea stays, anonymous (keep), or is gone from the conversation (withdraw).
    listed = await seed.call(
        "GET", f"/api/conversations/{cid}/ideas?section_id={section['id']}", token=reader
    )
    titles = [i["title"] for i in listed["items"]]
    assert titles == ([TITLE] if choice == "keep" else [])

    if choice == "keep":
        # Its author can no longer be reached: the facilitator is told so, plainly.
        facilitator = await seed.participant(None, role="facilitator", name="Sam Facilitator")
        await sign_in_as(page, facilitator)
        await page.goto(f"/#/conversations/{cid}/moderation/idea/{idea['id']}")
        message = page.get_by_role("form", name="Message the author")
        await message.get_by_label("Subject").fill("A question about your idea")
        await message.get_by_label("Message").fill("Could you tell us more?")
        await message.get_by_role("button", name="Send message").click()
        await expect(message.get_by_role("alert")).to_contain_text("can no longer be reached")
