from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from candour.conversations import service
from candour.conversations.schemas import ConversationCreate, ConversationOut
from candour.core.database import SessionDep
from candour.core.errors import NotAuthenticated, NotFound, PermissionDenied, problem_responses
from candour.identity import AdminCaller, AnyCaller

router = APIRouter(tags=["conversations"])


@router.get(
    "/conversations",
    operation_id="list_conversations",
    summary="The conversations you can read",
    response_model=list[ConversationOut],
    responses=problem_responses(NotAuthenticated),
)
async def list_conversations(caller: AnyCaller, session: SessionDep) -> list[ConversationOut]:
    """Participants see the conversations they take part in; staff roles see all."""
    return [service.to_out(c) for c in await service.list_conversations(session, caller)]


@router.get(
    "/conversations/{conversation_id}",
    operation_id="get_conversation",
    summary="One conversation",
    response_model=ConversationOut,
    responses=problem_responses(NotAuthenticated, NotFound),
)
async def get_conversation(
    conversation_id: uuid.UUID, caller: AnyCaller, session: SessionDep
) -> ConversationOut:
    return service.to_out(await service.get_conversation(session, caller, conversation_id))


@router.post(
    "/conversations",
    operation_id="create_conversation",
    summary="Create a conversation",
    status_code=status.HTTP_201_CREATED,
    response_model=ConversationOut,
    responses=problem_responses(NotAuthenticated, PermissionDenied),
)
async def create_conversation(
    body: ConversationCreate, _: AdminCaller, session: SessionDep
) -> ConversationOut:
    return service.to_out(await service.create_conversation(session, body))
