"""Reading ideas and comments: pages, one idea, search, and the caller's own posts."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, literal, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from candour.contributions import queries
from candour.contributions.context import Context, context_for
from candour.contributions.errors import (
    ContributionNotFound,
    UnknownSection,
)
from candour.contributions.models import (
    Comment,
    Idea,
    Moderation,
    Status,
)
from candour.contributions.schemas import (
    CommentOut,
    CommentPage,
    IdeaOut,
    IdeaSort,
    MyContributions,
    SearchHit,
    SearchPage,
)
from candour.contributions.shapes import (
    as_json,
    comments_out,
    idea_fields,
    ideas_out,
)
from candour.core.errors import FieldProblem
from candour.core.pagination import decode_cursor, encode_cursor
from candour.core.prepared import Executor
from candour.core.settings import Settings
from candour.identity import Caller


async def list_ideas(
    session: Executor,
    ctx: Context,
    *,
    section_id: uuid.UUID | None,
    sort: IdeaSort,
    cursor: str | None,
    limit: int,
) -> bytes:
    """A page as the JSON of an :class:`IdeaPage` (see :func:`shapes.as_json`)."""
    scope = f"ideas:{ctx.conversation.id}:{section_id}:{sort.value}"
    params: dict[str, Any] = {
        "me": ctx.pseudonym,
        "conversation_id": ctx.conversation.id,
        "section_id": section_id,
    }
    if cursor is not None:
        value, last_id = decode_cursor(ctx.secret, scope, cursor)
        params["after_key"] = datetime.fromisoformat(value) if sort is IdeaSort.newest else value
        params["after_id"] = uuid.UUID(last_id)
    page = queries.idea_page(sort, section_id is not None, cursor is not None, limit + 1)
    rows = (await page.fetch(session, params))[: limit + 1]
    if not rows and section_id is not None:
        # An empty page may mean a section of another conversation: say so, clearly.
        await require_section(session, ctx, section_id)
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        sort_value = rows[-1][queries.SORT_COLUMN[sort].key]
        next_cursor = encode_cursor(
            ctx.secret,
            scope,
            [
                sort_value.isoformat() if isinstance(sort_value, datetime) else sort_value,
                str(rows[-1]["id"]),
            ],
        )
    items = [idea_fields(ctx, row, row["my_vote"], row["is_mine"]) for row in rows]
    return as_json({"items": items, "next_cursor": next_cursor})


async def require_section(session: Executor, ctx: Context, section_id: uuid.UUID) -> None:
    """422 ``unknown_section`` unless the section is one of this conversation's."""
    section = await queries.SECTION.fetch_one(
        session, {"section_id": section_id, "conversation_id": ctx.conversation.id}
    )
    if section is None:
        raise UnknownSection(
            "There is no such section in this conversation.",
            errors=[
                FieldProblem(field="section_id", message="unknown section", code="unknown_section")
            ],
        )


async def find_idea(
    session: AsyncSession, ctx: Context, idea_id: uuid.UUID, *, lock: bool = False
) -> Idea:
    idea = await session.get(Idea, idea_id, with_for_update=lock)
    if idea is None or idea.conversation_id != ctx.conversation.id:
        raise ContributionNotFound("No such idea in this conversation.")
    return idea


async def get_idea(session: Executor, ctx: Context, idea_id: uuid.UUID) -> bytes:
    """The JSON of an :class:`IdeaOut` (see :func:`shapes.as_json`)."""
    row = await queries.ONE_IDEA.fetch_one(
        session, {"idea_id": idea_id, "conversation_id": ctx.conversation.id, "me": ctx.pseudonym}
    )
    if row is None:
        raise ContributionNotFound("No such idea in this conversation.")
    return as_json(idea_fields(ctx, row, row["my_vote"], row["is_mine"]))


# A thread's order: each comment, then the replies to it. Top-level comments, and the
# replies to one comment, go by the hour they were written in, then by their random id: an
# order by exact time would show which of a busy hour's comments came last, and so could
# be matched against sign-in records, like an exact timestamp.
_parent = aliased(Comment)
_THREAD_ORDER = (
    func.coalesce(_parent.created_at, Comment.created_at),
    func.coalesce(_parent.id, Comment.id),
    Comment.parent_id.is_not(None),
    Comment.created_at,
    Comment.id,
)


