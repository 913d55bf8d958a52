"""Safeguarding cases: opened from a post or a screening hit, with notes, a support message
through the relay (listing the conversation's support services), and a history. Visible
to facilitators only; the author stays a pseudonym and erasure cuts even that."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from candour.audit.service import record
from candour.contributions.lookup import find_contribution
from candour.conversations import service as conversations
from candour.conversations.models import PageKind
from candour.core.errors import Conflict, NotFound
from candour.core.settings import Settings
from candour.identity import AuthorUnreachable, Caller
from candour.messaging import service as messaging
from candour.moderation.models import CaseEntry, SafeguardingCase
from candour.moderation.records import view
from candour.moderation.schemas import CaseEntryOut, CaseOut
from candour.queue.models import TargetKind


class CaseNotFound(NotFound):
    code = "case_not_found"


class CaseConflict(Conflict):
    code, title = "case_conflict", "Case state does not allow this"


async def _case(session: AsyncSession, caller: Caller, case_id: uuid.UUID) -> SafeguardingCase:
    case = await session.get(SafeguardingCase, case_id, with_for_update=True)
    if case is None:
        raise CaseNotFound("No such safeguarding case.")
    await conversations.get_conversation(session, caller, case.conversation_id)
    return case


async def _out(session: AsyncSession, case: SafeguardingCase) -> CaseOut:
    row = await find_contribution(
        session, case.conversation_id, TargetKind(case.target_kind), case.target_id
    )
    entries = (
        await session.scalars(
            select(CaseEntry)
            .where(CaseEntry.case_id == case.id)
            .order_by(CaseEntry.at, CaseEntry.id)
        )
    ).all()
    return CaseOut(
        id=case.id,
        conversation_id=case.conversation_id,
        state=case.state,
        opened_at=case.opened_at,
        closed_at=case.closed_at,
        author_reachable=case.author_pseudonym is not None,
        target=view(row),
        history=[
            CaseEntryOut(at=e.at, actor=e.actor_label, kind=e.kind, body=e.body) for e in entries
        ],
    )


async def _entry(
    session: AsyncSession, case: SafeguardingCase, actor_label: str, kind: str, body: str
) -> None:
    session.add(
        CaseEntry(id=uuid.uuid4(), case_id=case.id, actor_label=actor_label, kind=kind, body=body)
    )
    await session.flush()


async def open_case(
    session: AsyncSession,
    caller: Caller,
    conversation_id: uuid.UUID,
    kind: TargetKind,
    target_id: uuid.UUID,
    note: str,
) -> CaseOut:
    actor = await caller.actor(session)
    await conversations.get_conversation(session, caller, conversation_id)
    row = await find_contribution(session, conversation_id, kind, target_id)
    existing = await session.scalar(
        select(SafeguardingCase.id).where(
            SafeguardingCase.target_kind == kind.value,
            SafeguardingCase.target_id == target_id,
            SafeguardingCase.state == "open",
        )
    )
    if existing is not None:
        raise CaseConflict(f"A case is already open for this post ({existing}).")
    case = SafeguardingCase(
        id=uuid.uuid4(),
        conversation_id=conversation_id,
        target_kind=kind.value,
        target_id=target_id,
        author_pseudonym=row.author_pseudonym,
    )
    session.add(case)
    await session.flush()
    await _entry(session, case, actor.label, "opened", note)
    await record(session, actor, conversation_id, "open_safeguarding_case", reason=note, row=row)
    return await _out(session, case)


async def list_cases(
    session: AsyncSession, caller: Caller, conversation_id: uuid.UUID, state: str | None
) -> list[CaseOut]:
    await conversations.get_conversation(session, caller, conversation_id)
    query = select(SafeguardingCase).where(SafeguardingCase.conversation_id == conversation_id)
    if state:
        query = query.where(SafeguardingCase.state == state)
    cases = (await session.scalars(query.order_by(SafeguardingCase.opened_at.desc()))).all()
    return [await _out(session, c) for c in cases]


async def get_case(session: AsyncSession, caller: Caller, case_id: uuid.UUID) -> CaseOut:
    return await _out(session, await _case(session, caller, case_id))


async def add_note(session: AsyncSession, caller: Caller, case_id: uuid.UUID, body: str) -> CaseOut:
    actor = await caller.actor(session)
    case = await _case(session, caller, case_id)
    await _entry(session, case, actor.label, "note", body)
    return await _out(session, case)


async def send_support_message(
    session: AsyncSession, settings: Settings, caller: Caller, case_id: uuid.UUID, body: str
) -> CaseOut:
    """Through the relay, with the conversation's support services page below the message."""
    actor = await caller.actor(session)
    case = await _case(session, caller, case_id)
    if case.author_pseudonym is None:
        raise AuthorUnreachable(
            "The author of this post can no longer be reached; the case keeps its notes."
        )
    page = await conversations.get_page(session, caller, case.conversation_id, PageKind.support)
    services = page.body_html and _plain_text(page.body_html)
    message = body + (f"\n\nSupport you can turn to:\n{services}" if services else "")
    kind, subject = TargetKind(case.target_kind), "Support from the facilitators"
    await messaging.message_author(
        session, settings, caller, case.conversation_id, kind, case.target_id, subject, message
    )
    await _entry(session, case, actor.label, "support_message", message)
    return await _out(session, case)


async def close_case(
    session: AsyncSession, caller: Caller, case_id: uuid.UUID, reason: str
) -> CaseOut:
    actor = await caller.actor(session)
    case = await _case(session, caller, case_id)
    if case.state == "closed":
        raise CaseConflict("This case is closed already.")
    case.state, case.closed_at = "closed", datetime.now(UTC)
    await _entry(session, case, actor.label, "closed", reason)
    row = await find_contribution(
        session, case.conversation_id, TargetKind(case.target_kind), case.target_id
    )
    await record(
        session, actor, case.conversation_id, "close_safeguarding_case", reason=reason, row=row
    )
    return await _out(session, case)


async def forget_authors(session: AsyncSession, pseudonyms: list[bytes]) -> None:
    """Erasure: cases keep every note but lose the way to the person."""
    if not pseudonyms:
        return
    cases = (
        await session.scalars(
            select(SafeguardingCase).where(SafeguardingCase.author_pseudonym.in_(pseudonyms))
        )
    ).all()
    await session.execute(
        update(SafeguardingCase)
        .where(SafeguardingCase.author_pseudonym.in_(pseudonyms))
        .values(author_pseudonym=None)
    )
    for case in cases:
        await _entry(
            session,
            case,
            "Candour",
            "author_erased",
            "The author erased their account; they can no longer be reached.",
        )


def _plain_text(html: str) -> str:
    """The support page as plain text for an email: tags out, links kept as text."""
    import re
    from html import unescape

    text = re.sub(r"<a\s[^>]*href=\"([^\"]+)\"[^>]*>(.*?)</a>", r"\2 (\1)", html)
    text = re.sub(r"<li[^>]*>", "\n- ", text)
    text = re.sub(r"<(?:p|br|h\d|ul|ol)[^>]*>", "\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    return "\n".join(line.strip() for line in unescape(text).splitlines() if line.strip())
