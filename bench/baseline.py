"""The physical limit: a bare Starlette app on an asyncpg pool running the service's SQL.

    DATABASE_URL=… .venv/bin/python -m uvicorn baseline:create_app --factory --app-dir bench

It answers the same paths as the real API with the same data — a page of ideas of a
section or of the conversation, newest / most liked / most discussed / most divided
first, keyset-paginated; one idea; a vote; a new idea — using the same statements the
service sends for the data itself:

- a list page: the page query (same WHERE, ORDER BY and LIMIT, served by the same
  partial indexes), then the caller's votes on those ideas;
- one idea: the row, then the caller's vote;
- a vote: one transaction that locks the idea row ``FOR UPDATE``, reads the old vote,
  inserts / updates / deletes it and moves the counters with ``UPDATE … RETURNING`` (the
  service does the last three in one statement; this is the plain equivalent);
- a new idea: ``INSERT … RETURNING``.

The rule for which ideas a list shows is read from the product's list indexes when the
module loads; nothing else of the product runs here.

What it leaves out on purpose is everything else a real request pays for: no session
token, no account, conversation, membership or section look-ups, no validation, no ORM,
no sealed cursors (a plain base64 JSON one), no middleware. The caller says who they are
with ``X-Bench-Pseudonym: <hex>`` (their pseudonym in this conversation), which is what
``my_vote`` and the author of a new idea need.
"""

from __future__ import annotations

import base64
import json
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

GRANULARITY = 3600  # the product's default public time granularity (to the hour)
PAGE_DEFAULT, PAGE_MAX = 20, 100
SORT_KEYS = {
    "newest": "created_at",
    "most_liked": "like_count",
    "most_discussed": "comment_count",
    "most_divided": "divided",
}
VOTE_VALUE = {"like": 1, "dislike": -1, "none": 0}
VOTE_NAME = {1: "like", -1: "dislike"}
COLUMNS = (
    "id, conversation_id, section_id, author_pseudonym, source, title, body, status, "
    "created_at, edited_at, like_count, dislike_count, comment_count, divided"
)


def listed_predicate() -> str:
    """Which ideas the public lists show, as the product's list indexes say (for example
    ``status = 'published' AND moderation = 'visible'``). Read from the models when this
    module loads, so that the page query here keeps matching those partial indexes, as the
    service's does, whatever the product adds to the rule."""
    from sqlalchemy.dialects import postgresql

    from candour.contributions.models import Idea

    for index in Idea.__table__.indexes:
        if index.name == "ix_ideas_section_id_newest":
            where = index.dialect_options["postgresql"]["where"]
            return str(where.compile(dialect=postgresql.dialect()))
    raise RuntimeError("no index ix_ideas_section_id_newest: update bench/baseline.py")


LISTED = listed_predicate()


def page_sql(sort: str, scope: str, after: bool, rows: int) -> str:
    """The page query. The row count is written into the SQL, not bound, as the service
    does: with ``LIMIT $n`` PostgreSQL re-plans the prepared statement on every execution."""
    key = SORT_KEYS[sort]
    return (
        f"SELECT {COLUMNS} FROM ideas WHERE {LISTED} AND {scope} = $1"
        + (f" AND ({key}, id) < ($2, $3)" if after else "")
        + f" ORDER BY {key} DESC, id DESC LIMIT {int(rows)}"
    )


MY_VOTES_SQL = (
    "SELECT idea_id, value FROM idea_votes WHERE idea_id = ANY($1::uuid[]) AND voter_pseudonym = $2"
)
IDEA_SQL = f"SELECT {COLUMNS} FROM ideas WHERE id = $1 AND conversation_id = $2"
MY_VOTE_SQL = "SELECT value FROM idea_votes WHERE idea_id = $1 AND voter_pseudonym = $2"


def _coarse(moment: datetime) -> str:
    seconds = int(moment.timestamp())
    return datetime.fromtimestamp(seconds - seconds % GRANULARITY, UTC).isoformat()


def _idea_out(row: asyncpg.Record, my_vote: int | None, me: bytes | None) -> dict[str, Any]:
    visible = row["status"] == "published"
    return {
        "id": str(row["id"]),
        "conversation_id": str(row["conversation_id"]),
        "section_id": str(row["section_id"]),
        "status": row["status"],
        "source": row["source"],
        "title": row["title"] if visible else None,
        "body": row["body"] if visible else None,
        "created_at": _coarse(row["created_at"]),
        "edited": row["edited_at"] is not None,
        "like_count": row["like_count"],
        "dislike_count": row["dislike_count"],
        "comment_count": row["comment_count"],
        "my_vote": VOTE_NAME.get(my_vote or 0),
        "is_mine": me is not None and row["author_pseudonym"] == me,
    }


def _me(request: Request) -> bytes | None:
    value = request.headers.get("x-bench-pseudonym")
    return bytes.fromhex(value) if value else None


def _pool(request: Request) -> asyncpg.Pool:
    pool: asyncpg.Pool = request.app.state.pool
    return pool


