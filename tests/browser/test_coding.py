"""The analysts' coding pages in the SPA: a facilitator builds a coding frame (codes under
codes, a rename, a name refused, a merge), codes one idea whole and another by an excerpt
selected in its text, accepts a theme suggestion renamed and confirms one of its pre-coded
posts, reads the frame's versions and a comparison, and sees the agreement with a second
analyst; a participant is told the pages are for facilitators. axe-core on every page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import Locator, Page, expect

from tests.browser.conftest import (
    PHONE,
    SCREENSHOTS,
    Seeder,
    has_horizontal_scroll,
    screenshot,
    serious_accessibility_violations,
    sign_in,
    sign_in_as,
)

pytestmark = pytest.mark.browser

# Three obvious themes, four posts each: the clustering has something to find.
IDEAS = [
    (
        "Staff parking",
        "The staff car park is full by seven, so parking means circling for a space.",
    ),
    ("Parking permits", "Parking permits cost too much for part-time staff who park twice a week."),
    (
        "Car park lighting",
        "The car park needs lighting; walking to a parked car after a night shift is grim.",
    ),
    ("Park and ride", "A park and ride bus would free up parking spaces in the staff car park."),
    (
        "Rota six weeks ahead",
        "Publish the rota six weeks ahead so we can plan childcare around shifts.",
    ),
    ("Rota swaps", "Let us swap shifts on the rota without three signatures."),
    (
        "Fair rota for nights",
        "The night shift rota always lands on the same people; share the shifts.",
    ),
    (
        "Rota changes",
        "Last-minute rota changes wreck plans; shifts should be fixed once published.",
    ),
    (
        "Canteen at night",
        "The canteen closes at eight, so night staff get no hot food from the canteen.",
    ),
    ("Canteen prices", "Canteen food prices went up again; a staff canteen discount would help."),
    ("Healthy canteen food", "More healthy canteen food please, the canteen menu is all chips."),
    ("Canteen queues", "Canteen queues at lunch take half the break; open a second canteen till."),
]
# An emoji and an accent before the excerpt: JavaScript counts UTF-16 units, the API code
# points, so the offsets only come out right if the page converts them.
EXCERPT_IDEA = ("Night food", "The café 🍲 shuts early, so there is no hot food after midnight.")
EXCERPT = "no hot food after midnight"


async def settled(page: Page) -> None:
    await expect(page.locator("main[aria-busy]")).to_have_count(0)


async def no_serious_findings(page: Page, name: str) -> None:
    await settled(page)
    assert await serious_accessibility_violations(page) == [], name
    await screenshot(page, f"coding-{name}")


async def flashed(page: Page, text: str) -> None:
    await expect(page.locator(".notice[role=status]")).to_contain_text(text)


async def select_in(body: Locator, text: str) -> None:
    """Select `text` in a post's body, as a person dragging over it would."""
    await body.evaluate(
        """(element, wanted) => {
            const node = element.firstChild;
            const at = node.data.indexOf(wanted);
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + wanted.length);
            const selection = document.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }""",
        text,
    )


async def seeded(seed: Seeder) -> dict[str, Any]:
    conversation = await seed.conversation()
    cid = conversation["id"]
    section = await seed.section(cid, "Working here", "Anything about the working day.")
    author = await seed.voter(cid)
    ideas = {}
    for title, body in [*IDEAS, EXCERPT_IDEA]:
        ideas[title] = await seed.idea(author, cid, section["id"], title, body)
    facilitator = await seed.participant(None, role="facilitator", name="Sam Facilitator")
    colleague = await seed.participant(None, role="facilitator", name="Kim Colleague")
    return {
        "conversation": conversation,
        "cid": cid,
        "ideas": ideas,
        "facilitator": facilitator,
        "colleague": colleague,
        "participant": await seed.participant(cid),
    }


