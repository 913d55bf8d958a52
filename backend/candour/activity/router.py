from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from candour.activity import participation as participation_service
from candour.activity.errors import LiveFeedFull
from candour.activity.live import LiveFeed
from candour.activity.schemas import Participation
from candour.conversations.service import get_conversation
from candour.core.database import SessionDep
from candour.core.errors import NotAuthenticated, NotFound, PermissionDenied, problem_responses
from candour.identity import AnyCaller, EditorCaller

router = APIRouter(tags=["activity"])

_EVENT_STREAM: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A `text/event-stream` (server-sent events). Each `changed` event's "
        'data is JSON: `{"sections": ["<section id>", …]}`, the sections whose ideas, '
        "comments, votes or edits changed since the last event; fetch them again to show the "
        "news. Lines starting with `:` keep the connection alive. The stream ends after a "
        "while (15 minutes by default) and `retry:` tells the browser when to reconnect.",
        "content": {"text/event-stream": {"schema": {"type": "string"}}},
    }
}


@router.get(
    "/conversations/{conversation_id}/participation",
    operation_id="get_participation",
    summary="How many take part, per day and per section",
    response_model=Participation,
    responses=problem_responses(NotAuthenticated, PermissionDenied, NotFound),
)
async def get_participation(
    conversation_id: uuid.UUID, caller: EditorCaller, session: SessionDep
) -> Participation:
    """Members, visits (sign-ins), posters, posts and votes, per day of the conversation's
    calendar and per section — counts only, never who. For facilitators and admins."""
    return await participation_service.participation(session, caller, conversation_id)


@router.get(
    "/conversations/{conversation_id}/events",
    operation_id="follow_conversation",
    summary="Hear when ideas, comments or counts change (server-sent events)",
    response_class=StreamingResponse,
    responses={
        **_EVENT_STREAM,
        **problem_responses(NotAuthenticated, NotFound, LiveFeedFull),
    },
)
async def follow_conversation(
    conversation_id: uuid.UUID, caller: AnyCaller, session: SessionDep, request: Request
) -> StreamingResponse:
    """For anyone who may read the conversation. Events name sections only — never a post,
    an author or a time — and come at most every few seconds, from whichever worker serves
    the stream, whichever worker took the change."""
    await get_conversation(session, caller, conversation_id)
    feed: LiveFeed = request.app.state.live_feed
    feed.check_capacity()
    return StreamingResponse(
        feed.events(conversation_id),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
