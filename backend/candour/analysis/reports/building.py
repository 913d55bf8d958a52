"""The live report of one conversation: figures from :mod:`figures`, rates from
:mod:`stats`, the opinion groups from ``analysis.opinion`` and the attribute breakdowns
from identity (which suppresses small groups before the numbers leave it).

Everything is read in one REPEATABLE READ snapshot on a connection of its own, so the
figures agree with one another — the sections add up to the whole, and the breakdowns'
groups add up to the conversation's contributors, which their suppression relies on.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from candour.analysis import opinion
from candour.analysis.reports import stats
from candour.analysis.reports.figures import Counts, Figures, ScopeKey, authored_posts, read_figures
from candour.analysis.reports.schemas import (
    AttributeBreakdownOut,
    AttributeGroup,
    DayActivity,
    Quote,
    ReportStatus,
    ScopeFigures,
    ScopeKind,
    SummaryReport,
    TopIdea,
)
from candour.analysis.reports.themes import live_themes
from candour.conversations import service as conversations
from candour.conversations.models import Section
from candour.core.settings import Settings
from candour.identity import AttributeBreakdown, Caller, attribute_breakdowns

_EMPTY = Counts(0, 0, 0, 0, 0, 0, 0, 0)


@asynccontextmanager
async def snapshot(session: AsyncSession) -> AsyncIterator[AsyncSession]:
    """A read-only session on its own connection, every statement in one snapshot."""
    engine = session.bind
    assert isinstance(engine, AsyncEngine)
    async with engine.connect() as connection:
        await connection.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )
        async with AsyncSession(bind=connection, expire_on_commit=False) as reader:
            yield reader


async def build_report(
    session: AsyncSession, settings: Settings, caller: Caller, conversation_id: uuid.UUID
) -> SummaryReport:
    """The draft as it stands now. ``caller`` must be a facilitator or an admin (the
    opinion groups are theirs to compute)."""
    async with snapshot(session) as reader:
        return await _build(reader, settings, caller, conversation_id)


async def _build(
    session: AsyncSession, settings: Settings, caller: Caller, conversation_id: uuid.UUID
) -> SummaryReport:
    conversation = await conversations.get_conversation(session, caller, conversation_id)
    min_group_size = conversation.min_group_size
    sections = (
        await session.execute(
            select(Section.id, Section.title)
            .where(Section.conversation_id == conversation_id)
            .order_by(Section.position, Section.id)
        )
    ).all()
    themes = await live_themes(session, conversation_id)
    figures = await read_figures(session, conversation_id, conversation.time_zone)
    groups = await opinion.get_opinion_groups(session, caller, conversation_id)
    total, breakdowns = await attribute_breakdowns(
        session,
        settings,
        conversation_id,
        authored_posts(conversation_id),
        min_group_size=min_group_size,
    )
    overall = figures.counts.get(("conversation", None), _EMPTY)
    # Same snapshot, same definition: a difference would break the suppression's sums.
    assert total == overall.contributors, "breakdowns and figures disagree"
    scopes: list[tuple[ScopeKind, uuid.UUID | None, str, uuid.UUID | None]] = [
        (ScopeKind.conversation, None, conversation.title, None),
        *((ScopeKind.section, s.id, s.title, None) for s in sections),
        *((ScopeKind.theme, t.id, t.name, t.parent_id) for t in themes),
    ]
    shaped = _scopes(figures, scopes)
    return SummaryReport(
        conversation_id=conversation_id,
        title=conversation.title,
        time_zone=conversation.time_zone,
        status=ReportStatus.draft,
        version=None,
        published_at=None,
        computed_at=datetime.now(UTC),
        min_group_size=min_group_size,
        overall=shaped[0],
        sections=[s for s in shaped if s.kind == ScopeKind.section],
        themes=[s for s in shaped if s.kind == ScopeKind.theme],
        participation=[
            DayActivity(day=d.day, ideas=d.ideas, comments=d.comments, votes=d.votes)
            for d in figures.days
        ],
        opinion_groups=groups,
        breakdowns=[_breakdown(b) for b in breakdowns],
    )


def _scopes(
    figures: Figures,
    scopes: list[tuple[ScopeKind, uuid.UUID | None, str, uuid.UUID | None]],
) -> list[ScopeFigures]:
    keys: list[ScopeKey] = [(kind.value, scope_id) for kind, scope_id, _, _ in scopes]
    counts = [figures.counts.get(key, _EMPTY) for key in keys]
    likes = np.array([c.likes for c in counts], dtype=np.float64)
    dislikes = np.array([c.dislikes for c in counts], dtype=np.float64)
    split = np.array([c.split for c in counts], dtype=np.float64)
    low, high = stats.wilson_interval(likes, dislikes)
    ratio = stats.optional(stats.agreement(likes, dislikes))
    lows, highs = stats.optional(low), stats.optional(high)
    divided = stats.optional(stats.divisiveness(split, likes, dislikes))
    return [
        ScopeFigures(
            kind=kind,
            scope_id=scope_id,
            name=name,
            parent_id=parent_id,
            posts=c.ideas + c.comments,
            ideas=c.ideas,
            comments=c.comments,
            paper_posts=c.paper_posts,
            contributors=c.contributors,
            voters=c.voters,
            likes=c.likes,
            dislikes=c.dislikes,
            net_support=c.likes - c.dislikes,
            agreement=ratio[n],
            agreement_low=lows[n],
            agreement_high=highs[n],
            divisiveness=divided[n],
            top_ideas=[
                TopIdea(
                    idea_id=i.idea_id,
                    title=i.title,
                    likes=i.likes,
                    dislikes=i.dislikes,
                    net_support=i.likes - i.dislikes,
                    comments=i.comments,
                    agreement=round(i.likes / (i.likes + i.dislikes), 4)
                    if i.likes + i.dislikes
                    else None,
                )
                for i in figures.top_ideas.get(key, [])
            ],
            quotes=[
                Quote(
                    kind=q.kind,
                    post_id=q.post_id,
                    idea_id=q.idea_id,
                    text=q.text,
                    likes=q.likes,
                    dislikes=q.dislikes,
                )
                for q in figures.quotes.get(key, [])
            ],
        )
        for n, ((kind, scope_id, name, parent_id), key, c) in enumerate(
            zip(scopes, keys, counts, strict=True)
        )
    ]


def _breakdown(breakdown: AttributeBreakdown) -> AttributeBreakdownOut:
    return AttributeBreakdownOut(
        attribute=breakdown.attribute,
        groups=[
            AttributeGroup(value=g.value, contributors=g.contributors, posts=g.posts)
            for g in breakdown.shown
        ],
        suppressed_groups=breakdown.suppressed_groups,
        suppressed_contributors=breakdown.suppressed_contributors,
        suppressed_posts=breakdown.suppressed_posts,
        withheld=breakdown.withheld,
    )