async def test_a_facilitator_builds_a_frame_codes_posts_and_accepts_a_theme(
    page: Page, seed: Seeder
) -> None:
    s = await seeded(seed)
    cid = s["cid"]
    heading = page.get_by_role("heading", level=1)

    # A participant who finds the address is told the pages are not for them.
    await sign_in(page, s["participant"])
    await page.goto(f"/#/conversations/{cid}/coding")
    await expect(heading).to_have_text("For facilitators only")
    await expect(page.get_by_text("part of the facilitators' console")).to_be_visible()

    # The facilitator reaches the frame from the console's navigation.
    await sign_in_as(page, s["facilitator"])
    await page.get_by_role("link", name=s["conversation"]["title"]).click()
    await (
        page.get_by_role("navigation", name="Facilitator console")
        .get_by_role("link", name="Coding")
        .click()
    )
    await expect(heading).to_have_text("Coding frame")
    await expect(page.get_by_text("The frame is empty")).to_be_visible()
    await no_serious_findings(page, "frame-empty")

    add = page.get_by_role("form", name="Add a code")
    for name in ("Rotas", "Food", "Meals"):
        await add.get_by_label("Name").fill(name)
        await add.get_by_role("button", name="Add code").click()
        await flashed(page, f"“{name}” has been added to the frame.")
    await add.get_by_label("Name").fill("Night shifts")
    await add.get_by_label("Put it under").select_option(label="Rotas")
    await add.get_by_role("button", name="Add code").click()
    await flashed(page, "“Night shifts” has been added")
    tree = page.locator(".code-tree").first
    rotas = tree.locator("li[data-code='Rotas']")
    await expect(rotas.locator(".code-tree--nested li[data-code='Night shifts']")).to_have_count(1)

    # A name a sibling already has (ignoring case) is refused with the API's words.
    await add.get_by_label("Name").fill("rotas")
    await add.get_by_role("button", name="Add code").click()
    summary = add.get_by_role("alert")
    await expect(summary).to_be_focused()
    await expect(summary).to_contain_text("There is a problem")
    await expect(summary).to_contain_text(re.compile("rotas|name", re.IGNORECASE))

    rename = page.get_by_role("form", name="Rename or describe a code")
    await rename.get_by_label("Code", exact=True).select_option(label="Food")
    await expect(rename.get_by_label("New name")).to_have_value("Food")
    await rename.get_by_label("New name").fill("Canteen food")
    await rename.get_by_label("Description").fill("Meals, prices and opening hours.")
    await rename.get_by_role("button", name="Save changes").click()
    await flashed(page, "“Food” is now called “Canteen food”.")
    food = tree.locator("li[data-code='Canteen food']")
    await expect(food).to_contain_text("Meals, prices and opening hours.")
    await expect(tree.locator("li[data-code='Food']")).to_have_count(0)

    # Code one idea whole, and part of another by selecting its words.
    await (
        page.get_by_role("navigation", name="Coding pages")
        .get_by_role("link", name="Code posts")
        .click()
    )
    await expect(heading).to_have_text("Code posts")
    whole = page.get_by_role("article", name="Idea: Rota swaps")
    await whole.get_by_label("Code", exact=True).select_option(label="Rotas")
    await whole.get_by_role("button", name="Apply code").click()
    coded = whole.locator(".coding-list li[data-code='Rotas']")
    await expect(coded).to_contain_text("The whole post")
    await expect(coded).to_contain_text("Confirmed")
    await expect(whole.get_by_role("status")).to_have_text("“Rotas” applied to the whole idea.")

    part = page.get_by_role("article", name="Idea: Night food")
    await part.get_by_role("button", name="Apply code").click()
    await expect(part.get_by_role("alert")).to_contain_text("Choose the code to apply")
    await part.get_by_label("Code", exact=True).select_option(label="Canteen food")
    await select_in(part.locator(".coding-post__body"), EXCERPT)
    await expect(part.get_by_label("An excerpt")).to_be_checked()
    body = EXCERPT_IDEA[1]
    first = len(body[: body.index(EXCERPT)]) + 1  # Python counts code points, as the API does
    await expect(part.get_by_label("From character")).to_have_value(str(first))
    await expect(part.get_by_label("To character")).to_have_value(str(first + len(EXCERPT) - 1))
    await expect(part.locator(".coding-post__preview")).to_have_text(f"Excerpt: “{EXCERPT}”")
    await no_serious_findings(page, "posts")
    await part.screenshot(path=SCREENSHOTS / "coding-post-excerpt.png")
    await part.get_by_role("button", name="Apply code").click()
    await expect(part.locator(".coding-list li[data-code='Canteen food']")).to_contain_text(
        f"Excerpt: “{EXCERPT}”"
    )
    night_food = s["ideas"]["Night food"]["id"]
    stored = await seed.call(
        "GET", f"/api/conversations/{cid}/coding/codings?post_kind=idea&post_id={night_food}"
    )
    assert [(c["start"], c["end"], c["excerpt"]) for c in stored["codings"]] == [
        (first - 1, first - 1 + len(EXCERPT), EXCERPT)
    ]

    # Theme suggestions: three themes; the parking one is accepted under another name.
    await (
        page.get_by_role("navigation", name="Coding pages")
        .get_by_role("link", name="Theme suggestions")
        .click()
    )
    await expect(heading).to_have_text("Theme suggestions")
    await expect(page.get_by_text("No themes have been suggested yet.")).to_be_visible()
    await page.get_by_label("How many themes").select_option("3")
    await page.get_by_role("button", name="Suggest themes").click()
    await flashed(page, "3 themes suggested from")
    parking = page.locator("article.coding-theme").filter(
        has=page.locator(".coding-theme__keywords", has_text="parking")
    )
    await expect(parking).to_have_count(1)
    await expect(parking.locator(".coding-theme__quote").first).to_contain_text("park")
    await no_serious_findings(page, "suggestions")
    accept = parking.get_by_role("form", name=re.compile("^Accept theme"))
    await accept.get_by_label("Name of the new code").fill("Car parking")
    await accept.get_by_role("button", name=re.compile("^Accept")).click()
    await flashed(page, "“Car parking” has been added to the frame, and 4 posts pre-coded")
    await expect(parking).to_contain_text("Accepted as “Car parking” by you")

    # Its pre-coded posts wait for a person: confirm one.
    await parking.get_by_role("link", name="Review its 4 suggested codings").click()
    await expect(heading).to_have_text("Code posts")
    await expect(
        page.get_by_text("4 posts with a suggested coding of “Car parking”.")
    ).to_be_visible()
    permits = page.get_by_role("article", name="Idea: Parking permits")
    suggestion = permits.locator(".coding-list li[data-code='Car parking']")
    await expect(suggestion).to_contain_text("Suggested")
    await suggestion.get_by_role("button", name="Confirm “Car parking”").click()
    await expect(suggestion).to_contain_text("Confirmed")
    await expect(permits.get_by_role("heading", name="Codes on this post")).to_be_focused()

    # Merge "Meals" into "Canteen food", after confirming.
    await (
        page.get_by_role("navigation", name="Coding pages")
        .get_by_role("link", name="Coding frame")
        .click()
    )
    await expect(heading).to_have_text("Coding frame")
    await expect(page.locator(".code-tree li[data-code='Car parking']")).to_contain_text(
        "1 confirmed coding, 3 suggested"
    )
    merge = page.get_by_role("form", name="Merge codes")
    await merge.get_by_role("button", name="Merge codes").click()
    await expect(merge.get_by_role("alert")).to_contain_text("Choose at least one code to merge")
    await merge.get_by_label("Meals", exact=True).check()
    await merge.get_by_label("Merge them into").select_option(label="Canteen food")
    await merge.get_by_role("button", name="Merge codes").click()
    ask = page.get_by_role("form", name="Merge 1 code into “Canteen food”?")
    await expect(ask.get_by_role("heading")).to_be_focused()
    await ask.get_by_role("button", name="Yes, merge them").click()
    await flashed(page, "“Meals” merged into “Canteen food”.")
    await expect(page.locator(".code-tree li[data-code='Meals']")).to_have_count(0)
    await expect(page.get_by_text("Retired codes (1)")).to_be_visible()
    await no_serious_findings(page, "frame")

    # The versions: the merge is the latest, and the comparisons say what happened.
    await (
        page.get_by_role("navigation", name="Coding pages")
        .get_by_role("link", name="Versions")
        .click()
    )
    await expect(heading).to_have_text("Versions of the coding frame")
    versions = page.get_by_role("region", name="Versions of the frame")
    rows = versions.locator("tbody tr")
    await expect(rows).to_have_count(7)  # four added, a rename, a theme, the merge
    await expect(rows.first).to_contain_text("“Meals” merged into “Canteen food”")
    await expect(rows.first).to_contain_text("You (facilitator)")
    await expect(versions.locator("tr[data-kind=updated]")).to_contain_text(
        "renamed “Food” → “Canteen food”"
    )
    comparison = page.get_by_role("region", name=re.compile("^From version 6 to version 7"))
    await expect(comparison).to_contain_text("“Meals” into “Canteen food”")
    # From version 3 (Rotas, Food, Meals) to now.
    await page.get_by_label("From version", exact=True).select_option("3")
    await page.get_by_role("button", name="Compare").click()
    await expect(page).to_have_url(re.compile(r"versions\?from=3&to=7$"))
    comparison = page.get_by_role("region", name="From version 3 to version 7")
    await expect(comparison.locator("div", has_text="Added")).to_contain_text("“Car parking”")
    await expect(comparison).to_contain_text("“Night shifts”")
    await expect(comparison).to_contain_text("“Food” → “Canteen food”")
    await expect(comparison).to_contain_text("“Meals” into “Canteen food”")
    await no_serious_findings(page, "versions")

    # A colleague codes the same two posts alike: agreement is complete.
    colleague = await seed.token(s["colleague"])
    frame = await seed.call("GET", f"/api/conversations/{cid}/coding/codes", token=colleague)
    code_ids = {code["name"]: code["id"] for code in frame["codes"]}
    for title, code in (("Rota swaps", "Rotas"), ("Night food", "Canteen food")):
        await seed.call(
            "POST",
            f"/api/conversations/{cid}/coding/codings",
            {"code_id": code_ids[code], "post_kind": "idea", "post_id": s["ideas"][title]["id"]},
            token=colleague,
        )
    await (
        page.get_by_role("navigation", name="Coding pages")
        .get_by_role("link", name="Agreement")
        .click()
    )
    await expect(heading).to_have_text("Coder agreement")
    overall = page.locator(".coding-agreement__overall")
    await expect(overall).to_contain_text("the pair who coded most posts in common")
    await expect(overall).to_contain_text("1.00: almost perfect agreement")
    table = page.get_by_role("region", name="Agreement code by code")
    rotas_row = table.locator("tr[data-code='Rotas']")
    await expect(rotas_row).to_contain_text("Almost perfect")
    await expect(table.locator("tr[data-code='Night shifts']")).to_contain_text("Not defined")
    await no_serious_findings(page, "agreement")
    first, second = page.get_by_label("First analyst"), page.get_by_label("Second analyst")
    shown = {await first.input_value(), await second.input_value()}  # the pair chosen
    assert len(shown) == 2 and "" not in shown
    await first.select_option(label="You")
    await second.select_option(label="You")
    await page.get_by_role("button", name="Compare").click()
    await expect(page.get_by_role("alert")).to_contain_text("Choose two different analysts")
    await second.select_option(label="Kim Colleague")  # staff act in their own name
    await page.get_by_role("button", name="Compare").click()
    await expect(page).to_have_url(re.compile(r"agreement\?a=[0-9a-f-]+&b=[0-9a-f-]+$"))
    await expect(overall.locator("dd").first).to_have_text("You and Kim Colleague")
    await expect(overall).not_to_contain_text("most posts in common")

    # The frame at phone width: nothing scrolls sideways.
    await page.set_viewport_size(PHONE)
    await (
        page.get_by_role("navigation", name="Coding pages")
        .get_by_role("link", name="Coding frame")
        .click()
    )
    await settled(page)
    assert not await has_horizontal_scroll(page)
    await no_serious_findings(page, "frame-phone")