async def list_comments(
    session: AsyncSession, ctx: Context, idea_id: uuid.UUID, *, cursor: str | None, limit: int
) -> CommentPage:
    """All comments of an idea, each followed by its replies (which carry ``parent_id``).
    Withdrawn comments stay as empty placeholders so the replies under them keep their place."""
    await find_idea(session, ctx, idea_id)
    scope = f"thread:{idea_id}"
    query = (
        select(Comment, *_THREAD_ORDER)
        .outerjoin(_parent, _parent.id == Comment.parent_id)
        .where(Comment.idea_id == idea_id)
    )
    if cursor is not None:
        thread_at, thread_id, is_reply, created_at, last_id = decode_cursor(
            ctx.secret, scope, cursor
        )
        query = query.where(
            tuple_(*_THREAD_ORDER)
            > tuple_(
                literal(datetime.fromisoformat(thread_at), Comment.created_at.type),
                literal(uuid.UUID(thread_id)),
                literal(bool(is_reply)),
                literal(datetime.fromisoformat(created_at), Comment.created_at.type),
                literal(uuid.UUID(last_id)),
            )
        )
    rows = (await session.execute(query.order_by(*_THREAD_ORDER).limit(limit + 1))).all()
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        thread_at, thread_id, is_reply, created_at, last_id = rows[-1][1:]
        next_cursor = encode_cursor(
            ctx.secret,
            scope,
            [thread_at.isoformat(), str(thread_id), is_reply, created_at.isoformat(), str(last_id)],
        )
    comments = [row[0] for row in rows]
    return CommentPage(items=await comments_out(session, ctx, comments), next_cursor=next_cursor)


async def search_contributions(
    session: AsyncSession,
    ctx: Context,
    *,
    q: str,
    section_id: uuid.UUID | None,
    cursor: str | None,
    limit: int,
) -> SearchPage:
    """Full-text search (PostgreSQL, English stemming) over published ideas and comments,
    best match first."""
    query_ts = func.websearch_to_tsquery("english", q)
    idea_rank = func.ts_rank(Idea.search, query_ts)
    comment_rank = func.ts_rank(Comment.search, query_ts)
    ideas = select(
        literal("idea").label("kind"), Idea.id.label("id"), idea_rank.label("rank")
    ).where(
        Idea.conversation_id == ctx.conversation.id,
        Idea.status == Status.published,
        Idea.moderation == Moderation.visible,
        Idea.search.op("@@")(query_ts),
    )
    comments = (
        select(literal("comment").label("kind"), Comment.id.label("id"), comment_rank.label("rank"))
        .join(Idea, Idea.id == Comment.idea_id)
        .where(
            Comment.conversation_id == ctx.conversation.id,
            Comment.status == Status.published,
            Comment.moderation == Moderation.visible,
            Idea.status == Status.published,
            Idea.moderation == Moderation.visible,
            Comment.search.op("@@")(query_ts),
        )
    )
    if section_id is not None:
        await require_section(session, ctx, section_id)
        ideas = ideas.where(Idea.section_id == section_id)
        comments = comments.where(Idea.section_id == section_id)
    hits = ideas.union_all(comments).subquery()
    page = select(hits.c.kind, hits.c.id, hits.c.rank)
    scope = f"search:{ctx.conversation.id}:{section_id}:{q}"
    if cursor is not None:
        rank, last_id = decode_cursor(ctx.secret, scope, cursor)
        page = page.where(
            or_(hits.c.rank < rank, and_(hits.c.rank == rank, hits.c.id < uuid.UUID(last_id)))
        )
    rows = (
        await session.execute(page.order_by(hits.c.rank.desc(), hits.c.id.desc()).limit(limit + 1))
    ).all()
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(ctx.secret, scope, [rows[-1].rank, str(rows[-1].id)])
    idea_ids = [r.id for r in rows if r.kind == "idea"]
    comment_ids = [r.id for r in rows if r.kind == "comment"]
    found_ideas = (
        {i.id: i for i in await session.scalars(select(Idea).where(Idea.id.in_(idea_ids)))}
        if idea_ids
        else {}
    )
    found_comments = (
        {c.id: c for c in await session.scalars(select(Comment).where(Comment.id.in_(comment_ids)))}
        if comment_ids
        else {}
    )
    idea_outs = {o.id: o for o in await ideas_out(session, ctx, list(found_ideas.values()))}
    comment_outs = {
        o.id: o for o in await comments_out(session, ctx, list(found_comments.values()))
    }
    items = [
        SearchHit(kind="idea", idea=idea_outs[r.id])
        if r.kind == "idea"
        else SearchHit(kind="comment", comment=comment_outs[r.id])
        for r in rows
    ]
    return SearchPage(items=items, next_cursor=next_cursor)


async def list_my_contributions(
    session: AsyncSession, settings: Settings, caller: Caller, conversation_id: uuid.UUID | None
) -> MyContributions:
    """Found by recomputing the caller's pseudonym in each of their conversations: the
    database holds no link from the person to these rows."""
    conversation_ids = (
        [conversation_id] if conversation_id else await caller.conversation_ids(session)
    )
    ideas: list[IdeaOut] = []
    comments: list[CommentOut] = []
    for cid in conversation_ids:
        ctx = await context_for(session, settings, caller, cid)
        mine_ideas = (
            await session.scalars(
                select(Idea)
                .where(Idea.author_pseudonym == ctx.pseudonym)
                .order_by(Idea.created_at.desc(), Idea.id)
            )
        ).all()
        mine_comments = (
            await session.scalars(
                select(Comment)
                .where(Comment.author_pseudonym == ctx.pseudonym)
                .order_by(Comment.created_at.desc(), Comment.id)
            )
        ).all()
        ideas += await ideas_out(session, ctx, mine_ideas)
        comments += await comments_out(session, ctx, mine_comments)
    return MyContributions(ideas=ideas, comments=comments)
