"""Per-theme figures: live codes, with the posts that carry a confirmed coding of the code
or of a live code below it; suggested, rejected, retired and hidden ones do not count."""

from __future__ import annotations

import uuid

import asyncpg
from fastapi import FastAPI

from tests.analysis.conftest import Staff
from tests.analysis.reports.test_figures import small_conversation


async def _code(
    db: asyncpg.Connection,
    cid: uuid.UUID,
    name: str,
    parent: uuid.UUID | None = None,
    *,
    retired: bool = False,
) -> uuid.UUID:
    code_id = uuid.uuid4()
    await db.execute(
        """INSERT INTO codes (id, conversation_id, parent_id, name, description, state,
               created_in, retired_in)
           VALUES ($1, $2, $3, $4, '', $5, 1, $6)""",
        code_id,
        cid,
        parent,
        name,
        "retired" if retired else "live",
        2 if retired else None,
    )
    return code_id


async def _coding(
    db: asyncpg.Connection,
    cid: uuid.UUID,
    code: uuid.UUID,
    idea: uuid.UUID,
    status: str = "confirmed",
    analyst: uuid.UUID | None = None,
) -> None:
    await db.execute(
        """INSERT INTO codings (id, conversation_id, code_id, idea_id, status, analyst_id)
           VALUES ($1, $2, $3, $4, $5, $6)""",
        uuid.uuid4(),
        cid,
        code,
        idea,
        status,
        analyst or uuid.uuid4(),
    )


async def test_theme_figures_count_confirmed_codings_of_live_codes(
    app: FastAPI, db: asyncpg.Connection, facilitator: Staff
) -> None:
    ids = await small_conversation(app, db)
    cid = ids["conversation"]
    staffing = await _code(db, cid, "Staffing levels")
    night = await _code(db, cid, "Night cover", staffing)
    old = await _code(db, cid, "Old theme", retired=True)
    await _coding(db, cid, night, ids["i1"])
    await _coding(db, cid, night, ids["i1"])  # a second analyst: still one post
    await _coding(db, cid, staffing, ids["i2"])
    await _coding(db, cid, staffing, ids["i4"], "suggested")
    await _coding(db, cid, staffing, ids["i3"], "rejected")
    await _coding(db, cid, staffing, ids["hidden"])
    await _coding(db, cid, old, ids["i3"])
    report = (
        await facilitator.client.get(
            f"/api/conversations/{cid}/report", headers=facilitator.headers
        )
    ).json()
    themes = {t["name"]: t for t in report["themes"]}
    assert list(themes) == ["Night cover", "Staffing levels"]
    night_cover, levels = themes["Night cover"], themes["Staffing levels"]
    assert night_cover["parent_id"] == str(staffing) and levels["parent_id"] is None
    assert (night_cover["posts"], night_cover["likes"], night_cover["dislikes"]) == (1, 8, 2)
    assert (night_cover["contributors"], night_cover["voters"]) == (1, 10)
    # The parent holds its child's posts: I1 and I2.
    assert (levels["posts"], levels["likes"], levels["dislikes"], levels["contributors"]) == (
        2,
        9,
        5,
        2,
    )
    assert [i["title"] for i in levels["top_ideas"]] == ["More nurses", "Fewer meetings"]
    assert levels["kind"] == "theme" and levels["scope_id"] == str(staffing)
