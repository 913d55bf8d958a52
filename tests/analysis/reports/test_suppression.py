"""Breakdowns by participant attribute: a group below the minimum group size never
appears, and cannot be worked out by subtracting published figures."""

from __future__ import annotations

import itertools
import random
import uuid

import asyncpg
from fastapi import FastAPI

from candour.identity import GroupCount
from candour.identity.aggregates import suppress
from tests.analysis.conftest import Staff
from tests.analysis.reports.conftest import Planter
from tests.support.factories import make_conversation, make_person, make_section


async def _people_at(app: FastAPI, cid: uuid.UUID, site: str, n: int, group: str) -> list:
    return [
        await make_person(app, conversation_id=cid, attributes={"site": site, "staff_group": group})
        for _ in range(n)
    ]


async def _three_sites(app: FastAPI, db: asyncpg.Connection) -> uuid.UUID:
    """Sites: Annexe 9 contributors with 19 posts, Bridge 12 with one each, Central 35 with
    one each; one paper post. Staff groups: everyone at Annexe and Bridge is a porter (21
    people, 31 posts), Central are nurses. Two more people at Annexe never post."""
    cid = await make_conversation(app)
    sid = await make_section(app, cid)
    plant = Planter(app, db, cid)
    annexe = await _people_at(app, cid, "Annexe", 11, "Porters")
    bridge = await _people_at(app, cid, "Bridge", 12, "Porters")
    central = await _people_at(app, cid, "Central", 35, "Nurses")
    for n, person in enumerate(annexe[:9]):
        for _ in range(3 if n == 0 else 2):
            await plant.idea(sid, person)
    for person in bridge + central:
        await plant.idea(sid, person)
    await plant.idea(sid, None)  # paper: no author, in no group
    return cid


def _published_numbers(report: dict, breakdown: dict) -> set[int]:
    overall = report["overall"]
    numbers = {overall["contributors"], overall["posts"], overall["paper_posts"]}
    numbers |= {overall["posts"] - overall["paper_posts"]}
    for group in breakdown["groups"]:
        numbers |= {group["contributors"], group["posts"]}
    numbers |= {breakdown["suppressed_contributors"], breakdown["suppressed_posts"]}
    return numbers


async def test_a_group_of_nine_never_appears_nor_can_be_subtracted_out(
    app: FastAPI, db: asyncpg.Connection, facilitator: Staff
) -> None:
    cid = await _three_sites(app, db)
    response = await facilitator.client.get(
        f"/api/conversations/{cid}/report", headers=facilitator.headers
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["overall"]["contributors"] == 56
    sites = next(b for b in report["breakdowns"] if b["attribute"] == "site")
    # Annexe (9) is below 10; alone it would be 56 - 35 - 12 = 9, so Bridge, the next
    # smallest, is folded in with it.
    assert sites["groups"] == [{"value": "Central", "contributors": 35, "posts": 35}]
    assert (sites["suppressed_groups"], sites["suppressed_contributors"]) == (2, 21)
    assert sites["suppressed_posts"] == 31
    assert "Annexe" not in response.text and "Bridge" not in response.text
    # No published number, nor the difference of any two, is Annexe's 9 people or 19 posts.
    numbers = _published_numbers(report, sites)
    for a, b in itertools.product(numbers, repeat=2):
        assert a - b not in (9, 19), (a, b)
    assert not {9, 19} & numbers
    groups = next(b for b in report["breakdowns"] if b["attribute"] == "staff_group")
    assert groups["groups"] == [
        {"value": "Nurses", "contributors": 35, "posts": 35},
        {"value": "Porters", "contributors": 21, "posts": 31},
    ]
    assert groups["suppressed_groups"] == 0


async def test_the_minimum_is_the_conversations_own(
    app: FastAPI, db: asyncpg.Connection, facilitator: Staff
) -> None:
    cid = await _three_sites(app, db)
    await db.execute("UPDATE conversations SET min_group_size = 5 WHERE id = $1", cid)
    report = (
        await facilitator.client.get(
            f"/api/conversations/{cid}/report", headers=facilitator.headers
        )
    ).json()
    sites = next(b for b in report["breakdowns"] if b["attribute"] == "site")
    assert report["min_group_size"] == 5
    assert [g["value"] for g in sites["groups"]] == ["Central", "Bridge", "Annexe"]
    assert sites["suppressed_groups"] == 0


async def test_people_without_the_attribute_are_a_group_of_their_own(
    app: FastAPI, db: asyncpg.Connection, facilitator: Staff
) -> None:
    """Authors with no site recorded (or no account: imported, erased) make up the rest of
    the total, and are suppressed like any group: here 12 shown as "(not recorded)"."""
    cid = await make_conversation(app)
    sid = await make_section(app, cid)
    plant = Planter(app, db, cid)
    for person in await _people_at(app, cid, "Central", 20, "Nurses"):
        await plant.idea(sid, person)
    for _ in range(12):
        await plant.idea(sid, await make_person(app, conversation_id=cid))
    report = (
        await facilitator.client.get(
            f"/api/conversations/{cid}/report", headers=facilitator.headers
        )
    ).json()
    sites = next(b for b in report["breakdowns"] if b["attribute"] == "site")
    assert sites["groups"] == [
        {"value": "Central", "contributors": 20, "posts": 20},
        {"value": "(not recorded)", "contributors": 12, "posts": 12},
    ]


def test_suppression_never_leaves_one_group_alone() -> None:
    """Over many random breakdowns: nothing below the minimum is shown; suppressed groups
    come two or more at a time (so the total minus the shown groups is never one group);
    and what is published adds up to the total."""
    rng = random.Random(7)
    for _ in range(2000):
        sizes = [
            rng.choice([1, 2, 5, 9, 10, 11, 12, 30, rng.randint(1, 60)])
            for _ in range(rng.randint(1, 6))
        ]
        groups = [GroupCount(f"g{n}", size, size * 2) for n, size in enumerate(sizes)]
        total = sum(sizes)
        out = suppress("site", groups, total=total, min_group_size=10)
        if total < 10:
            assert out.withheld and not out.shown
            continue
        assert all(g.contributors >= 10 for g in out.shown)
        assert out.suppressed_groups != 1
        assert sum(g.contributors for g in out.shown) + out.suppressed_contributors == total
        small = [s for s in sizes if s < 10]
        assert out.suppressed_groups >= len(small)