async def list_ideas(request: Request) -> Response:
    conversation_id = uuid.UUID(request.path_params["conversation_id"])
    params = request.query_params
    sort = params.get("sort", "newest")
    key = SORT_KEYS[sort]
    limit = min(int(params.get("limit", PAGE_DEFAULT)), PAGE_MAX)
    section = params.get("section_id")
    scope, scope_id = (
        ("section_id", uuid.UUID(section)) if section else ("conversation_id", conversation_id)
    )
    cursor = params.get("cursor")
    args: list[Any] = [scope_id]
    if cursor:
        value, last_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        args += [
            datetime.fromisoformat(value) if key == "created_at" else value,
            uuid.UUID(last_id),
        ]
    me = _me(request)
    async with _pool(request).acquire() as connection:
        rows = await connection.fetch(page_sql(sort, scope, bool(cursor), limit + 1), *args)
        next_cursor = None
        if len(rows) > limit:
            rows = rows[:limit]
            last = rows[-1][key]
            value = last.isoformat() if isinstance(last, datetime) else last
            payload = json.dumps([value, str(rows[-1]["id"])]).encode()
            next_cursor = base64.urlsafe_b64encode(payload).decode().rstrip("=")
        votes = (
            dict(await connection.fetch(MY_VOTES_SQL, [r["id"] for r in rows], me))
            if rows and me
            else {}
        )
    items = [_idea_out(row, votes.get(row["id"]), me) for row in rows]
    return JSONResponse({"items": items, "next_cursor": next_cursor})


async def get_idea(request: Request) -> Response:
    conversation_id = uuid.UUID(request.path_params["conversation_id"])
    idea_id = uuid.UUID(request.path_params["idea_id"])
    me = _me(request)
    async with _pool(request).acquire() as connection:
        row = await connection.fetchrow(IDEA_SQL, idea_id, conversation_id)
        if row is None:
            return JSONResponse({"detail": "no such idea"}, status_code=404)
        my_vote = await connection.fetchval(MY_VOTE_SQL, idea_id, me) if me else None
    return JSONResponse(_idea_out(row, my_vote, me))


async def vote_idea(request: Request) -> Response:
    conversation_id = uuid.UUID(request.path_params["conversation_id"])
    idea_id = uuid.UUID(request.path_params["idea_id"])
    me = _me(request)
    new = VOTE_VALUE[(await request.json())["vote"]]
    async with _pool(request).acquire() as connection, connection.transaction():
        status = await connection.fetchval(
            "SELECT status FROM ideas WHERE id = $1 AND conversation_id = $2 FOR UPDATE",
            idea_id,
            conversation_id,
        )
        if status != "published":
            return JSONResponse({"detail": "no such idea"}, status_code=404)
        old = await connection.fetchval(MY_VOTE_SQL, idea_id, me) or 0
        likes = dislikes = 0
        if old != new:
            if new == 0:
                await connection.execute(
                    "DELETE FROM idea_votes WHERE idea_id = $1 AND voter_pseudonym = $2",
                    idea_id,
                    me,
                )
            elif old == 0:
                await connection.execute(
                    "INSERT INTO idea_votes (idea_id, voter_pseudonym, value) VALUES ($1, $2, $3)",
                    idea_id,
                    me,
                    new,
                )
            else:
                await connection.execute(
                    "UPDATE idea_votes SET value = $3 WHERE idea_id = $1 AND voter_pseudonym = $2",
                    idea_id,
                    me,
                    new,
                )
            likes, dislikes = (new == 1) - (old == 1), (new == -1) - (old == -1)
        counts = await connection.fetchrow(
            "UPDATE ideas SET like_count = like_count + $2, dislike_count = dislike_count + $3 "
            "WHERE id = $1 RETURNING like_count, dislike_count",
            idea_id,
            likes,
            dislikes,
        )
    assert counts is not None
    return JSONResponse(
        {
            "like_count": counts["like_count"],
            "dislike_count": counts["dislike_count"],
            "my_vote": VOTE_NAME.get(new),
        }
    )


async def create_idea(request: Request) -> Response:
    conversation_id = uuid.UUID(request.path_params["conversation_id"])
    body = await request.json()
    me = _me(request)
    async with _pool(request).acquire() as connection:
        row = await connection.fetchrow(
            "INSERT INTO ideas (id, conversation_id, section_id, author_pseudonym, source, "
            "title, body, status) VALUES ($1, $2, $3, $4, 'online', $5, $6, 'published') "
            f"RETURNING {COLUMNS}",
            uuid.uuid4(),
            conversation_id,
            uuid.UUID(body["section_id"]),
            me,
            body["title"],
            body["body"],
        )
    assert row is not None
    return JSONResponse(_idea_out(row, None, me), status_code=201)


async def health(request: Request) -> Response:
    async with _pool(request).acquire() as connection:
        await connection.fetchval("SELECT 1")
    return JSONResponse({"status": "ok"})


def create_app() -> Starlette:
    url = os.environ["DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://", 1)
    # The same connections as the real app: as many as its pool keeps, kept open.
    size = int(os.environ.get("CANDOUR_DATABASE_POOL_SIZE", "20"))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with asyncpg.create_pool(url, min_size=size, max_size=size) as pool:
            app.state.pool = pool
            yield

    ideas = "/api/conversations/{conversation_id}/ideas"
    return Starlette(
        routes=[
            Route("/health", health),
            Route(ideas, list_ideas),
            Route(ideas, create_idea, methods=["POST"]),
            Route(ideas + "/{idea_id}", get_idea),
            Route(ideas + "/{idea_id}/vote", vote_idea, methods=["PUT"]),
        ],
        lifespan=lifespan,
    )
