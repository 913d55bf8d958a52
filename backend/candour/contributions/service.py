"""Ideas, comments and votes: the participant's side of a conversation.

Every public shape is built by ``_idea_out`` / ``_comment_out``, which never include the
author: ``is_mine`` is computed by comparing with the caller's own pseudonym.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import and_, func, literal, or_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from candour.contributions import queries
from candour.contributions.errors import (
    ContributionNotFound,
    ContributionWithdrawn,
    NotYourContribution,
    OnlyParticipantsPost,
    ReplyTooDeep,
    UnknownSection,
)
from candour.contributions.models import (
    Comment,
    CommentVote,
    Idea,
    IdeaVote,
    Moderation,
    ReasonCategory,
    Source,
    Status,
    kind_of,
    text_is_shown,
)
from candour.contributions.schemas import (
    CommentCreate,
    CommentOut,
    CommentPage,
    CommentUpdate,
    IdeaCreate,
    IdeaOut,
    IdeaPage,
    IdeaSort,
    IdeaUpdate,
    MyContributions,
    SearchHit,
    SearchPage,
    Tally,
    VoteChoice,
)
from candour.conversations import service as conversations
from candour.conversations.service import Window
from candour.core.errors import FieldProblem
from candour.core.pagination import decode_cursor, encode_cursor
from candour.core.prepared import Executor, Prepared
from candour.core.settings import Settings
from candour.core.time import coarsen
from candour.identity import Caller, RateLimitedAction, Role
from candour.queue import screening

_VOTE_VALUE = {VoteChoice.like: 1, VoteChoice.dislike: -1, VoteChoice.none: 0}
_VOTE_NAME: dict[int, Literal["like", "dislike"]] = {1: "like", -1: "dislike"}


class Context:
    """What every call needs: the caller, their pseudonym here, and the settings."""

    def __init__(self, settings: Settings, caller: Caller, conversation: Window) -> None:
        self.settings = settings
        self.caller = caller
        self.conversation = conversation
        self.pseudonym = caller.pseudonym_in(conversation.id)

    def coarse(self, moment: datetime) -> datetime:
        return coarsen(moment, self.settings.public_time_granularity_seconds)

    @property
    def secret(self) -> str:
        return self.settings.jwt_secret.get_secret_value()


async def context_for(
    session: AsyncSession, settings: Settings, caller: Caller, conversation_id: uuid.UUID
) -> Context:
    conversation = await conversations.get_conversation(session, caller, conversation_id)
    return Context(settings, caller, conversation)


async def _require_writer(
    session: Executor, ctx: Context, action: RateLimitedAction | None = None
) -> None:
    """Participants only, inside the window, and within their rate limit for ``action``."""
    if ctx.caller.role != Role.participant:
        raise OnlyParticipantsPost(
            "Only participants post, comment and vote; facilitators enter paper forms."
        )
    conversations.require_open(ctx.conversation)
    if action is not None:
        await ctx.caller.spend(session, action)


# --- public shapes -----------------------------------------------------------------------


_NOTES = {
    Moderation.held: "Waiting for the facilitators to approve it",
    Moderation.hidden: "Hidden by the facilitators",
    Moderation.removed: "Removed by the facilitators",
    Moderation.merged: "Merged by the facilitators into another idea on the same subject",
}
REASON_WORDS = {
    ReasonCategory.safeguarding: "a safeguarding concern",
    ReasonCategory.abusive: "abusive language",
    ReasonCategory.personal: "a personal comment about someone",
    ReasonCategory.other: "against the conversation's rules",
}


def moderation_note(moderation: str, reason: str | None, amended: bool = False) -> str | None:
    """The short public note where the facilitators changed a post."""
    if moderation == Moderation.visible and not amended:
        return None  # most posts: nothing to say
    note = _NOTES.get(Moderation(moderation))
    if note is None and amended:
        note = "Edited by the facilitators"
    if note and reason and moderation not in (Moderation.held, Moderation.merged):
        return f"{note}: {REASON_WORDS[ReasonCategory(reason)]}"
    return note


def _fields_of(idea: Idea) -> dict[str, Any]:
    """An ORM idea in the shape of a row of :mod:`queries`."""
    return {name: getattr(idea, name) for name in queries.IDEA_FIELDS}


def _is_mine(ctx: Context, row: Idea | Comment) -> bool:
    return row.author_pseudonym is not None and row.author_pseudonym == ctx.pseudonym


def _idea_out(ctx: Context, idea: Mapping[str, Any], my_vote: int | None, mine: bool) -> IdeaOut:
    """``idea`` has the ``queries.IDEA_FIELDS``: a row of :mod:`queries` or :func:`_fields_of`."""
    status, moderation, amended = idea["status"], idea["moderation"], idea["amended"]
    visible = text_is_shown(status, moderation, mine=mine)
    return IdeaOut(
        id=idea["id"],
        conversation_id=idea["conversation_id"],
        section_id=idea["section_id"],
        status=status,
        moderation=moderation,
        moderation_note=moderation_note(moderation, idea["moderation_reason"], amended),
        source=idea["source"],
        title=idea["title"] if visible else None,
        body=idea["body"] if visible else None,
        created_at=ctx.coarse(idea["created_at"]),
        edited=idea["edited_at"] is not None,
        like_count=idea["like_count"],
        dislike_count=idea["dislike_count"],
        comment_count=idea["comment_count"],
        my_vote=_VOTE_NAME.get(my_vote or 0),
        is_mine=mine,
        amended=amended,
        origin_id=idea["origin_id"],
        merged_into_id=idea["merged_into_id"],
    )


def _comment_out(ctx: Context, comment: Comment, my_vote: int | None) -> CommentOut:
    mine = _is_mine(ctx, comment)
    visible = text_is_shown(comment.status, comment.moderation, mine=mine)
    return CommentOut(
        id=comment.id,
        conversation_id=comment.conversation_id,
        idea_id=comment.idea_id,
        parent_id=comment.parent_id,
        status=Status(comment.status),
        moderation=Moderation(comment.moderation),
        moderation_note=moderation_note(
            comment.moderation, comment.moderation_reason, comment.amended
        ),
        source=Source(comment.source),
        body=comment.body if visible else None,
        created_at=ctx.coarse(comment.created_at),
        edited=comment.edited_at is not None,
        like_count=comment.like_count,
        dislike_count=comment.dislike_count,
        my_vote=_VOTE_NAME.get(my_vote or 0),
        is_mine=mine,
        amended=comment.amended,
    )


async def _my_idea_votes(
    session: AsyncSession, ctx: Context, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    if not ids:
        return {}
    rows = await session.execute(
        select(IdeaVote.idea_id, IdeaVote.value).where(
            IdeaVote.idea_id.in_(ids), IdeaVote.voter_pseudonym == ctx.pseudonym
        )
    )
    return {idea_id: value for idea_id, value in rows}


async def _my_comment_votes(
    session: AsyncSession, ctx: Context, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    if not ids:
        return {}
    rows = await session.execute(
        select(CommentVote.comment_id, CommentVote.value).where(
            CommentVote.comment_id.in_(ids), CommentVote.voter_pseudonym == ctx.pseudonym
        )
    )
    return {comment_id: value for comment_id, value in rows}


async def _ideas_out(session: AsyncSession, ctx: Context, ideas: Sequence[Idea]) -> list[IdeaOut]:
    votes = await _my_idea_votes(session, ctx, [i.id for i in ideas])
    return [
        _idea_out(ctx, _fields_of(idea), votes.get(idea.id), _is_mine(ctx, idea)) for idea in ideas
    ]


async def _comments_out(
    session: AsyncSession, ctx: Context, comments: Sequence[Comment]
) -> list[CommentOut]:
    votes = await _my_comment_votes(session, ctx, [c.id for c in comments])
    return [_comment_out(ctx, comment, votes.get(comment.id)) for comment in comments]


# --- reading -----------------------------------------------------------------------------


async def list_ideas(
    session: Executor,
    ctx: Context,
    *,
    section_id: uuid.UUID | None,
    sort: IdeaSort,
    cursor: str | None,
    limit: int,
) -> IdeaPage:
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
        await _require_section(session, ctx, section_id)
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
    items = [_idea_out(ctx, row, row["my_vote"], row["is_mine"]) for row in rows]
    return IdeaPage(items=items, next_cursor=next_cursor)


async def _require_section(session: Executor, ctx: Context, section_id: uuid.UUID) -> None:
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


async def _idea(
    session: AsyncSession, ctx: Context, idea_id: uuid.UUID, *, lock: bool = False
) -> Idea:
    idea = await session.get(Idea, idea_id, with_for_update=lock)
    if idea is None or idea.conversation_id != ctx.conversation.id:
        raise ContributionNotFound("No such idea in this conversation.")
    return idea


async def get_idea(session: Executor, ctx: Context, idea_id: uuid.UUID) -> IdeaOut:
    row = await queries.ONE_IDEA.fetch_one(
        session, {"idea_id": idea_id, "conversation_id": ctx.conversation.id, "me": ctx.pseudonym}
    )
    if row is None:
        raise ContributionNotFound("No such idea in this conversation.")
    return _idea_out(ctx, row, row["my_vote"], row["is_mine"])


async def list_comments(
    session: AsyncSession, ctx: Context, idea_id: uuid.UUID, *, cursor: str | None, limit: int
) -> CommentPage:
    """All comments of an idea in the order they were written; replies carry ``parent_id``.
    Withdrawn comments stay as empty placeholders so the replies under them keep their place."""
    await _idea(session, ctx, idea_id)
    scope = f"comments:{idea_id}"
    query = select(Comment).where(Comment.idea_id == idea_id)
    if cursor is not None:
        value, last_id = decode_cursor(ctx.secret, scope, cursor)
        query = query.where(
            tuple_(Comment.created_at, Comment.id)
            > tuple_(
                literal(datetime.fromisoformat(value), Comment.created_at.type),
                literal(uuid.UUID(last_id)),
            )
        )
    comments = list(
        (
            await session.scalars(query.order_by(Comment.created_at, Comment.id).limit(limit + 1))
        ).all()
    )
    next_cursor = None
    if len(comments) > limit:
        comments = comments[:limit]
        next_cursor = encode_cursor(
            ctx.secret, scope, [comments[-1].created_at.isoformat(), str(comments[-1].id)]
        )
    return CommentPage(items=await _comments_out(session, ctx, comments), next_cursor=next_cursor)


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
        await _require_section(session, ctx, section_id)
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
    idea_outs = {o.id: o for o in await _ideas_out(session, ctx, list(found_ideas.values()))}
    comment_outs = {
        o.id: o for o in await _comments_out(session, ctx, list(found_comments.values()))
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
        ideas += await _ideas_out(session, ctx, mine_ideas)
        comments += await _comments_out(session, ctx, mine_comments)
    return MyContributions(ideas=ideas, comments=comments)


# --- writing -----------------------------------------------------------------------------


async def create_idea(
    session: AsyncSession, ctx: Context, data: IdeaCreate, idempotency_key: str | None
) -> tuple[IdeaOut, bool]:
    """Post an idea; with an idempotency key, a retry returns the first idea (created=False)."""
    await _require_writer(session, ctx, RateLimitedAction.post)
    await _require_section(session, ctx, data.section_id)
    values = {
        "id": uuid.uuid4(),
        "conversation_id": ctx.conversation.id,
        "section_id": data.section_id,
        "author_pseudonym": ctx.pseudonym,
        "title": data.title,
        "body": data.body,
        "idempotency_key": idempotency_key,
    }
    statement = insert(Idea).values(values)
    if idempotency_key is not None:
        statement = statement.on_conflict_do_nothing(constraint="uq_ideas_author_idempotency_key")
    created_id = await session.scalar(statement.returning(Idea.id))
    if created_id is None:
        existing = await session.scalar(
            select(Idea).where(
                Idea.author_pseudonym == ctx.pseudonym, Idea.idempotency_key == idempotency_key
            )
        )
        assert existing is not None
        return (await _ideas_out(session, ctx, [existing]))[0], False
    idea = await _idea(session, ctx, created_id)
    await _screen(session, ctx, idea)
    return (await _ideas_out(session, ctx, [idea]))[0], True


async def _screen(session: AsyncSession, ctx: Context, row: Idea | Comment) -> None:
    """Screen a new or edited post; flagged posts join the queue, and in a pre-moderated
    conversation they are held until a facilitator approves them."""
    text = f"{row.title}\n{row.body}" if isinstance(row, Idea) else row.body
    hits = await screening.screen_post(session, ctx.conversation.id, kind_of(row), row.id, text)
    if hits and ctx.conversation.moderation_mode == "pre" and row.moderation == Moderation.visible:
        row.moderation = Moderation.held.value
        await session.flush()


def _require_own_and_published(ctx: Context, row: Idea | Comment) -> None:
    if row.author_pseudonym is None or row.author_pseudonym != ctx.pseudonym:
        raise NotYourContribution("You can only change your own posts.")
    if row.status != Status.published:
        raise ContributionWithdrawn("This post has been withdrawn and can no longer be changed.")
    if row.moderation in (Moderation.hidden, Moderation.removed):
        raise ContributionWithdrawn(
            "The facilitators have taken this post down; it can no longer be changed."
        )


def _require_open_to_responses(status: str, moderation: str, responses: str) -> None:
    """Only what the public can see takes comments and votes."""
    if status != Status.published:
        raise ContributionWithdrawn(f"This post has been withdrawn; it takes no {responses}.")
    if moderation != Moderation.visible:
        raise ContributionWithdrawn(
            f"This post is not shown at the moment; it takes no {responses}."
        )


async def update_idea(
    session: AsyncSession, ctx: Context, idea_id: uuid.UUID, data: IdeaUpdate
) -> IdeaOut:
    await _require_writer(session, ctx)
    idea = await _idea(session, ctx, idea_id, lock=True)
    _require_own_and_published(ctx, idea)
    for name, value in data.model_dump(exclude_unset=True).items():
        setattr(idea, name, value)
    idea.edited_at = datetime.now(UTC)
    await session.flush()
    await session.refresh(idea)
    await _screen(session, ctx, idea)
    return (await _ideas_out(session, ctx, [idea]))[0]


async def withdraw_idea(session: AsyncSession, ctx: Context, idea_id: uuid.UUID) -> IdeaOut:
    """The idea leaves every list; its comments stay readable under an empty placeholder."""
    await _require_writer(session, ctx)
    idea = await _idea(session, ctx, idea_id, lock=True)
    _require_own_and_published(ctx, idea)
    idea.status = Status.withdrawn.value
    await session.flush()
    return (await _ideas_out(session, ctx, [idea]))[0]


async def _comment(
    session: AsyncSession, ctx: Context, comment_id: uuid.UUID, *, lock: bool = False
) -> Comment:
    comment = await session.get(Comment, comment_id, with_for_update=lock)
    if comment is None or comment.conversation_id != ctx.conversation.id:
        raise ContributionNotFound("No such comment in this conversation.")
    return comment


async def create_comment(
    session: AsyncSession,
    ctx: Context,
    idea_id: uuid.UUID,
    data: CommentCreate,
    idempotency_key: str | None,
) -> tuple[CommentOut, bool]:
    await _require_writer(session, ctx, RateLimitedAction.post)
    idea = await _idea(session, ctx, idea_id)
    _require_open_to_responses(idea.status, idea.moderation, "new comments")
    if data.parent_id is not None:
        parent = await _comment(session, ctx, data.parent_id)
        if parent.idea_id != idea_id:
            raise ReplyTooDeep(
                "You can only reply to a comment on the same idea.",
                errors=[
                    FieldProblem(
                        field="body.parent_id",
                        message="not a comment on this idea",
                        code="wrong_idea",
                    )
                ],
            )
        if parent.parent_id is not None:
            raise ReplyTooDeep(
                "Replies go one level deep: reply to the comment this reply answers.",
                errors=[
                    FieldProblem(
                        field="body.parent_id", message="is itself a reply", code="reply_too_deep"
                    )
                ],
            )
    statement = insert(Comment).values(
        id=uuid.uuid4(),
        conversation_id=ctx.conversation.id,
        idea_id=idea_id,
        parent_id=data.parent_id,
        author_pseudonym=ctx.pseudonym,
        body=data.body,
        idempotency_key=idempotency_key,
    )
    if idempotency_key is not None:
        statement = statement.on_conflict_do_nothing(
            constraint="uq_comments_author_idempotency_key"
        )
    created_id = await session.scalar(statement.returning(Comment.id))
    if created_id is None:
        existing = await session.scalar(
            select(Comment).where(
                Comment.author_pseudonym == ctx.pseudonym,
                Comment.idempotency_key == idempotency_key,
            )
        )
        assert existing is not None
        return (await _comments_out(session, ctx, [existing]))[0], False
    await session.execute(
        update(Idea).where(Idea.id == idea_id).values(comment_count=Idea.comment_count + 1)
    )
    comment = await _comment(session, ctx, created_id)
    await _screen(session, ctx, comment)
    return (await _comments_out(session, ctx, [comment]))[0], True


async def update_comment(
    session: AsyncSession, ctx: Context, comment_id: uuid.UUID, data: CommentUpdate
) -> CommentOut:
    await _require_writer(session, ctx)
    comment = await _comment(session, ctx, comment_id, lock=True)
    _require_own_and_published(ctx, comment)
    comment.body = data.body
    comment.edited_at = datetime.now(UTC)
    await session.flush()
    await _screen(session, ctx, comment)
    return (await _comments_out(session, ctx, [comment]))[0]


async def withdraw_comment(
    session: AsyncSession, ctx: Context, comment_id: uuid.UUID
) -> CommentOut:
    await _require_writer(session, ctx)
    comment = await _comment(session, ctx, comment_id, lock=True)
    _require_own_and_published(ctx, comment)
    comment.status = Status.withdrawn.value
    await session.execute(
        update(Idea).where(Idea.id == comment.idea_id).values(comment_count=Idea.comment_count - 1)
    )
    await session.flush()
    return (await _comments_out(session, ctx, [comment]))[0]


# --- voting ------------------------------------------------------------------------------


async def vote_idea(
    session: Executor, ctx: Context, idea_id: uuid.UUID, choice: VoteChoice
) -> Tally:
    return await _vote(
        session, ctx, idea_id, choice, "idea", queries.LOCK_IDEA, queries.VOTE_ON_IDEA
    )


async def vote_comment(
    session: Executor, ctx: Context, comment_id: uuid.UUID, choice: VoteChoice
) -> Tally:
    return await _vote(
        session, ctx, comment_id, choice, "comment", queries.LOCK_COMMENT, queries.VOTE_ON_COMMENT
    )


async def _vote(
    session: Executor,
    ctx: Context,
    item_id: uuid.UUID,
    choice: VoteChoice,
    noun: str,
    lock: Prepared,
    vote: Prepared,
) -> Tally:
    """Lock the idea or comment, replace the caller's vote and return its exact new counts."""
    await _require_writer(session, ctx, RateLimitedAction.vote)
    item = await lock.fetch_one(
        session, {"item_id": item_id, "conversation_id": ctx.conversation.id}
    )
    if item is None:
        raise ContributionNotFound(f"No such {noun} in this conversation.")
    _require_open_to_responses(item["status"], item["moderation"], "votes")
    value = _VOTE_VALUE[choice]
    counts = await vote.fetch_one(
        session, {"item_id": item_id, "me": ctx.pseudonym, "new_value": value}
    )
    assert counts is not None  # the item is locked: it is still there
    return Tally(
        like_count=counts["like_count"],
        dislike_count=counts["dislike_count"],
        my_vote=_VOTE_NAME.get(value),
    )
