from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status

from candour.contributions import reading, voting, writing
from candour.contributions.context import Context
from candour.contributions.errors import (
    ContributionNotFound,
    ContributionWithdrawn,
    NotYourContribution,
    OnlyParticipantsPost,
    ReplyTooDeep,
    UnknownSection,
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
    SearchPage,
    Tally,
    VoteRequest,
)
from candour.conversations.access import access_to
from candour.conversations.errors import ConversationNotOpen
from candour.core.database import RequestConnection, SessionDep
from candour.core.errors import NotAuthenticated, NotFound, PermissionDenied, problem_responses
from candour.core.pagination import InvalidCursor
from candour.core.prepared import Executor, PooledConnection
from candour.core.settings import SettingsDep
from candour.identity import ParticipantCaller, PendingCaller, PendingCallerDep, RateLimited, Role

router = APIRouter(tags=["contributions"])


async def _context(
    executor: Executor,
    pending_caller: PendingCaller,
    conversation_id: uuid.UUID,
    only: Role | None = None,
) -> Context:
    access = await access_to(executor, pending_caller, conversation_id, only)
    return Context(pending_caller.settings, access.caller, access.conversation)


async def _reader(
    conversation_id: uuid.UUID, caller: PendingCallerDep, session: SessionDep
) -> Context:
    return await _context(session, caller, conversation_id)


async def _writer(
    conversation_id: uuid.UUID, caller: PendingCallerDep, session: SessionDep
) -> Context:
    return await _context(session, caller, conversation_id, Role.participant)


# Who is calling and in which conversation (the path's `conversation_id`), checked in one
# query on the request's session.
ReaderContext = Annotated[Context, Depends(_reader)]
WriterContext = Annotated[Context, Depends(_writer)]


@asynccontextmanager
async def _direct(
    request: Request, caller: PendingCaller, conversation_id: uuid.UUID, only: Role | None = None
) -> AsyncIterator[tuple[Context, PooledConnection]]:
    """For the busiest routes — a list page, one idea, a vote — which run only prepared
    statements, on a pooled connection without an ORM session (core/prepared.py) that the
    path operation opens itself: who is calling and where, checked on it in one query as
    for the other routes; committed or rolled back when the block ends, before the response
    is sent. Not a dependency: FastAPI's bookkeeping for one with ``yield`` costs more than
    the rest of a list page's Python (bench/README.md)."""
    async with RequestConnection(request) as connection:
        yield await _context(connection, caller, conversation_id, only), connection


def _json(content: bytes) -> Response:
    """The busiest routes' services give the JSON of the route's ``response_model``
    themselves (``shapes.as_json``): the model stays the contract in the OpenAPI document,
    and FastAPI neither validates nor encodes it again."""
    return Response(content, media_type="application/json")


IDEAS = "/conversations/{conversation_id}/ideas"
COMMENTS = "/conversations/{conversation_id}/comments"
Limit = Annotated[int, Query(ge=1, le=100, description="Items per page.")]
Cursor = Annotated[
    str | None, Query(max_length=1000, description="`next_cursor` of the page before.")
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=100,
        description="Any unique string; a retry with the same key returns the first result "
        "instead of posting twice.",
    ),
]
READ = problem_responses(NotAuthenticated, NotFound, ContributionNotFound, InvalidCursor)
WRITE = (NotAuthenticated, PermissionDenied, NotFound, ConversationNotOpen, OnlyParticipantsPost)
LIMITED = (*WRITE, RateLimited)
OWN = (*WRITE, ContributionNotFound, NotYourContribution, ContributionWithdrawn)


