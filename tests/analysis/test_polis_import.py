"""Importing a Pol.is export: what it creates, who the imported people are (nobody), and
refusals that name the bad line and write nothing."""

from __future__ import annotations

import csv
import io
import uuid
from collections import Counter
from datetime import UTC, datetime

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from candour.analysis.polis_files import title_of
from candour.identity import imported_pseudonym
from candour.identity.pseudonyms import pseudonym_for
from tests.analysis.conftest import (
    Staff,
    import_dataset,
    import_polis,
    latest_votes,
    polis_file,
    staff,
)

COMMENTS = """timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body
1000,x,0,7,1,0,1,Longer breaks on night shifts
2000,x,1,8,0,1,-1,Name and shame the ward manager
3000,x,2,7,0,0,0,Free parking for staff
"""
VOTES = """timestamp,datetime,comment-id,voter-id,vote
1500,x,0,7,1
1600,x,0,8,-1
1700,x,0,8,1
2500,x,1,9,-1
3500,x,2,9,0
"""


async def _counts(db: asyncpg.Connection) -> tuple[int, int, int, int]:
    row = await db.fetchrow(
        "SELECT (SELECT count(*) FROM conversations) AS c, (SELECT count(*) FROM sections) AS s,"
        " (SELECT count(*) FROM ideas) AS i, (SELECT count(*) FROM idea_votes) AS v"
    )
    assert row is not None
    return row["c"], row["s"], row["i"], row["v"]


async def test_import_makes_a_closed_conversation_with_hidden_ideas_and_passes(
    app: FastAPI, admin: Staff, db: asyncpg.Connection
) -> None:
    response = await import_polis(admin, COMMENTS, VOTES)
    assert response.status_code == 201, response.text
    report = response.json()
    assert report | {"conversation_id": None, "section_id": None} == {
        "conversation_id": None,
        "section_id": None,
        "statements": 3,
        "hidden_statements": 1,
        "participants": 3,
        "votes": 4,
        "passes": 1,
        "superseded_votes": 1,
    }
    cid = report["conversation_id"]
    ideas = {
        r["body"]: r
        for r in await db.fetch(
            "SELECT body, title, moderation, status, like_count, dislike_count, created_at,"
            " section_id FROM ideas WHERE conversation_id = $1",
            cid,
        )
    }
    assert ideas["Longer breaks on night shifts"]["like_count"] == 2  # voter 8 changed to agree
    assert ideas["Longer breaks on night shifts"]["dislike_count"] == 0
    assert ideas["Name and shame the ward manager"]["moderation"] == "hidden"
    assert ideas["Free parking for staff"]["moderation"] == "visible"  # 0: not yet moderated
    # The pass is a vote of 0 that counts as neither a like nor a dislike.
    assert (
        ideas["Free parking for staff"]["like_count"],
        ideas["Free parking for staff"]["dislike_count"],
    ) == (0, 0)
    values = Counter(r["value"] for r in await db.fetch("SELECT value FROM idea_votes"))
    assert values == {1: 2, -1: 1, 0: 1}
    assert {r["section_id"] for r in ideas.values()} == {uuid.UUID(report["section_id"])}
    assert ideas["Longer breaks on night shifts"]["created_at"] == datetime.fromtimestamp(1, UTC)
    conversation = await db.fetchrow("SELECT * FROM conversations WHERE id = $1", cid)
    assert conversation is not None and conversation["closes_at"] < datetime.now(UTC)
    recorded = await db.fetchrow("SELECT * FROM polis_imports WHERE conversation_id = $1", cid)
    assert recorded is not None and "CC BY 4.0" in recorded["attribution"]


async def test_a_closed_imported_conversation_takes_no_new_votes(
    app: FastAPI, admin: Staff, db: asyncpg.Connection
) -> None:
    cid = (await import_polis(admin, COMMENTS, VOTES)).json()["conversation_id"]
    idea = await db.fetchval("SELECT id FROM ideas WHERE conversation_id = $1 LIMIT 1", cid)
    voter = await staff(app, "participant")
    refused = await voter.client.put(
        f"/api/conversations/{cid}/ideas/{idea}/vote", json={"vote": "like"}, headers=voter.headers
    )
    assert refused.status_code in (404, 409), refused.text
    await voter.client.aclose()


