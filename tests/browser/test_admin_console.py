"""The admin console in a real browser: an admin creates a conversation with two sections
and reorders them, imports staff from a CSV file (a bad row is refused line by line, the
corrected file goes in, a second import adds nothing), watches the invitations reach the
SMTP server, and makes one of the new people a facilitator."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import (
    PHONE,
    Seeder,
    has_horizontal_scroll,
    screenshot,
    serious_accessibility_violations,
    sign_in,
    wait_for_email,
)
from tests.support.smtp import SmtpServer

pytestmark = pytest.mark.browser

LONDON = ZoneInfo("Europe/London")
BAD_CSV = (
    "email,name,staff_group\n"
    "ana.lopez@trust.example,Ana Lopez,Nursing\n"
    "not-an-address,Ben Okafor,Estates\n"
)
GOOD_CSV = BAD_CSV.replace("not-an-address", "ben.okafor@trust.example")


async def test_an_admin_sets_up_a_conversation_and_invites_its_staff(
    page: Page, seed: Seeder, smtp_server: SmtpServer
) -> None:
    await seed.admin()
    heading = page.get_by_role("heading", level=1)
    findings: dict[str, list[str]] = {}

    async def check(name: str) -> None:
        await expect(page.locator("main[aria-busy]")).to_have_count(0)
        findings[name] = await serious_accessibility_violations(page)
        assert not await has_horizontal_scroll(page), f"{name} scrolls sideways"
        await screenshot(page, name)

    await sign_in(page, seed.admin_email)
    await (
        page.get_by_role("navigation", name="Your account")
        .get_by_role("link", name="Administration")
        .click()
    )
    await expect(heading).to_have_text("Administration")
    await check("admin-home")
    await page.get_by_role("link", name="Create a conversation").click()
    await expect(heading).to_have_text("Create a conversation")

    # The form checks the window before anything is sent.
    opens = datetime.now(LONDON).replace(second=0, microsecond=0) - timedelta(hours=1)
    closes = opens + timedelta(days=21)
    await page.get_by_label("Title").fill("Our hospital, our say")
    await page.get_by_label("Introduction").fill("Tell us what would make work better.")
    await page.get_by_label("Opens").fill(closes.strftime("%Y-%m-%dT%H:%M"))
    await page.get_by_label("Closes").fill(opens.strftime("%Y-%m-%dT%H:%M"))
    await page.get_by_role("button", name="Create the conversation").click()
    summary = page.get_by_role("alert", name="There is a problem")
    await expect(summary).to_contain_text("The closing time must be after the opening time")
    await expect(summary).to_be_focused()
    await check("admin-new-conversation-errors")

    await page.get_by_label("Opens").fill(opens.strftime("%Y-%m-%dT%H:%M"))
    await page.get_by_label("Closes").fill(closes.strftime("%Y-%m-%dT%H:%M"))
    await page.get_by_label("Pre-moderation").check()
    await page.get_by_label("Email domains that may join").fill("@Wards.example\ntrust.example")
    await page.get_by_label("Smallest group a report may show").fill("4")
    await page.get_by_label("Days to keep personal data").fill("60")
    await page.get_by_role("button", name="Create the conversation").click()
    await expect(summary).to_contain_text("Enter a whole number of 5 or more")
    await page.get_by_label("Smallest group a report may show").fill("12")
    await page.get_by_role("button", name="Create the conversation").click()

    # Sections: two added, then put in the other order.
    await expect(heading).to_have_text("Sections")
    await expect(page.get_by_role("status").first).to_contain_text("has been created")
    cid = re.search(r"/admin/conversations/([0-9a-f-]{36})/sections", page.url).group(1)  # type: ignore[union-attr]
    conversation = await seed.call("GET", f"/api/conversations/{cid}")
    assert conversation["moderation_mode"] == "pre"
    assert conversation["time_zone"] == "Europe/London"
    assert datetime.fromisoformat(conversation["opens_at"]) == opens
    assert datetime.fromisoformat(conversation["closes_at"]) == closes
    assert conversation["allowed_email_domains"] == ["wards.example", "trust.example"]
    assert (conversation["min_group_size"], conversation["retention_days"]) == (12, 60)

    for title in ("Rotas and breaks", "Car parking"):
        await page.get_by_label("Title").fill(title)
        await page.get_by_role("button", name="Add the section").click()
        added = page.get_by_role("status").filter(has_text=f"“{title}” has been added")
        await expect(added).to_be_focused()
    titles = page.locator(".admin-sections__item h3")
    await expect(titles).to_have_text(["Rotas and breaks", "Car parking"])
    await page.get_by_role("button", name="Move up “Car parking”").click()
    await expect(titles).to_have_text(["Car parking", "Rotas and breaks"])
    # Focus stays with the section that moved: it is first now, so on its "Move down".
    await expect(page.get_by_role("button", name="Move down “Car parking”")).to_be_focused()
    sections = await seed.call("GET", f"/api/conversations/{cid}/sections")
    assert [s["title"] for s in sections] == ["Car parking", "Rotas and breaks"]
    await check("admin-sections")

    # Import: the bad row is refused, line by line, and nothing is imported.
    admin_nav = page.get_by_role("navigation", name="Conversation administration")
    await admin_nav.get_by_role("link", name="Import staff").click()
    await expect(heading).to_have_text("Import staff")
    csv_file = page.get_by_label("CSV file", exact=True)
    await csv_file.set_input_files(
        files=[{"name": "staff.csv", "mimeType": "text/csv", "buffer": BAD_CSV.encode()}]
    )
    await page.get_by_role("button", name="Import", exact=True).click()
    summary = page.get_by_role("alert", name="There is a problem")
    await expect(summary).to_contain_text("nothing was imported")
    refused = page.get_by_role("table", name="Refused lines and why")
    await expect(refused.get_by_role("row")).to_have_count(2)  # the header and line 3
    line = refused.get_by_role("row").nth(1)
    await expect(line.get_by_role("rowheader")).to_have_text("3")
    await expect(line).to_contain_text("email")
    await expect(line).to_contain_text("@-sign")
    assert await seed.db.fetchval("SELECT count(*) FROM accounts") == 1, "only the admin"
    await check("admin-import-refused")

    # The corrected file goes in: a report row by row, and invitations queued.
    await csv_file.set_input_files(
        files=[{"name": "staff.csv", "mimeType": "text/csv", "buffer": GOOD_CSV.encode()}]
    )
    await page.get_by_role("button", name="Import", exact=True).click()
    report_heading = page.get_by_role("heading", name="Import report")
    await expect(report_heading).to_be_focused()
    await expect(summary).to_be_hidden()
    rows = page.get_by_role("table", name="Each row of the file").get_by_role("row")
    await expect(rows).to_have_count(3)
    await expect(rows.nth(1)).to_contain_text("ana.lopez@trust.example")
    await expect(rows.nth(1)).to_contain_text("Created")
    await expect(rows.nth(2)).to_contain_text("ben.okafor@trust.example")
    await check("admin-import-report")

    # Invitations: the totals change as the live server's outbox delivers.
    await page.get_by_role("link", name="Follow the invitations as they go out").click()
    await expect(heading).to_have_text("Invitations")
    totals = page.get_by_role("definition")
    sent = page.locator("[data-total='sent'] .admin-total")
    await expect(sent).to_have_text("2")
    await expect(page.locator("[data-total='queued'] .admin-total")).to_have_text("0")
    await expect(page.locator("[data-total='failed'] .admin-total")).to_have_text("0")
    await expect(totals.first).to_be_visible()
    for address in ("ana.lopez@trust.example", "ben.okafor@trust.example"):
        invitation = await wait_for_email(smtp_server, address)
        assert "invited" in invitation["Subject"]
    await check("admin-invitations")

    # The same file again: nothing new, nobody invited twice.
    await admin_nav.get_by_role("link", name="Import staff").click()
    await expect(heading).to_have_text("Import staff")
    await page.get_by_label("CSV file", exact=True).set_input_files(
        files=[{"name": "staff.csv", "mimeType": "text/csv", "buffer": GOOD_CSV.encode()}]
    )
    await page.get_by_role("button", name="Import", exact=True).click()
    await expect(page.get_by_role("heading", name="Import report")).to_be_focused()
    await expect(page.get_by_text("Nothing new in staff.csv")).to_be_visible()
    await expect(
        page.get_by_role("table", name="Each row of the file").get_by_role("row").nth(2)
    ).to_contain_text("Already imported")
    assert await seed.db.fetchval("SELECT count(*) FROM outbox_messages") == 2

    # A role, by email.
    await page.goto("/#/admin/roles")
    await expect(heading).to_have_text("Give someone a role")
    await page.get_by_label("Their email address").fill("ben.okafor@trust.example")
    await page.get_by_label("Facilitator").check()
    await page.get_by_role("button", name="Give the role").click()
    done = page.get_by_role("status").filter(
        has_text="ben.okafor@trust.example is now a facilitator"
    )
    await expect(done).to_be_focused()
    role = await seed.db.fetchval(
        "SELECT role FROM accounts WHERE email = 'ben.okafor@trust.example'"
    )
    assert role == "facilitator"
    await check("admin-roles")

    assert findings == {name: [] for name in findings}, findings


async def test_an_admin_is_refused_what_makes_no_sense_and_resends_a_failed_invitation(
    page: Page, seed: Seeder, smtp_server: SmtpServer
) -> None:
    conversation = await seed.conversation(title="Staff voice 2026")
    cid = conversation["id"]
    busy = await seed.section(cid, "Rotas and breaks")
    await seed.section(cid, "Spare section")
    author = await seed.voter(cid)
    await seed.idea(author, cid, busy["id"], "Protected breaks", "Breaks nobody can cancel.")
    invited = await seed.participant(cid, invite=True, password=None)
    await wait_for_email(smtp_server, invited)
    # Its invitation is now given up on, as if the mail server had refused it every time.
    await seed.db.execute("UPDATE outbox_messages SET status = 'dead', attempts = 8")
    heading = page.get_by_role("heading", level=1)
    await page.set_viewport_size(PHONE)
    await sign_in(page, seed.admin_email)

    # Settings: a window that closes before it opens is refused; a new title is saved.
    await page.goto(f"/#/admin/conversations/{cid}")
    await expect(heading).to_have_text("Settings")
    await expect(page.get_by_text("will be deleted on")).to_be_visible()
    await page.get_by_label("Closes").fill("2020-01-01T09:00")
    await page.get_by_role("button", name="Save changes").click()
    await expect(page.get_by_role("alert", name="There is a problem")).to_contain_text(
        "The closing time must be after the opening time"
    )
    await page.get_by_label("Closes").fill(
        datetime.fromisoformat(conversation["closes_at"])
        .astimezone(LONDON)
        .strftime("%Y-%m-%dT%H:%M")
    )
    await page.get_by_label("Title").fill("Staff voice, spring 2026")
    await page.get_by_label("Days to keep personal data").fill("45")
    await page.get_by_role("button", name="Save changes").click()
    await expect(page.get_by_role("status")).to_contain_text("Your changes have been saved")
    await expect(heading).to_be_focused()
    saved = await seed.call("GET", f"/api/conversations/{cid}")
    assert saved["title"] == "Staff voice, spring 2026"
    assert saved["closes_at"] == conversation["closes_at"], "an unchanged time is not sent"
    assert (saved["retention_days"], saved["retention_days_is_default"]) == (45, False)
    assert (saved["min_group_size"], saved["allowed_email_domains"]) == (10, [])

    # A section that holds an idea cannot be deleted: the API's reason is shown.
    await page.goto(f"/#/admin/conversations/{cid}/sections")
    await page.get_by_role("button", name="Delete “Rotas and breaks”").click()
    await expect(page.get_by_role("heading", name="Delete “Rotas and breaks”?")).to_be_focused()
    await page.get_by_role("button", name="Delete the section").click()
    await expect(page.get_by_role("alert", name="There is a problem")).to_contain_text(
        "holds 1 idea"
    )
    await page.get_by_role("button", name="Cancel").click()
    await expect(page.get_by_role("button", name="Delete “Rotas and breaks”")).to_be_focused()
    await page.get_by_role("button", name="Delete “Spare section”").click()
    await page.get_by_role("button", name="Delete the section").click()
    await expect(page.locator(".admin-sections__item h3")).to_have_text(["Rotas and breaks"])
    await expect(page.get_by_role("heading", name="Sections in order")).to_be_focused()
    assert not await has_horizontal_scroll(page), "the sections page scrolls sideways"
    assert await serious_accessibility_violations(page) == []

    # A help page: what is not allowed is removed, and the preview shows what staff will see.
    await page.goto(f"/#/admin/conversations/{cid}/pages")
    faq = page.get_by_role("region", name="Frequently asked questions")
    await faq.get_by_label("Text").fill(
        '<p>Who runs it? <a href="https://trust.example/voice">The voice team</a>.</p>'
        '<iframe src="https://elsewhere.example"></iframe>'
    )
    await faq.get_by_role("button", name="Save").click()
    await expect(faq.get_by_role("status")).to_contain_text("has been saved")
    preview = faq.get_by_role("region", name="Preview of Frequently asked questions")
    await expect(preview.get_by_role("link", name="The voice team")).to_be_visible()
    assert "iframe" not in await faq.get_by_label("Text").input_value()
    page_out = await seed.call("GET", f"/api/conversations/{cid}/pages/faq")
    assert "Who runs it?" in page_out["body_html"]
    assert "iframe" not in page_out["body_html"]

    # The failed invitation: counted, resent once with a fresh link, delivered.
    await page.goto(f"/#/admin/conversations/{cid}/invitations")
    await expect(page.locator("[data-total='failed'] .admin-total")).to_have_text("1")
    await page.get_by_role("button", name="Resend the failed invitations").click()
    await expect(page.get_by_role("status").filter(has_text="sent again")).to_be_focused()
    await expect(page.locator("[data-total='sent'] .admin-total")).to_have_text("1")
    await expect(page.locator("[data-total='failed'] .admin-total")).to_have_text("0")
    await expect(page.get_by_role("button", name="Resend the failed invitations")).to_have_count(0)
    for _ in range(50):
        if len(smtp_server.to(invited)) == 2:
            break
        await asyncio.sleep(0.1)
    assert len(smtp_server.to(invited)) == 2, "the first invitation and the resent one"
    assert not await has_horizontal_scroll(page), "the invitations page scrolls sideways"
    assert await serious_accessibility_violations(page) == []

    # A larger file: each step of the progress is shown, and the report shows its first rows.
    big = "email,staff_group\n" + "".join(f"s{n:05}@trust.example,Nursing\n" for n in range(2_500))
    await page.goto(f"/#/admin/conversations/{cid}/import")
    await page.get_by_label("CSV file", exact=True).set_input_files(
        files=[{"name": "everyone.csv", "mimeType": "text/csv", "buffer": big.encode()}]
    )
    await page.get_by_label("Email each new person an invitation").uncheck()
    await page.evaluate(
        """() => {
            window.importSteps = [];
            const label = document.querySelector(".import-progress__label");
            new MutationObserver(() => window.importSteps.push(label.textContent))
                .observe(label, { childList: true, characterData: true, subtree: true });
        }"""
    )
    await page.get_by_role("button", name="Import", exact=True).click()
    await expect(page.get_by_role("heading", name="Import report")).to_be_focused(timeout=30_000)
    await expect(
        page.get_by_text("everyone.csv has been imported: 2,500 new people")
    ).to_be_visible()
    await expect(page.get_by_text("The first 1,000 of 2,500 rows are shown.")).to_be_visible()
    steps = await page.evaluate("window.importSteps")
    assert steps[0].startswith("Step 1 of 3: reading the file"), steps
    assert any(s.startswith("Step 2 of 3: sending the file") for s in steps), steps
    assert steps[-1] == "Step 3 of 3: checking and importing 2,500 rows", steps
    await expect(page.locator(".import-progress")).to_be_hidden()
    assert await seed.db.fetchval("SELECT count(*) FROM outbox_messages") == 1, "none invited"
