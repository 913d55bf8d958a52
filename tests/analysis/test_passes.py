"""A Pol.is pass is a vote of 0: it is kept, and it never counts as a like or a dislike —
not in the counters a vote moves, a merge recomputes or an erasure takes back, nor in "my"
views. Only imports write passes; here one is also planted under a real participant's
pseudonym, to reach the paths a participant's own vote takes."""

from __future__ import annotations

import uuid

import asyncpg
import httpx
from fastapi import FastAPI

from candour.identity.pseudonyms import pseudonym_for
from tests.analysis.conftest import Staff, import_polis, staff
from tests.support.factories import (
    make_conversation,
    make_person,
    make_section,
    new_client,
    sign_in,
)


async def _counts(db: asyncpg.Connection, idea_id: object) -> tuple[int, int]:
    row = await db.fetchrow("SELECT like_count, dislike_count FROM ideas WHERE id = $1", idea_id)
    assert row is not None
    return row["like_count"], row["dislike_count"]


async def _idea_with_a_planted_pass(
    app: FastAPI, db: asyncpg.Connection
) -> tuple[str, httpx.AsyncClient, dict[str, str], uuid.UUID]:
    """An open conversation, an idea by one participant, and a pass on it stored under
    another participant's pseudonym; returns that voter's client."""
    cid = await make_conversation(app)
    sid = await make_section(app, cid)
    author = await make_person(app, conversation_id=cid)
    voter = await make_person(app, conversation_id=cid)
    async with new_client(app) as writer:
        posted = await writer.post(
            f"/api/conversations/{cid}/ideas",
            json={"section_id": str(sid), "title": "Quiet room", "body": "A quiet room."},
            headers=await sign_in(writer, author),
        )
        assert posted.status_code == 201, posted.text
    idea_id = uuid.UUID(posted.json()["id"])
    await db.execute(
        "INSERT INTO idea_votes (idea_id, voter_pseudonym, value) VALUES ($1, $2, 0)",
        idea_id,
        pseudonym_for(app.state.settings, cid, voter.id),
    )
    client = new_client(app)
    return f"/api/conversations/{cid}/ideas/{idea_id}", client, await sign_in(client, voter), cid


async def test_a_vote_over_a_pass_moves_the_counts_by_the_vote_alone(
    app: FastAPI, db: asyncpg.Connection
) -> None:
    url, client, headers, _ = await _idea_with_a_planted_pass(app, db)
    idea = (await client.get(url, headers=headers)).json()
    assert (idea["like_count"], idea["dislike_count"], idea["my_vote"]) == (0, 0, None)
    liked = await client.put(f"{url}/vote", json={"vote": "like"}, headers=headers)
    assert liked.json() == {"like_count": 1, "dislike_count": 0, "my_vote": "like"}
    disliked = await client.put(f"{url}/vote", json={"vote": "dislike"}, headers=headers)
    assert disliked.json() == {"like_count": 0, "dislike_count": 1, "my_vote": "dislike"}
    withdrawn = await client.put(f"{url}/vote", json={"vote": "none"}, headers=headers)
    assert withdrawn.json() == {"like_count": 0, "dislike_count": 0, "my_vote": None}
    assert await db.fetchval("SELECT count(*) FROM idea_votes") == 0
    await client.aclose()


async def test_my_export_names_a_pass_a_pass(app: FastAPI, db: asyncpg.Connection) -> None:
    _, client, headers, _ = await _idea_with_a_planted_pass(app, db)
    export = (await client.get("/api/me/export", headers=headers)).json()
    assert [v["vote"] for v in export["votes"]] == ["pass"]
    await client.aclose()


async def test_erasure_takes_back_no_like_or_dislike_for_a_pass(
    app: FastAPI, db: asyncpg.Connection
) -> None:
    url, client, headers, _ = await _idea_with_a_planted_pass(app, db)
    idea_id = url.rsplit("/", 1)[1]
    erased = await client.post(
        "/api/me/erase", json={"posts": "withdraw", "confirm": True}, headers=headers
    )
    assert erased.status_code == 200, erased.text
    assert await _counts(db, uuid.UUID(idea_id)) == (0, 0)
    assert await db.fetchval("SELECT count(*) FROM idea_votes") == 0
    await client.aclose()


async def test_a_merge_counts_passes_as_neither(
    app: FastAPI, admin: Staff, db: asyncpg.Connection
) -> None:
    comments = (
        "comment-id,author-id,moderated,comment-body\n"
        "0,1,1,Car sharing scheme\n"
        "1,1,1,A scheme for sharing cars\n"
    )
    # Voter 2 passes on the first and agrees with the duplicate; voter 3 passes on both;
    # voter 4 disagrees with the first only.
    votes = "comment-id,voter-id,vote\n0,2,0\n1,2,1\n0,3,0\n1,3,0\n0,4,-1\n"
    cid = (await import_polis(admin, comments, votes)).json()["conversation_id"]
    ideas = {
        r["body"]: r["id"]
        for r in await db.fetch("SELECT id, body FROM ideas WHERE conversation_id = $1", cid)
    }
    into, duplicate = ideas["Car sharing scheme"], ideas["A scheme for sharing cars"]
    assert await _counts(db, into) == (0, 1)
    assert await _counts(db, duplicate) == (1, 0)
    moderator = await staff(app, "facilitator")
    merged = await moderator.client.post(
        f"/api/conversations/{cid}/moderation/idea/{into}/merge",
        json={"source_ids": [str(duplicate)], "reason": "Duplicate"},
        headers=moderator.headers,
    )
    assert merged.status_code == 200, merged.text
    await moderator.client.aclose()
    # Voters 2 and 3 keep their votes on ``into`` (passes); only voter 4's dislike counts.
    assert await _counts(db, into) == (0, 1)
    values = sorted(
        r["value"] for r in await db.fetch("SELECT value FROM idea_votes WHERE idea_id = $1", into)
    )
    assert values == [-1, 0, 0]
