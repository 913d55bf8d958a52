"""Conversations, their sections and pages: who may read them, and the admins' edits."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import Select, column, func, select, table, update
from sqlalchemy.ext.asyncio import AsyncSession

from candour.conversations.errors import (
    ConversationNotOpen,
    SectionNotEmpty,
    SectionOrderMismatch,
    WindowNotOrdered,
)
from candour.conversations.models import Conversation, Page, PageKind, Section
from candour.conversations.schemas import (
    ConversationCreate,
    ConversationOut,
    ConversationUpdate,
    PageOut,
    PageUpdate,
    SectionCreate,
    SectionOut,
    SectionUpdate,
)
from candour.core.errors import FieldProblem, NotFound
from candour.core.html import clean_html
from candour.core.settings import Settings
from candour.identity import Caller, Role

STAFF_ROLES = {Role.facilitator, Role.sponsor, Role.admin}
NO_SUCH_CONVERSATION = "No such conversation, or you are not taking part in it."
DEFAULT_PAGE_TITLES = {
    PageKind.faq: "Frequently asked questions",
    PageKind.privacy: "Privacy notice",
    PageKind.support: "Support services",
}
# Read-only view of the contributions domain's table, to count and guard without importing it.
_ideas = table("ideas", column("section_id"), column("status"), column("moderation"))


class Window(Protocol):
    """A conversation's dates and mode: the ORM row or :class:`access.ConversationWindow`."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def opens_at(self) -> datetime: ...
    @property
    def closes_at(self) -> datetime: ...
    @property
    def moderation_mode(self) -> str: ...


def is_open(conversation: Window, now: datetime | None = None) -> bool:
    now = now or datetime.now(UTC)
    return conversation.opens_at <= now < conversation.closes_at


def require_open(conversation: Window) -> None:
    """Refuse writes outside the window; reading goes on after closing."""
    now = datetime.now(UTC)
    if now < conversation.opens_at:
        raise ConversationNotOpen(
            "This conversation has not opened yet; posting and voting start when it opens."
        )
    if now >= conversation.closes_at:
        raise ConversationNotOpen(
            "This conversation has closed. You can still read it, but not post or vote."
        )


def to_out(conversation: Conversation, settings: Settings) -> ConversationOut:
    return ConversationOut(
        id=conversation.id,
        title=conversation.title,
        introduction=conversation.introduction,
        opens_at=conversation.opens_at,
        closes_at=conversation.closes_at,
        time_zone=conversation.time_zone,
        is_open=is_open(conversation),
        moderation_mode=conversation.moderation_mode,
        completed_at=conversation.effective_completed_at,
        time_granularity_seconds=settings.public_time_granularity_seconds,
        allowed_email_domains=conversation.allowed_email_domains,
        min_group_size=conversation.min_group_size,
        retention_days=retention_days(conversation, settings),
        retention_days_is_default=conversation.retention_days is None,
    )


def retention_days(conversation: Conversation, settings: Settings) -> int:
    """Days after completion until the participants' personal data goes."""
    if conversation.retention_days is None:
        return settings.retention_days
    return conversation.retention_days


async def create_conversation(session: AsyncSession, data: ConversationCreate) -> Conversation:
    conversation = Conversation(id=uuid.uuid4(), **data.model_dump())
    session.add(conversation)
    await session.flush()
    return conversation


async def list_conversations(session: AsyncSession, caller: Caller) -> list[Conversation]:
    query = select(Conversation).order_by(Conversation.opens_at.desc(), Conversation.id)
    if caller.role not in STAFF_ROLES:
        query = query.where(Conversation.id.in_(await caller.conversation_ids(session)))
    return list((await session.scalars(query)).all())


async def get_conversation(
    session: AsyncSession, caller: Caller, conversation_id: uuid.UUID, *, for_update: bool = False
) -> Conversation:
    """A conversation the caller may read; 404 (not 403) otherwise, so that its
    existence stays private."""
    query = select(Conversation).where(Conversation.id == conversation_id)
    if caller.role not in STAFF_ROLES:
        query = query.where(caller.takes_part_in_clause(Conversation.id))
    if for_update:
        query = query.with_for_update()
    conversation = await session.scalar(query)
    if conversation is None:
        raise NotFound(NO_SUCH_CONVERSATION)
    return conversation


async def update_conversation(
    session: AsyncSession, caller: Caller, conversation_id: uuid.UUID, data: ConversationUpdate
) -> Conversation:
    conversation = await get_conversation(session, caller, conversation_id, for_update=True)
    changes = data.model_dump(exclude_unset=True)
    opens = changes.get("opens_at", conversation.opens_at)
    closes = changes.get("closes_at", conversation.closes_at)
    completed = changes.get("completed_at")
    if completed is not None and completed < opens:
        raise WindowNotOrdered(
            "The work cannot be finished before the conversation opens.",
            errors=[
                FieldProblem(
                    field="body.completed_at",
                    message="must be after opens_at",
                    code="window_not_ordered",
                )
            ],
        )
    if conversation.retention_done_at is not None and (
        {"completed_at", "closes_at", "retention_days"} & changes.keys()
    ):
        raise WindowNotOrdered(
            "Personal data for this conversation has already been deleted; its dates are final."
        )
    if closes <= opens:
        raise WindowNotOrdered(
            "The conversation would close before it opens: closes_at must be after opens_at.",
            errors=[
                FieldProblem(
                    field="body.closes_at",
                    message="must be after opens_at",
                    code="window_not_ordered",
                )
            ],
        )
    for name, value in changes.items():
        setattr(conversation, name, value)
    await session.flush()
    return conversation


