"""Who sees which report: facilitators and admins the live draft and every published
version; sponsors published versions only; participants nothing.

Publishing freezes the draft as JSON in ``report_versions`` with the next number, so later
posts, votes and moderation never change what sponsors read.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from candour.analysis.reports.building import build_report
from candour.analysis.reports.errors import (
    DraftNotForSponsors,
    ReportNotPublished,
    ReportVersionNotFound,
)
from candour.analysis.reports.models import ReportVersion
from candour.analysis.reports.schemas import ReportStatus, ReportVersionInfo, SummaryReport
from candour.analysis.reports.words import with_current_words
from candour.conversations import service as conversations
from candour.core.settings import Settings
from candour.identity import Caller, Role

EDITORS = {Role.facilitator, Role.admin}
NOT_YET = "No version of this report has been published yet."


async def get_report(
    session: AsyncSession, settings: Settings, caller: Caller, conversation_id: uuid.UUID
) -> SummaryReport:
    """The live draft, for facilitators and admins."""
    if caller.role not in EDITORS:
        await conversations.get_conversation(session, caller, conversation_id)
        latest = await _latest_version(session, conversation_id)
        raise DraftNotForSponsors(
            "Sponsors read the published versions of a report, not the facilitators' draft. "
            + (f"The latest is version {latest}." if latest else NOT_YET)
        )
    return await build_report(session, settings, caller, conversation_id)


async def _latest_version(session: AsyncSession, conversation_id: uuid.UUID) -> int | None:
    latest: int | None = await session.scalar(
        select(func.max(ReportVersion.version)).where(
            ReportVersion.conversation_id == conversation_id
        )
    )
    return latest


async def publish_report(
    session: AsyncSession, settings: Settings, caller: Caller, conversation_id: uuid.UUID
) -> SummaryReport:
    """Freeze the draft as the next version and return it as published."""
    report = await build_report(session, settings, caller, conversation_id)
    actor = await caller.actor(session)
    # One publisher at a time per conversation numbers the versions without a gap; an
    # advisory lock rather than a row lock, so votes (which share-lock the conversation)
    # never wait for it.
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
        {"key": f"report-versions:{conversation_id}"},
    )
    number = (await _latest_version(session, conversation_id) or 0) + 1
    now = datetime.now(UTC)
    published = report.model_copy(
        update={"status": ReportStatus.published, "version": number, "published_at": now}
    )
    session.add(
        ReportVersion(
            id=uuid.uuid4(),
            conversation_id=conversation_id,
            version=number,
            published_at=now,
            published_by_id=actor.id,
            published_by_label=actor.label,
            content=published.model_dump(mode="json"),
        )
    )
    await session.flush()
    return published


async def list_report_versions(
    session: AsyncSession, caller: Caller, conversation_id: uuid.UUID
) -> list[ReportVersionInfo]:
    """Newest first. Who published is shown to facilitators and admins only."""
    await conversations.get_conversation(session, caller, conversation_id)
    rows = await session.execute(
        select(ReportVersion.version, ReportVersion.published_at, ReportVersion.published_by_label)
        .where(ReportVersion.conversation_id == conversation_id)
        .order_by(ReportVersion.version.desc())
    )
    staff = caller.role in EDITORS
    return [
        ReportVersionInfo(version=v, published_at=at, published_by=label if staff else None)
        for v, at, label in rows
    ]


async def get_report_version(
    session: AsyncSession, caller: Caller, conversation_id: uuid.UUID, version: int | None
) -> SummaryReport:
    """A published version as it was published; ``None`` for the latest."""
    await conversations.get_conversation(session, caller, conversation_id)
    query = select(ReportVersion.content).where(ReportVersion.conversation_id == conversation_id)
    if version is None:
        query = query.order_by(ReportVersion.version.desc()).limit(1)
    else:
        query = query.where(ReportVersion.version == version)
    content = await session.scalar(query)
    if content is None:
        if version is None:
            raise ReportNotPublished(NOT_YET)
        latest = await _latest_version(session, conversation_id)
        raise ReportVersionNotFound(
            f"This report has no version {version}; "
            + (f"the latest is version {latest}." if latest else NOT_YET)
        )
    return await with_current_words(session, SummaryReport.model_validate(content))


async def report_for_download(
    session: AsyncSession,
    settings: Settings,
    caller: Caller,
    conversation_id: uuid.UUID,
    version: int | None,
) -> SummaryReport:
    """What a download holds: the version asked for; without one, the draft for
    facilitators and admins and the latest published version for sponsors."""
    if version is None and caller.role in EDITORS:
        return await build_report(session, settings, caller, conversation_id)
    return await get_report_version(session, caller, conversation_id, version)