async def test_split_move_retire_rejections_and_comments(page: Page, seed: Seeder) -> None:
    s = await seeded(seed)
    cid = s["cid"]
    base = f"/api/conversations/{cid}/coding"
    staff = await seed.token(s["facilitator"])
    heading = page.get_by_role("heading", level=1)

    async def as_staff(method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return await seed.call(method, f"{base}{path}", body, token=staff)

    rotas = await as_staff("POST", "/codes", {"name": "Rotas"})
    await as_staff("POST", "/codes", {"name": "Night shifts", "parent_id": rotas["id"]})
    canteen = await as_staff("POST", "/codes", {"name": "Canteen"})
    for title in ("Canteen prices", "Canteen at night"):
        idea = s["ideas"][title]
        await as_staff(
            "POST",
            "/codings",
            {"code_id": canteen["id"], "post_kind": "idea", "post_id": idea["id"]},
        )
    run = await as_staff("POST", "/theme-suggestions", {"themes": 3})
    rota_theme = next(t for t in run["suggestions"] if "rota" in t["keywords"])
    await as_staff("POST", f"/theme-suggestions/{rota_theme['id']}/accept", {"name": "Shifts"})
    await seed.section(cid, "Quiet corner", "Nobody has posted here yet.")
    author = await seed.voter(cid)
    await seed.comment(
        author, cid, s["ideas"]["Rota swaps"]["id"], "Swaps should be agreed on the ward."
    )

    await sign_in(page, s["facilitator"])
    await page.goto(f"/#/conversations/{cid}/coding")
    await expect(heading).to_have_text("Coding frame")

    # Refusals from the API, in the form that asked: a code under its own sub-code, and
    # retiring a code that still has sub-codes.
    move = page.get_by_role("form", name="Move a code")
    await move.get_by_label("Code", exact=True).select_option(label="Rotas")
    await move.get_by_label("Move it under").select_option(label="Rotas › Night shifts")
    await move.get_by_role("button", name="Move code").click()
    await expect(move.get_by_role("alert")).to_contain_text(
        "A code cannot move under itself or one of its own sub-codes."
    )
    retire = page.get_by_role("form", name="Retire a code")
    await retire.get_by_label("Code", exact=True).select_option(label="Rotas")
    await retire.get_by_role("button", name="Retire code").click()
    ask = page.get_by_role("form", name="Retire “Rotas”?")
    await ask.get_by_role("button", name="Yes, retire it").click()
    await expect(ask.get_by_role("alert")).to_contain_text("has live sub-codes")

    # Move the sub-code to the top level instead, then retire it.
    await move.get_by_label("Code", exact=True).select_option(label="Rotas › Night shifts")
    await move.get_by_label("Move it under").select_option(label="Top level (no parent)")
    await move.get_by_role("button", name="Move code").click()
    await flashed(page, "“Night shifts” is now at the top level.")
    await retire.get_by_label("Code", exact=True).select_option(label="Night shifts")
    await retire.get_by_role("button", name="Retire code").click()
    await (
        page.get_by_role("form", name="Retire “Night shifts”?")
        .get_by_role("button", name="Yes, retire it")
        .click()
    )
    await flashed(page, "“Night shifts” has been retired.")

    # Split "Canteen" in two, each of its codings going to one part.
    split = page.get_by_role("form", name="Split a code")
    await split.get_by_label("Code", exact=True).select_option(label="Canteen")
    await split.get_by_label("Name of new code 1").fill("Canteen prices")
    await split.get_by_label("Name of new code 2").fill("Opening hours")
    await split.get_by_label(re.compile("idea “Canteen prices”")).select_option(
        label="Canteen prices"
    )
    await split.get_by_label(re.compile("idea “Canteen at night”")).select_option(
        label="Opening hours"
    )
    await split.get_by_role("button", name="Split code").click()
    await (
        page.get_by_role("form", name="Split “Canteen”?")
        .get_by_role("button", name="Yes, split it")
        .click()
    )
    await flashed(page, "“Canteen” has been split into “Canteen prices”, “Opening hours”.")
    tree = page.locator(".code-tree").first
    for name in ("Canteen prices", "Opening hours"):
        await expect(tree.locator(f"li[data-code='{name}']")).to_contain_text("1 confirmed coding")
    await page.get_by_text("Retired codes (2)").click()
    await expect(
        page.get_by_text("“Canteen”: split into “Canteen prices”, “Opening hours”")
    ).to_be_visible()

    # Reject a theme with a reason; a section with too few posts is refused.
    await (
        page.get_by_role("navigation", name="Coding pages")
        .get_by_role("link", name="Theme suggestions")
        .click()
    )
    await expect(heading).to_have_text("Theme suggestions")
    ask_for = page.get_by_role("form", name="Suggest themes")
    await ask_for.get_by_label("Posts to read").select_option(label="Section: Quiet corner")
    await ask_for.get_by_role("button", name="Suggest themes").click()
    await expect(ask_for.get_by_role("alert")).to_contain_text("Themes cannot be suggested")
    parking = page.locator("article.coding-theme").filter(
        has=page.locator(".coding-theme__keywords", has_text="parking")
    )
    reject = parking.get_by_role("form", name=re.compile("^Reject theme"))
    await reject.get_by_label("Why (optional)").fill("Outside the trust's control.")
    await reject.get_by_role("button", name=re.compile("^Reject")).click()
    await flashed(page, "rejected.")
    await expect(parking).to_contain_text("Rejected by you: “Outside the trust's control.”")

    # Reject a suggested coding of the accepted theme; code a comment, then remove it.
    await page.goto(f"/#/conversations/{cid}/coding/posts")
    await expect(heading).to_have_text("Code posts")
    swaps = page.get_by_role("article", name="Idea: Rota swaps")
    suggested = swaps.locator(".coding-list li[data-code='Shifts']")
    await suggested.get_by_role("button", name="Reject “Shifts”").click()
    await expect(suggested).to_have_count(0)
    await expect(swaps.get_by_role("status")).to_have_text("“Shifts” rejected.")
    await page.get_by_role("button", name="Comments (1) on “Rota swaps”").click()
    comment = page.get_by_role("article", name=re.compile("^Comment: “Swaps should"))
    await comment.get_by_label("Code", exact=True).select_option(label="Rotas")
    await comment.get_by_role("button", name="Apply code").click()
    await expect(comment.locator(".coding-list li[data-code='Rotas']")).to_contain_text(
        "The whole post"
    )
    await comment.get_by_role("button", name="Remove “Rotas”").click()
    await expect(comment.get_by_text("No codes yet.")).to_be_visible()

    # Typed positions past the end are refused before anything is sent.
    await comment.get_by_label("Code", exact=True).select_option(label="Rotas")
    await comment.get_by_label("An excerpt").check()
    await comment.get_by_label("From character").fill("3")
    await comment.get_by_label("To character").fill("999")
    await comment.get_by_role("button", name="Apply code").click()
    await expect(comment.get_by_role("alert")).to_contain_text("Enter where the excerpt ends")

    # At phone width, the posts and suggestions fit.
    await page.set_viewport_size(PHONE)
    await no_serious_findings(page, "posts-phone")
    assert not await has_horizontal_scroll(page)
    await (
        page.get_by_role("navigation", name="Coding pages")
        .get_by_role("link", name="Theme suggestions")
        .click()
    )
    await expect(heading).to_have_text("Theme suggestions")
    assert not await has_horizontal_scroll(page)
    await no_serious_findings(page, "suggestions-phone")

    # An admin may use the pages too.
    await sign_in_as(page, seed.admin_email)
    await page.goto(f"/#/conversations/{cid}/coding/posts")
    await expect(heading).to_have_text("Code posts")
    await expect(page.get_by_role("article", name="Idea: Rota swaps")).to_contain_text("Shifts")
    # Not the facilitators' console, whose other pages would turn an admin away.
    await expect(page.get_by_role("navigation", name="Coding pages")).to_be_visible()
    await expect(page.get_by_role("navigation", name="Facilitator console")).to_have_count(0)
    await page.goto(f"/#/conversations/{cid}/coding/versions")
    await expect(heading).to_have_text("Versions of the coding frame")
    await expect(page.get_by_role("region", name="Versions of the frame")).to_contain_text(
        "“Canteen” split into “Canteen prices” (1 coding), “Opening hours” (1 coding)."
    )
