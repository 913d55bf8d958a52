"""A published version keeps its figures for good, but not its words.

Posts quoted or named in a version (top ideas, quotes, the opinion groups' ideas) may be
hidden, removed or withdrawn later — often because they named someone — or amended to
take a name out. A version read later must not bring those words back: each text is
read again under the one rule (``contributions.text_is_shown``), the current (amended)
words where the post is still shown, a placeholder where it is not. Numbers stay as
published."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from candour.analysis.reports.figures import shorten
from candour.analysis.reports.schemas import SummaryReport, TopIdea
from candour.analysis.schemas import IdeaAcrossGroups, RepresentativeIdea
from candour.contributions.models import Comment, Idea, text_is_shown

NO_LONGER_SHOWN = "[no longer shown]"


async def with_current_words(session: AsyncSession, report: SummaryReport) -> SummaryReport:
    scopes = [report.overall, *report.sections, *report.themes]
    groups = report.opinion_groups
    named: list[TopIdea | RepresentativeIdea | IdeaAcrossGroups] = [
        *(idea for scope in scopes for idea in scope.top_ideas),
        *(idea for group in groups.groups for idea in group.representative_ideas),
        *groups.consensus_ideas,
        *groups.divisive_ideas,
    ]
    quotes = [quote for scope in scopes for quote in scope.quotes]
    idea_ids = {i.idea_id for i in named} | {q.post_id for q in quotes if q.kind == "idea"}
    comment_ids = {q.post_id for q in quotes if q.kind == "comment"}
    ideas: dict[uuid.UUID, tuple[str, str]] = {}
    if idea_ids:
        rows = await session.execute(
            select(Idea.id, Idea.title, Idea.body, Idea.status, Idea.moderation).where(
                Idea.id.in_(idea_ids)
            )
        )
        ideas = {
            i: (title, body)
            for i, title, body, status, moderation in rows
            if text_is_shown(status, moderation, mine=False)
        }
    comments: dict[uuid.UUID, str] = {}
    if comment_ids:
        comment_rows = await session.execute(
            select(Comment.id, Comment.body, Comment.status, Comment.moderation).where(
                Comment.id.in_(comment_ids)
            )
        )
        comments = {
            i: body
            for i, body, status, moderation in comment_rows
            if text_is_shown(status, moderation, mine=False)
        }
    for idea in named:
        idea.title = ideas[idea.idea_id][0] if idea.idea_id in ideas else NO_LONGER_SHOWN
    for quote in quotes:
        if quote.kind == "idea" and quote.post_id in ideas:
            title, body = ideas[quote.post_id]
            quote.text = shorten(body or title)
        elif quote.kind == "comment" and quote.post_id in comments:
            quote.text = shorten(comments[quote.post_id])
        else:
            quote.text = NO_LONGER_SHOWN
    return report