async def test_imported_people_are_pseudonyms_that_no_account_has(
    app: FastAPI, admin: Staff, db: asyncpg.Connection
) -> None:
    cid = (await import_polis(admin, COMMENTS, VOTES)).json()["conversation_id"]
    settings = app.state.settings
    conversation = uuid.UUID(cid)
    expected = {imported_pseudonym(settings, conversation, f"polis:{p}") for p in (7, 8, 9)}
    stored = {
        r["voter_pseudonym"] for r in await db.fetch("SELECT voter_pseudonym FROM idea_votes")
    }
    stored |= {r["author_pseudonym"] for r in await db.fetch("SELECT author_pseudonym FROM ideas")}
    assert stored == expected
    accounts = [r["id"] for r in await db.fetch("SELECT id FROM accounts")]
    assert accounts  # the admin at least
    assert not expected & {pseudonym_for(settings, conversation, a) for a in accounts}
    # Per conversation, like every pseudonym: the same Pol.is person elsewhere is unlinkable.
    assert imported_pseudonym(settings, uuid.uuid4(), "polis:7") not in expected
    assert await db.fetchval("SELECT count(*) FROM author_links") == 0
    assert await db.fetchval("SELECT count(*) FROM memberships") == 0


async def test_a_real_export_imports_with_each_persons_latest_vote(
    admin: Staff, db: asyncpg.Connection
) -> None:
    dataset = "15-per-hour-seattle"
    cid = await import_dataset(admin, dataset)
    comments = list(csv.DictReader(io.StringIO(polis_file(dataset, "comments.csv"))))
    latest = latest_votes(polis_file(dataset, "votes.csv"))
    ideas = await db.fetch(
        "SELECT title, body, moderation, like_count, dislike_count FROM ideas"
        " WHERE conversation_id = $1",
        cid,
    )
    assert len(ideas) == len(comments)
    by_text = {r["body"]: r for r in ideas}
    for comment in comments:
        idea = by_text[comment["comment-body"].strip()]
        assert idea["title"] == title_of(idea["body"])
        assert idea["moderation"] == ("hidden" if comment["moderated"] == "-1" else "visible")
        mine = [v for (_, c), v in latest.items() if c == int(comment["comment-id"])]
        assert (idea["like_count"], idea["dislike_count"]) == (mine.count(1), mine.count(-1))
    assert await db.fetchval("SELECT count(*) FROM idea_votes") == len(latest)
    assert await db.fetchval("SELECT count(*) FROM idea_votes WHERE value = 0") == list(
        latest.values()
    ).count(0)


def _without_column(text: str, column: str) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    drop = rows[0].index(column)
    out = io.StringIO()
    csv.writer(out).writerows([r[:drop] + r[drop + 1 :] for r in rows])
    return out.getvalue()