# --- sections ----------------------------------------------------------------------------


async def list_sections(
    session: AsyncSession, caller: Caller, conversation_id: uuid.UUID
) -> list[SectionOut]:
    await get_conversation(session, caller, conversation_id)
    idea_count = _published_ideas_in(Section.id).scalar_subquery()
    rows = await session.execute(
        select(Section, idea_count)
        .where(Section.conversation_id == conversation_id)
        .order_by(Section.position, Section.id)
    )
    return [_section_out(section, count) for section, count in rows]


def _section_out(section: Section, idea_count: int = 0) -> SectionOut:
    return SectionOut(
        id=section.id,
        conversation_id=section.conversation_id,
        title=section.title,
        description=section.description,
        position=section.position,
        idea_count=idea_count,
    )


async def get_section(
    session: AsyncSession, caller: Caller, conversation_id: uuid.UUID, section_id: uuid.UUID
) -> Section:
    await get_conversation(session, caller, conversation_id)
    section = await session.get(Section, section_id)
    if section is None or section.conversation_id != conversation_id:
        raise NotFound("No such section in this conversation.")
    return section


async def create_section(
    session: AsyncSession, caller: Caller, conversation_id: uuid.UUID, data: SectionCreate
) -> SectionOut:
    # Lock the conversation so two sections added at once get distinct positions.
    await get_conversation(session, caller, conversation_id, for_update=True)
    last = await session.scalar(
        select(func.coalesce(func.max(Section.position), -1)).where(
            Section.conversation_id == conversation_id
        )
    )
    section = Section(
        id=uuid.uuid4(),
        conversation_id=conversation_id,
        position=(last if last is not None else -1) + 1,
        **data.model_dump(),
    )
    session.add(section)
    await session.flush()
    return _section_out(section)


async def update_section(
    session: AsyncSession,
    caller: Caller,
    conversation_id: uuid.UUID,
    section_id: uuid.UUID,
    data: SectionUpdate,
) -> SectionOut:
    section = await get_section(session, caller, conversation_id, section_id)
    for name, value in data.model_dump(exclude_unset=True).items():
        setattr(section, name, value)
    await session.flush()
    return _section_out(section, await _idea_count(session, section.id))


def _published_ideas_in(section_id: Any) -> Select[int]:
    """How many ideas of a section the public sees."""
    return (
        select(func.count())
        .select_from(_ideas)
        .where(
            _ideas.c.section_id == section_id,
            _ideas.c.status == "published",
            _ideas.c.moderation == "visible",
        )
    )


async def _idea_count(session: AsyncSession, section_id: uuid.UUID) -> int:
    return int(await session.scalar(_published_ideas_in(section_id)) or 0)


async def reorder_sections(
    session: AsyncSession, caller: Caller, conversation_id: uuid.UUID, section_ids: list[uuid.UUID]
) -> list[SectionOut]:
    await get_conversation(session, caller, conversation_id, for_update=True)
    existing = set(
        (
            await session.scalars(
                select(Section.id).where(Section.conversation_id == conversation_id)
            )
        ).all()
    )
    if len(section_ids) != len(set(section_ids)) or set(section_ids) != existing:
        raise SectionOrderMismatch(
            "Give every section of this conversation exactly once, in the new order.",
            errors=[
                FieldProblem(
                    field="body.section_ids", message="must list each section once", code="mismatch"
                )
            ],
        )
    for position, section_id in enumerate(section_ids):
        await session.execute(
            update(Section).where(Section.id == section_id).values(position=position)
        )
    return await list_sections(session, caller, conversation_id)


async def delete_section(
    session: AsyncSession, caller: Caller, conversation_id: uuid.UUID, section_id: uuid.UUID
) -> None:
    await get_conversation(session, caller, conversation_id, for_update=True)
    section = await get_section(session, caller, conversation_id, section_id)
    holds = await session.scalar(
        select(func.count()).select_from(_ideas).where(_ideas.c.section_id == section_id)
    )
    if holds:
        raise SectionNotEmpty(
            f"This section holds {holds} idea(s) (published or withdrawn); move them first."
        )
    await session.delete(section)
    await session.flush()


# --- pages -------------------------------------------------------------------------------


def _page_out(kind: PageKind, page: Page | None) -> PageOut:
    if page is None:
        return PageOut(kind=kind, title=DEFAULT_PAGE_TITLES[kind], body_html="")
    return PageOut(kind=kind, title=page.title, body_html=clean_html(page.body_html))


async def list_pages(
    session: AsyncSession, caller: Caller, conversation_id: uuid.UUID
) -> list[PageOut]:
    await get_conversation(session, caller, conversation_id)
    pages = {
        p.kind: p
        for p in (
            await session.scalars(select(Page).where(Page.conversation_id == conversation_id))
        )
    }
    return [_page_out(kind, pages.get(kind.value)) for kind in PageKind]


async def get_page(
    session: AsyncSession, caller: Caller, conversation_id: uuid.UUID, kind: PageKind
) -> PageOut:
    await get_conversation(session, caller, conversation_id)
    return _page_out(kind, await session.get(Page, (conversation_id, kind.value)))


async def update_page(
    session: AsyncSession,
    caller: Caller,
    conversation_id: uuid.UUID,
    kind: PageKind,
    data: PageUpdate,
) -> PageOut:
    await get_conversation(session, caller, conversation_id)
    page = await session.get(Page, (conversation_id, kind.value), with_for_update=True)
    if page is None:
        page = Page(conversation_id=conversation_id, kind=kind.value)
        session.add(page)
    page.title = data.title
    page.body_html = clean_html(data.body_html)
    await session.flush()
    return _page_out(kind, page)
