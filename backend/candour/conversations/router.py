from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from candour.conversations import service
from candour.conversations.errors import SectionNotEmpty, SectionOrderMismatch, WindowNotOrdered
from candour.conversations.models import PageKind
from candour.conversations.schemas import (
    ConversationCreate,
    ConversationOut,
    ConversationUpdate,
    PageOut,
    PageUpdate,
    SectionCreate,
    SectionOrder,
    SectionOut,
    SectionUpdate,
)
from candour.core.database import SessionDep
from candour.core.errors import NotAuthenticated, NotFound, PermissionDenied, problem_responses
from candour.core.settings import SettingsDep
from candour.identity import AdminCaller, AnyCaller, EditorCaller

router = APIRouter(tags=["conversations"])
READ = problem_responses(NotAuthenticated, NotFound)
ADMIN_WRITE = (NotAuthenticated, PermissionDenied, NotFound)


@router.get(
    "/conversations",
    operation_id="list_conversations",
    summary="The conversations you can read",
    response_model=list[ConversationOut],
    responses=problem_responses(NotAuthenticated),
)
async def list_conversations(
    caller: AnyCaller, session: SessionDep, settings: SettingsDep
) -> list[ConversationOut]:
    """Participants see the conversations they take part in; staff roles see all."""
    return [service.to_out(c, settings) for c in await service.list_conversations(session, caller)]


@router.get(
    "/conversations/{conversation_id}",
    operation_id="get_conversation",
    summary="One conversation",
    response_model=ConversationOut,
    responses=READ,
)
async def get_conversation(
    conversation_id: uuid.UUID, caller: AnyCaller, session: SessionDep, settings: SettingsDep
) -> ConversationOut:
    return service.to_out(
        await service.get_conversation(session, caller, conversation_id), settings
    )


@router.post(
    "/conversations",
    operation_id="create_conversation",
    summary="Create a conversation",
    status_code=status.HTTP_201_CREATED,
    response_model=ConversationOut,
    responses=problem_responses(NotAuthenticated, PermissionDenied),
)
async def create_conversation(
    body: ConversationCreate, _: AdminCaller, session: SessionDep, settings: SettingsDep
) -> ConversationOut:
    return service.to_out(await service.create_conversation(session, body), settings)


@router.patch(
    "/conversations/{conversation_id}",
    operation_id="update_conversation",
    summary="Change a conversation's title, introduction or window",
    response_model=ConversationOut,
    responses=problem_responses(*ADMIN_WRITE, WindowNotOrdered),
)
async def update_conversation(
    conversation_id: uuid.UUID,
    body: ConversationUpdate,
    caller: AdminCaller,
    session: SessionDep,
    settings: SettingsDep,
) -> ConversationOut:
    """Only the fields sent change; a window that would close before it opens is refused."""
    return service.to_out(
        await service.update_conversation(session, caller, conversation_id, body), settings
    )


@router.get(
    "/conversations/{conversation_id}/sections",
    operation_id="list_sections",
    summary="The sections of a conversation, in order",
    response_model=list[SectionOut],
    responses=READ,
)
async def list_sections(
    conversation_id: uuid.UUID, caller: AnyCaller, session: SessionDep
) -> list[SectionOut]:
    return await service.list_sections(session, caller, conversation_id)


@router.post(
    "/conversations/{conversation_id}/sections",
    operation_id="create_section",
    summary="Add a section at the end",
    status_code=status.HTTP_201_CREATED,
    response_model=SectionOut,
    responses=problem_responses(*ADMIN_WRITE),
)
async def create_section(
    conversation_id: uuid.UUID, body: SectionCreate, caller: AdminCaller, session: SessionDep
) -> SectionOut:
    return await service.create_section(session, caller, conversation_id, body)


@router.patch(
    "/conversations/{conversation_id}/sections/{section_id}",
    operation_id="update_section",
    summary="Rename or re-describe a section",
    response_model=SectionOut,
    responses=problem_responses(*ADMIN_WRITE),
)
async def update_section(
    conversation_id: uuid.UUID,
    section_id: uuid.UUID,
    body: SectionUpdate,
    caller: AdminCaller,
    session: SessionDep,
) -> SectionOut:
    return await service.update_section(session, caller, conversation_id, section_id, body)


@router.put(
    "/conversations/{conversation_id}/sections/order",
    operation_id="reorder_sections",
    summary="Put the sections in a new order",
    response_model=list[SectionOut],
    responses=problem_responses(*ADMIN_WRITE, SectionOrderMismatch),
)
async def reorder_sections(
    conversation_id: uuid.UUID, body: SectionOrder, caller: AdminCaller, session: SessionDep
) -> list[SectionOut]:
    """The list must name every section of the conversation exactly once."""
    return await service.reorder_sections(session, caller, conversation_id, body.section_ids)


@router.delete(
    "/conversations/{conversation_id}/sections/{section_id}",
    operation_id="delete_section",
    summary="Delete an empty section",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(*ADMIN_WRITE, SectionNotEmpty),
)
async def delete_section(
    conversation_id: uuid.UUID, section_id: uuid.UUID, caller: AdminCaller, session: SessionDep
) -> None:
    """A section that holds ideas (even withdrawn ones) is refused: move them first."""
    await service.delete_section(session, caller, conversation_id, section_id)


@router.get(
    "/conversations/{conversation_id}/pages",
    operation_id="list_pages",
    summary="The FAQ, privacy notice and support services pages",
    response_model=list[PageOut],
    responses=READ,
)
async def list_pages(
    conversation_id: uuid.UUID, caller: AnyCaller, session: SessionDep
) -> list[PageOut]:
    return await service.list_pages(session, caller, conversation_id)


@router.get(
    "/conversations/{conversation_id}/pages/{kind}",
    operation_id="get_page",
    summary="One page",
    response_model=PageOut,
    responses=READ,
)
async def get_page(
    conversation_id: uuid.UUID, kind: PageKind, caller: AnyCaller, session: SessionDep
) -> PageOut:
    return await service.get_page(session, caller, conversation_id, kind)


@router.put(
    "/conversations/{conversation_id}/pages/{kind}",
    operation_id="update_page",
    summary="Write a page (facilitators and admins)",
    response_model=PageOut,
    responses=problem_responses(*ADMIN_WRITE),
)
async def update_page(
    conversation_id: uuid.UUID,
    kind: PageKind,
    body: PageUpdate,
    caller: EditorCaller,
    session: SessionDep,
) -> PageOut:
    """The HTML is sanitised before it is stored, and again whenever it is read."""
    return await service.update_page(session, caller, conversation_id, kind, body)
