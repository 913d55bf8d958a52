"""A participant downloads what they posted and voted, as JSON or CSV, and nothing else."""

from __future__ import annotations

import csv
import io

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
