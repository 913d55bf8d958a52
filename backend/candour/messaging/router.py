from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from candour.contributions.errors import ContributionNotFound
from candour.core.database import SessionDep
from candour.core.errors import NotAuthenticated, NotFound, PermissionDenied, problem_responses
from candour.core.settings import SettingsDep
from candour.identity import AuthorUnreachable, FacilitatorCaller, ParticipantCaller, RateLimited
from candour.messaging import service
from candour.messaging.schemas import MessageAuthorRequest, ReplyRequest, ThreadOut, UnreadOut

router = APIRouter(tags=["messaging"])


@router.post(
    "/conversations/{conversation_id}/messages",
    operation_id="message_author",
    summary="Write to the author of a post, without learning who they are",
    status_code=status.HTTP_201_CREATED,
    response_model=ThreadOut,
    responses=problem_responses(
        NotAuthenticated,
        PermissionDenied,
        NotFound,
        ContributionNotFound,
        service.PaperHasNoAuthor,
        AuthorUnreachable,
    ),
)
async def message_author(
    conversation_id: uuid.UUID,
    body: MessageAuthorRequest,
    caller: FacilitatorCaller,
    session: SessionDep,
    settings: SettingsDep,
) -> ThreadOut:
    """Delivered to the author's inbox and, through the outbox, by email. The answer holds
    the thread, never an address or a name."""
    return await service.message_author(
        session,
        settings,
        caller,
        conversation_id,
        body.target_kind,
        body.target_id,
        body.subject,
        body.body,
    )


@router.get(
    "/conversations/{conversation_id}/messages",
    operation_id="list_message_threads",
    summary="The relay threads of a conversation",
    response_model=list[ThreadOut],
    responses=problem_responses(NotAuthenticated, PermissionDenied, NotFound),
)
async def list_message_threads(
    conversation_id: uuid.UUID,
    caller: FacilitatorCaller,
    session: SessionDep,
    settings: SettingsDep,
) -> list[ThreadOut]:
    return await service.list_threads(session, settings, caller, conversation_id)


@router.get(
    "/messages/{thread_id}",
    operation_id="get_message_thread",
    summary="One relay thread",
    response_model=ThreadOut,
    responses=problem_responses(NotAuthenticated, PermissionDenied, service.ThreadNotFound),
)
async def get_message_thread(
    thread_id: uuid.UUID, caller: FacilitatorCaller, session: SessionDep, settings: SettingsDep
) -> ThreadOut:
    return await service.get_thread(session, settings, caller, thread_id)


@router.get(
    "/me/messages",
    operation_id="list_my_messages",
    summary="My inbox: messages from the facilitators about my posts",
    response_model=list[ThreadOut],
    responses=problem_responses(NotAuthenticated, PermissionDenied),
)
async def list_my_messages(
    caller: ParticipantCaller, session: SessionDep, settings: SettingsDep
) -> list[ThreadOut]:
    """Reading the inbox changes nothing; `mark_my_thread_read` marks a thread read."""
    return await service.list_my_messages(session, settings, caller)


@router.get(
    "/me/messages/unread",
    operation_id="count_my_unread_messages",
    summary="How many messages in my inbox I have not read",
    response_model=UnreadOut,
    responses=problem_responses(NotAuthenticated, PermissionDenied),
)
async def count_my_unread_messages(caller: ParticipantCaller, session: SessionDep) -> UnreadOut:
    return await service.count_my_unread(session, caller)


@router.post(
    "/me/messages/{thread_id}/read",
    operation_id="mark_my_thread_read",
    summary="Mark the messages of one thread in my inbox as read",
    response_model=ThreadOut,
    responses=problem_responses(NotAuthenticated, PermissionDenied, service.ThreadNotFound),
)
async def mark_my_thread_read(
    thread_id: uuid.UUID, caller: ParticipantCaller, session: SessionDep, settings: SettingsDep
) -> ThreadOut:
    """Idempotent: marking a read thread again changes nothing."""
    return await service.mark_read(session, settings, caller, thread_id)


@router.post(
    "/me/messages/{thread_id}/replies",
    operation_id="reply_to_message",
    summary="Reply to the facilitators, still anonymously",
    status_code=status.HTTP_201_CREATED,
    response_model=ThreadOut,
    responses=problem_responses(
        NotAuthenticated, PermissionDenied, service.ThreadNotFound, RateLimited
    ),
)
async def reply_to_message(
    thread_id: uuid.UUID,
    body: ReplyRequest,
    caller: ParticipantCaller,
    session: SessionDep,
    settings: SettingsDep,
) -> ThreadOut:
    return await service.reply(session, settings, caller, thread_id, body.body)