BAD_FILES = {
    # case: (comments.csv, votes.csv, the first problem's code, its field)
    "missing_column": (
        _without_column(COMMENTS, "moderated"),
        VOTES,
        "missing",
        "comments_csv.line.1",
    ),
    "bad_comment_id": (
        COMMENTS.replace("\n3000,x,2,", "\n3000,x,two,"),
        VOTES,
        "bad_id",
        "comments_csv.line.4.comment-id",
    ),
    "negative_voter": (
        COMMENTS,
        VOTES.replace("2500,x,1,9,", "2500,x,1,-9,"),
        "bad_id",
        "votes_csv.line.5.voter-id",
    ),
    "unknown_comment": (
        COMMENTS,
        VOTES + "4000,x,99,9,1\n",
        "unknown_comment",
        "votes_csv.line.7.comment-id",
    ),
    "bad_vote": (
        COMMENTS,
        VOTES.replace("3500,x,2,9,0", "3500,x,2,9,2"),
        "bad_vote",
        "votes_csv.line.6.vote",
    ),
    "duplicate_comment": (
        COMMENTS + "4000,x,2,7,0,0,1,Again\n",
        VOTES,
        "duplicate",
        "comments_csv.line.5.comment-id",
    ),
    "empty_comments": ("", VOTES, "empty", "comments_csv"),
    "empty_votes": (COMMENTS, "   ", "empty", "votes_csv"),
    "no_statements": (COMMENTS.splitlines()[0] + "\n", VOTES, "empty", "comments_csv"),
    "empty_statement": (
        COMMENTS.replace("Free parking for staff", '""'),
        VOTES,
        "empty_text",
        "comments_csv.line.4.comment-body",
    ),
    "ragged_row": (COMMENTS, VOTES + "4000,x,2\n", "cells", "votes_csv.line.7"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
async def test_a_bad_file_is_refused_with_its_line_and_nothing_is_written(
    case: str, admin: Staff, db: asyncpg.Connection
) -> None:
    comments, votes, code, field = BAD_FILES[case]
    before = await _counts(db)
    response = await import_polis(admin, comments, votes)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == "polis_file_rejected"
    assert problem["detail"].endswith("Nothing was imported.")
    assert [(e["field"], e["code"]) for e in problem["errors"]][:1] == [(f"body.{field}", code)]
    assert await _counts(db) == before


async def test_every_bad_line_is_listed_up_to_twenty(admin: Staff, db: asyncpg.Connection) -> None:
    votes = VOTES + "".join(f"4000,x,{50 + n},9,1\n" for n in range(30))
    response = await import_polis(admin, COMMENTS, votes)
    assert response.status_code == 422
    problem = response.json()
    assert len(problem["errors"]) == 20
    assert "30 problem(s) (the first 20 listed)" in problem["detail"]
    assert await _counts(db) == (0, 0, 0, 0)


async def test_a_file_over_the_size_limit_is_refused(admin: Staff, db: asyncpg.Connection) -> None:
    from candour.analysis.schemas import MAX_COMMENTS_CSV_CHARS

    response = await import_polis(admin, COMMENTS + "x" * MAX_COMMENTS_CSV_CHARS, VOTES)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.comments_csv"
    assert response.json()["errors"][0]["code"] == "string_too_long"
    assert await _counts(db) == (0, 0, 0, 0)


@pytest.mark.parametrize("role", ["participant", "sponsor", "facilitator"])
async def test_only_admins_import(app: FastAPI, role: str, db: asyncpg.Connection) -> None:
    someone = await staff(app, role)
    response = await import_polis(someone, COMMENTS, VOTES)
    assert response.status_code == 403, response.text
    assert await _counts(db) == (0, 0, 0, 0)
    await someone.client.aclose()


async def test_an_anonymous_import_is_refused(
    client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    response = await client.post(
        "/api/admin/conversations/polis-import",
        json={"title": "Nope", "comments_csv": COMMENTS, "votes_csv": VOTES},
    )
    assert response.status_code == 401
    assert await _counts(db) == (0, 0, 0, 0)


async def test_an_export_made_a_moment_ago_imports_closed(
    admin: Staff, db: asyncpg.Connection
) -> None:
    now_ms = int(datetime.now(UTC).timestamp() * 1000)
    comments = f"timestamp,comment-id,author-id,moderated,comment-body\n{now_ms},0,1,1,Fresh\n"
    votes = f"timestamp,comment-id,voter-id,vote\n{now_ms},0,2,1\n"
    response = await import_polis(admin, comments, votes)
    assert response.status_code == 201, response.text
    window = await db.fetchrow(
        "SELECT opens_at, closes_at FROM conversations WHERE id = $1",
        uuid.UUID(response.json()["conversation_id"]),
    )
    assert window is not None
    assert window["opens_at"] < window["closes_at"] <= datetime.now(UTC)