@router.get(
    IDEAS,
    operation_id="list_ideas",
    summary="Ideas, newest, most liked, most discussed or most divided first",
    response_model=IdeaPage,
    responses=problem_responses(NotAuthenticated, NotFound, UnknownSection, InvalidCursor),
)
async def list_ideas(
    request: Request,
    conversation_id: uuid.UUID,
    caller: PendingCallerDep,
    section_id: uuid.UUID | None = None,
    sort: IdeaSort = IdeaSort.newest,
    cursor: Cursor = None,
    limit: Limit = 20,
) -> Response:
    """Published ideas of the conversation, or of one section. Keyset-paginated: follow
    `next_cursor`. "Most divided" ranks ideas by the size of the smaller side. "Newest"
    goes by the hour an idea was posted in, and within the hour in no particular order
    (by its random id), so an idea's place cannot tell who posted last; ties in the other
    sorts are broken the same way."""
    async with _direct(request, caller, conversation_id) as (ctx, connection):
        page = await reading.list_ideas(
            connection, ctx, section_id=section_id, sort=sort, cursor=cursor, limit=limit
        )
    return _json(page)


@router.post(
    IDEAS,
    operation_id="create_idea",
    summary="Post an idea",
    status_code=status.HTTP_201_CREATED,
    response_model=IdeaOut,
    responses={
        200: {"description": "A retry with the same Idempotency-Key: the idea posted first."},
        **problem_responses(*LIMITED, UnknownSection),
    },
)
async def create_idea(
    ctx: WriterContext,
    body: IdeaCreate,
    session: SessionDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> IdeaOut:
    idea, created = await writing.create_idea(session, ctx, body, idempotency_key)
    if not created:
        response.status_code = status.HTTP_200_OK
    return idea


@router.get(
    IDEAS + "/{idea_id}",
    operation_id="get_idea",
    summary="One idea",
    response_model=IdeaOut,
    responses=READ,
)
async def get_idea(
    request: Request,
    idea_id: uuid.UUID,
    conversation_id: uuid.UUID,
    caller: PendingCallerDep,
) -> Response:
    async with _direct(request, caller, conversation_id) as (ctx, connection):
        idea = await reading.get_idea(connection, ctx, idea_id)
    return _json(idea)


@router.patch(
    IDEAS + "/{idea_id}",
    operation_id="update_idea",
    summary="Edit your idea while the conversation is open",
    response_model=IdeaOut,
    responses=problem_responses(*OWN),
)
async def update_idea(
    ctx: WriterContext,
    idea_id: uuid.UUID,
    body: IdeaUpdate,
    session: SessionDep,
) -> IdeaOut:
    return await writing.update_idea(session, ctx, idea_id, body)


@router.post(
    IDEAS + "/{idea_id}/withdraw",
    operation_id="withdraw_idea",
    summary="Withdraw your idea",
    response_model=IdeaOut,
    responses=problem_responses(*OWN),
)
async def withdraw_idea(
    ctx: WriterContext,
    idea_id: uuid.UUID,
    session: SessionDep,
) -> IdeaOut:
    """It leaves every list and its text is no longer shown; comments under it stay."""
    return await writing.withdraw_idea(session, ctx, idea_id)


@router.put(
    IDEAS + "/{idea_id}/vote",
    operation_id="vote_idea",
    summary="Like, dislike, or withdraw your vote on an idea",
    response_model=Tally,
    responses=problem_responses(*LIMITED, ContributionNotFound, ContributionWithdrawn),
)
async def vote_idea(
    request: Request,
    idea_id: uuid.UUID,
    conversation_id: uuid.UUID,
    caller: PendingCallerDep,
    body: VoteRequest,
) -> Response:
    """One vote per participant per idea; the answer holds the exact new counts."""
    async with _direct(request, caller, conversation_id, Role.participant) as (ctx, connection):
        tally = await voting.vote_idea(connection, ctx, idea_id, body.vote)
    return _json(tally)


@router.get(
    IDEAS + "/{idea_id}/comments",
    operation_id="list_comments",
    summary="The comments on an idea, oldest first, each followed by its replies",
    response_model=CommentPage,
    responses=READ,
)
async def list_comments(
    ctx: ReaderContext,
    idea_id: uuid.UUID,
    session: SessionDep,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> CommentPage:
    """Every comment on the idea, withdrawn and hidden ones as placeholders so replies
    keep their place. Top-level comments go by the hour they were written in, each
    followed by its replies (`parent_id`), also by hour; within an hour, in no particular
    order (by random id), so a comment's place cannot tell who wrote last.
    Keyset-paginated: follow `next_cursor`."""
    return await reading.list_comments(session, ctx, idea_id, cursor=cursor, limit=limit)


@router.post(
    IDEAS + "/{idea_id}/comments",
    operation_id="create_comment",
    summary="Comment on an idea, or reply to a comment",
    status_code=status.HTTP_201_CREATED,
    response_model=CommentOut,
    responses=problem_responses(
        *LIMITED, ContributionNotFound, ContributionWithdrawn, ReplyTooDeep
    ),
)
async def create_comment(
    ctx: WriterContext,
    idea_id: uuid.UUID,
    body: CommentCreate,
    session: SessionDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> CommentOut:
    comment, created = await writing.create_comment(session, ctx, idea_id, body, idempotency_key)
    if not created:
        response.status_code = status.HTTP_200_OK
    return comment


@router.patch(
    COMMENTS + "/{comment_id}",
    operation_id="update_comment",
    summary="Edit your comment while the conversation is open",
    response_model=CommentOut,
    responses=problem_responses(*OWN),
)
async def update_comment(
    ctx: WriterContext,
    comment_id: uuid.UUID,
    body: CommentUpdate,
    session: SessionDep,
) -> CommentOut:
    return await writing.update_comment(session, ctx, comment_id, body)


@router.post(
    COMMENTS + "/{comment_id}/withdraw",
    operation_id="withdraw_comment",
    summary="Withdraw your comment",
    response_model=CommentOut,
    responses=problem_responses(*OWN),
)
async def withdraw_comment(
    ctx: WriterContext,
    comment_id: uuid.UUID,
    session: SessionDep,
) -> CommentOut:
    return await writing.withdraw_comment(session, ctx, comment_id)


@router.put(
    COMMENTS + "/{comment_id}/vote",
    operation_id="vote_comment",
    summary="Like, dislike, or withdraw your vote on a comment",
    response_model=Tally,
    responses=problem_responses(*LIMITED, ContributionNotFound, ContributionWithdrawn),
)
async def vote_comment(
    request: Request,
    comment_id: uuid.UUID,
    conversation_id: uuid.UUID,
    caller: PendingCallerDep,
    body: VoteRequest,
) -> Response:
    async with _direct(request, caller, conversation_id, Role.participant) as (ctx, connection):
        tally = await voting.vote_comment(connection, ctx, comment_id, body.vote)
    return _json(tally)


@router.get(
    "/conversations/{conversation_id}/search",
    operation_id="search_contributions",
    summary="Full-text search over ideas and comments",
    response_model=SearchPage,
    responses=problem_responses(NotAuthenticated, NotFound, UnknownSection, InvalidCursor),
)
async def search_contributions(
    ctx: ReaderContext,
    session: SessionDep,
    q: Annotated[
        str,
        Query(
            min_length=2,
            max_length=200,
            # PostgreSQL text holds no NUL: refused here rather than by the database.
            pattern=r"^[^\x00]*$",
            description='Words to find; "quotes" and -not work.',
        ),
    ],
    section_id: uuid.UUID | None = None,
    cursor: Cursor = None,
    limit: Limit = 20,
) -> SearchPage:
    return await reading.search_contributions(
        session, ctx, q=q, section_id=section_id, cursor=cursor, limit=limit
    )


@router.get(
    "/me/contributions",
    operation_id="list_my_contributions",
    summary="My posts",
    response_model=MyContributions,
    responses=problem_responses(NotAuthenticated, PermissionDenied, NotFound),
)
async def list_my_contributions(
    caller: ParticipantCaller,
    session: SessionDep,
    settings: SettingsDep,
    conversation_id: uuid.UUID | None = None,
) -> MyContributions:
    """Your own ideas and comments (withdrawn ones too), newest first."""
    return await reading.list_my_contributions(session, settings, caller, conversation_id)
