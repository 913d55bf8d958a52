"""The report's figures against values worked out by hand on a small conversation, with
only shown content counted."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import asyncpg
import numpy as np
import pytest
from fastapi import FastAPI

from candour.analysis.reports.stats import divisiveness, wilson_interval
from tests.analysis.conftest import Staff
from tests.analysis.reports.conftest import Planter
from tests.support.factories import make_conversation, make_person, make_section


def test_wilson_interval_matches_a_worked_example() -> None:
    # 8 likes of 10 votes: p = 0.8, n = 10, z = 1.96. Centre (0.8 + 0.19208) / 1.38415
    # = 0.71677; half-width 1.96 / 1.38415 * sqrt(0.016 + 0.0096040) = 0.22657.
    low, high = wilson_interval(np.array([8.0, 2.0, 0.0]), np.array([2.0, 2.0, 0.0]))
    assert low[0] == pytest.approx(0.4902, abs=1e-4)
    assert high[0] == pytest.approx(0.9433, abs=1e-4)
    # 2 of 4: symmetric around one half.
    assert (low[1], high[1]) == (pytest.approx(0.1500, abs=1e-4), pytest.approx(0.8500, abs=1e-4))
    assert np.isnan(low[2]) and np.isnan(high[2])  # no votes, no interval


def test_divisiveness_weighs_posts_by_their_votes() -> None:
    # Posts (8, 2) and (1, 1): per post 1 - 6/10 = 0.4 and 1 - 0/2 = 1; weighted by votes
    # (10 and 2): (4 + 2) / 12 = 0.5, which is 2 * (2 + 1) / 12.
    assert divisiveness(np.array([3.0]), np.array([9.0]), np.array([3.0]))[0] == 0.5


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


async def small_conversation(app: FastAPI, db: asyncpg.Connection) -> dict[str, uuid.UUID]:
    """Two sections; shown posts I1-I4 and C1; hidden, withdrawn and held posts that must
    not count. Times in UTC, the conversation in Pacific/Auckland (UTC+13 in March)."""
    cid = await make_conversation(app, title="Night shifts")
    await db.execute("UPDATE conversations SET time_zone = 'Pacific/Auckland' WHERE id = $1", cid)
    staffing = await make_section(app, cid, "Staffing")
    rota = await make_section(app, cid, "Rota")
    p1, p2, p3, p4 = [
        await make_person(app, conversation_id=cid, attributes={"site": "North"}) for _ in range(4)
    ]
    plant = Planter(app, db, cid)
    i1 = await plant.idea(
        staffing,
        p1,
        title="More nurses",
        body="More nurses at night",
        likes=8,
        dislikes=2,
        at=_at(1, 10),
    )
    i2 = await plant.idea(
        staffing, p2, title="Fewer meetings", likes=1, dislikes=3, at=_at(1, 12, 30)
    )
    i3 = await plant.idea(rota, p1, title="Rota online", at=_at(2, 0))
    i4 = await plant.idea(
        rota, None, title="From paper", body="Paper words", likes=2, dislikes=2, at=_at(3, 0)
    )
    await plant.comment(i1, p3, body="Yes, agreed", likes=1, at=_at(1, 11, 30))
    # Not shown: none of these may count anywhere.
    hidden = await plant.idea(
        staffing, p3, title="Hidden", likes=5, moderation="hidden", at=_at(4, 0)
    )
    await plant.idea(rota, p4, title="Withdrawn", likes=3, status="withdrawn", at=_at(4, 0))
    await plant.idea(staffing, p4, title="Held", moderation="held", at=_at(4, 0))
    await plant.comment(i1, p2, body="Hidden comment", likes=2, moderation="hidden", at=_at(4, 0))
    await plant.comment(i1, p4, body="Removed comment", moderation="removed", at=_at(4, 0))
    return {
        "conversation": cid,
        "staffing": staffing,
        "rota": rota,
        "i1": i1,
        "i2": i2,
        "i3": i3,
        "i4": i4,
        "hidden": hidden,
    }


async def test_figures_match_the_hand_count(
    app: FastAPI, db: asyncpg.Connection, facilitator: Staff
) -> None:
    ids = await small_conversation(app, db)
    response = await facilitator.client.get(
        f"/api/conversations/{ids['conversation']}/report", headers=facilitator.headers
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["status"] == "draft" and report["version"] is None
    overall = report["overall"]
    # Shown: I1 (8/2), I2 (1/3), I3 (0/0), I4 (paper, 2/2), C1 (1/0); authors p1, p2, p3.
    assert {
        k: overall[k]
        for k in (
            "posts",
            "ideas",
            "comments",
            "paper_posts",
            "contributors",
            "voters",
            "likes",
            "dislikes",
            "net_support",
        )
    } == {
        "posts": 5,
        "ideas": 4,
        "comments": 1,
        "paper_posts": 1,
        "contributors": 3,
        "voters": 10,
        "likes": 12,
        "dislikes": 7,
        "net_support": 5,
    }
    assert overall["agreement"] == pytest.approx(12 / 19, abs=1e-4)
    # sum of min(likes, dislikes) = 2 + 1 + 0 + 2 + 0 = 5; 2 * 5 / 19.
    assert overall["divisiveness"] == pytest.approx(10 / 19, abs=1e-4)
    assert [i["title"] for i in overall["top_ideas"]] == [
        "More nurses",
        "From paper",
        "Rota online",
        "Fewer meetings",
    ]
    assert overall["top_ideas"][0] == {
        "idea_id": str(ids["i1"]),
        "title": "More nurses",
        "likes": 8,
        "dislikes": 2,
        "net_support": 6,
        "comments": 1,
        "agreement": 0.8,
    }
    # Surest agreement first: I1 (Wilson low 0.49), C1 (1 of 1: 0.21), I4 (2 of 4: 0.15).
    assert [q["text"] for q in overall["quotes"]] == [
        "More nurses at night",
        "Yes, agreed",
        "Paper words",
    ]
    staffing, rota = report["sections"]
    assert (staffing["name"], rota["name"]) == ("Staffing", "Rota")
    assert (staffing["posts"], staffing["contributors"], staffing["voters"]) == (3, 3, 10)
    assert (staffing["likes"], staffing["dislikes"]) == (10, 5)
    assert staffing["divisiveness"] == pytest.approx(0.4, abs=1e-4)
    assert (rota["posts"], rota["paper_posts"], rota["contributors"], rota["voters"]) == (
        2,
        1,
        1,
        4,
    )
    assert (rota["agreement"], rota["agreement_low"], rota["agreement_high"]) == (
        0.5,
        pytest.approx(0.15, abs=1e-4),
        pytest.approx(0.85, abs=1e-4),
    )
    assert rota["divisiveness"] == 1.0
    # Days in Auckland: I1 1 March 23:00; I2, C1 and I3 on 2 March; I4 3 March. The hidden,
    # withdrawn and held posts of 4 March leave no day behind. Votes: on that day's posts.
    assert report["participation"] == [
        {"day": "2026-03-01", "ideas": 1, "comments": 0, "votes": 10},
        {"day": "2026-03-02", "ideas": 2, "comments": 1, "votes": 5},
        {"day": "2026-03-03", "ideas": 1, "comments": 0, "votes": 4},
    ]
    assert str(ids["hidden"]) not in response.text
    assert "Hidden" not in response.text and "Removed comment" not in response.text
    # Three contributors: far below the minimum group size, so no breakdown at all.
    assert report["min_group_size"] == 10
    assert report["breakdowns"] == [
        {
            "attribute": "site",
            "groups": [],
            "suppressed_groups": 0,
            "suppressed_contributors": 0,
            "suppressed_posts": 0,
            "withheld": True,
        }
    ]


async def test_an_empty_conversation_reports_zeros_and_no_rates(
    app: FastAPI, facilitator: Staff
) -> None:
    cid = await make_conversation(app)
    await make_section(app, cid, "Empty")
    response = await facilitator.client.get(
        f"/api/conversations/{cid}/report", headers=facilitator.headers
    )
    assert response.status_code == 200, response.text
    overall = response.json()["overall"]
    assert (overall["posts"], overall["contributors"], overall["likes"]) == (0, 0, 0)
    assert overall["agreement"] is None and overall["divisiveness"] is None
    assert response.json()["sections"][0]["top_ideas"] == []
