"""A participant downloads what they posted and voted, as JSON or CSV, and nothing else."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from fastapi import FastAPI

from tests.privacy.conftest import make_activity
from tests.support.factories import new_client, sign_in


async def test_json_export_holds_my_posts_and_votes_only(app: FastAPI) -> None:
    activity = await make_activity(app)
    async with new_client(app) as alice:
        export = await alice.get("/api/me/export", headers=await sign_in(alice, activity.alice))
    assert export.status_code == 200
    data = export.json()
    assert data["profile"]["email"] == activity.alice.email
    assert [i["title"] for i in data["ideas"]] == ["More night porters"]
    assert [c["body"] for c in data["comments"]] == ["Adding to this"]
    assert sorted((v["kind"], v["vote"], v["item_text"]) for v in data["votes"]) == [
        ("comment", "like", "I agree"),
        ("idea", "like", "Car park lighting"),
    ]
    assert activity.bob.email not in export.text
    assert activity.bob.display_name not in export.text


async def test_csv_export_is_one_table(app: FastAPI) -> None:
    activity = await make_activity(app)
    async with new_client(app) as alice:
        export = await alice.get(
            "/api/me/export", params={"format": "csv"}, headers=await sign_in(alice, activity.alice)
        )
    assert export.status_code == 200
    assert export.headers["content-type"].startswith("text/csv")
    assert "attachment" in export.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert sorted(r["record"] for r in rows) == ["comment", "comment_vote", "idea", "idea_vote"]
    idea = next(r for r in rows if r["record"] == "idea")
    assert (idea["title_or_item"], idea["status"]) == ("More night porters", "published")


async def test_bad_format_is_refused(app: FastAPI) -> None:
    activity = await make_activity(app)
    async with new_client(app) as alice:
        response = await alice.get(
            "/api/me/export", params={"format": "xml"}, headers=await sign_in(alice, activity.alice)
        )
    assert response.status_code == 422


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE ideas SET status = 'withdrawn' WHERE id = $1",
        "UPDATE ideas SET moderation = 'hidden' WHERE id = $1",
        "UPDATE ideas SET moderation = 'removed' WHERE id = $1",
        "UPDATE ideas SET moderation = 'held' WHERE id = $1",
    ],
)
async def test_the_export_brings_back_no_text_the_conversation_no_longer_shows(
    app: FastAPI, db, change: str
) -> None:
    """Alice liked and commented under Bob's idea, and liked his comment. Once Bob withdraws
    them or the facilitators take them down, her export must not carry his words."""
    activity = await make_activity(app)
    await db.execute(change, uuid.UUID(activity.bob_idea))
    await db.execute(change.replace("ideas", "comments"), uuid.UUID(activity.bob_comment))
    async with new_client(app) as alice:
        headers = await sign_in(alice, activity.alice)
        export = await alice.get("/api/me/export", headers=headers)
        as_csv = await alice.get("/api/me/export", params={"format": "csv"}, headers=headers)
    assert export.status_code == as_csv.status_code == 200
    for text in ("Car park lighting", "I agree"):
        assert text not in export.text
        assert text not in as_csv.text
    data = export.json()
    assert [c["idea_title"] for c in data["comments"]] == [None]
    assert [c["body"] for c in data["comments"]] == ["Adding to this"], "her own words stay"
    assert {v["item_text"] for v in data["votes"]} == {None}
    assert [i["title"] for i in data["ideas"]] == ["More night porters"]


async def test_my_own_withdrawn_or_removed_posts_keep_their_record_but_not_their_text(
    app: FastAPI, db
) -> None:
    """The same rule as "my posts": the record (status, counts) stays, the words go once
    the author withdrew them or the facilitators removed them; held ones she still sees."""
    activity = await make_activity(app)
    async with new_client(app) as alice:
        headers = await sign_in(alice, activity.alice)
        await db.execute(
            "UPDATE ideas SET moderation = 'held' WHERE id = $1", uuid.UUID(activity.alice_idea)
        )
        held = (await alice.get("/api/me/export", headers=headers)).json()["ideas"]
        await db.execute(
            "UPDATE ideas SET moderation = 'removed' WHERE id = $1", uuid.UUID(activity.alice_idea)
        )
        removed = (await alice.get("/api/me/export", headers=headers)).json()["ideas"]
    assert [(i["title"], i["moderation"]) for i in held] == [("More night porters", "held")]
    assert [(i["title"], i["body"], i["moderation"]) for i in removed] == [(None, None, "removed")]


async def test_csv_cells_cannot_become_spreadsheet_formulas(app: FastAPI) -> None:
    activity = await make_activity(app)
    formulas = ['=HYPERLINK("http://evil.example","x")', "+1+2", "-3+4", "@SUM(A1)"]
    async with new_client(app) as alice:
        headers = await sign_in(alice, activity.alice)
        for formula in formulas:
            posted = await alice.post(
                f"{activity.base}/ideas",
                json={"section_id": str(activity.section_id), "title": formula, "body": formula},
                headers=headers,
            )
            assert posted.status_code == 201, posted.text
        export = await alice.get("/api/me/export", params={"format": "csv"}, headers=headers)
    rows = [r for r in csv.DictReader(io.StringIO(export.text)) if r["record"] == "idea"]
    titles = {r["title_or_item"] for r in rows}
    assert {"'" + f for f in formulas} <= titles
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values())
