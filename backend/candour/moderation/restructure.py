"""Reorganising ideas: moving one to another section, splitting one into several, merging
several into one. Votes and comments follow the text; each step is audited."""

from __future__ import annotations

import uuid

from sqlalchemy import String, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from candour.audit.service import record
from candour.contributions.errors import ContributionNotFound
from candour.contributions.lookup import find_contribution
from candour.contributions.models import (
    Comment,
    Idea,
    IdeaVote,
    Moderation,
)
from candour.conversations import service as conversations
from candour.conversations.models import Section
from candour.core.errors import FieldProblem, InvalidInput
from candour.identity import Caller
from candour.moderation.actions import require_changeable
from candour.moderation.errors import (
    ActionNotPossible,
)
from candour.moderation.records import snapshot, view
from candour.moderation.schemas import (
    ContributionView,
    MergeRequest,
    MoveRequest,
    SplitRequest,
    SplitResult,
)
from candour.queue.models import TargetKind


async def move_idea(
    session: AsyncSession,
    caller: Caller,
    conversation_id: uuid.UUID,
    idea_id: uuid.UUID,
    data: MoveRequest,
) -> ContributionView:
    actor = await caller.actor(session)
    await conversations.get_conversation(session, caller, conversation_id)
    idea = await find_contribution(session, conversation_id, TargetKind.idea, idea_id, lock=True)
    assert isinstance(idea, Idea)
    require_changeable(idea)
    section = await _section_in(session, conversation_id, data.section_id)
    if section.id == idea.section_id:
        raise ActionNotPossible("The idea is in that section already.")
    before = snapshot(idea)
    idea.section_id = section.id
    await session.flush()
    await record(
        session,
        actor,
        conversation_id,
        "move",
        reason=data.reason,
        row=idea,
        before=before,
        after=snapshot(idea),
    )
    return view(idea)


async def _section_in(
    session: AsyncSession, conversation_id: uuid.UUID, section_id: uuid.UUID
) -> Section:
    section = await session.get(Section, section_id)
    if section is None or section.conversation_id != conversation_id:
        raise InvalidInput(
            "There is no such section in this conversation.",
            errors=[
                FieldProblem(
                    field="body.section_id", message="unknown section", code="unknown_section"
                )
            ],
        )
    return section


async def split_idea(
    session: AsyncSession,
    caller: Caller,
    conversation_id: uuid.UUID,
    idea_id: uuid.UUID,
    data: SplitRequest,
) -> SplitResult:
    """The kept part stays the original idea (its id, votes and comments); every other part
    becomes a new idea by the same (unknown) author, linked to the original."""
    actor = await caller.actor(session)
    await conversations.get_conversation(session, caller, conversation_id)
    idea = await find_contribution(session, conversation_id, TargetKind.idea, idea_id, lock=True)
    assert isinstance(idea, Idea)
    require_changeable(idea)
    before = snapshot(idea)
    sections = [
        await _section_in(session, conversation_id, p.section_id or idea.section_id)
        for p in data.parts
    ]
    kept = data.parts[data.keep_votes_on]
    idea.title, idea.body = kept.title, kept.body
    idea.section_id = sections[data.keep_votes_on].id
    new_parts = []
    for index, part in enumerate(data.parts):
        if index == data.keep_votes_on:
            continue
        new = Idea(
            id=uuid.uuid4(),
            conversation_id=conversation_id,
            section_id=sections[index].id,
            author_pseudonym=idea.author_pseudonym,
            source=idea.source,
            title=part.title,
            body=part.body,
            origin_id=idea.id,
            created_at=idea.created_at,
        )
        session.add(new)
        new_parts.append(new)
    await session.flush()
    await session.refresh(idea)
    await record(
        session, actor, conversation_id, "split", reason=data.reason, row=idea, before=before,
        after={**snapshot(idea), "new_parts": [str(p.id) for p in new_parts]},
    )  # fmt: skip
    return SplitResult(kept=view(idea), new_parts=[view(p) for p in new_parts])


async def merge_ideas(
    session: AsyncSession,
    caller: Caller,
    conversation_id: uuid.UUID,
    into_id: uuid.UUID,
    data: MergeRequest,
) -> ContributionView:
    """Fold duplicates into one idea without counting anyone twice."""
    actor = await caller.actor(session)
    await conversations.get_conversation(session, caller, conversation_id)
    if into_id in data.source_ids or len(set(data.source_ids)) != len(data.source_ids):
        raise InvalidInput(
            "An idea cannot be merged into itself, and each duplicate is named once.",
            errors=[
                FieldProblem(
                    field="body.source_ids",
                    message="names the target or a repeat",
                    code="bad_merge",
                )
            ],
        )
    # Lock every idea involved in id order, as erasure and voting do, to avoid deadlocks.
    ids = sorted([into_id, *data.source_ids])
    locked = {
        i.id: i
        for i in await session.scalars(
            select(Idea).where(Idea.id.in_(ids)).order_by(Idea.id).with_for_update()
        )
    }
    for idea_id in ids:
        if idea_id not in locked or locked[idea_id].conversation_id != conversation_id:
            raise ContributionNotFound(f"No idea {idea_id} in this conversation.")
        require_changeable(locked[idea_id])
    into = locked[into_id]
    before = snapshot(into)
    sources = data.source_ids
    # A voter on both keeps the vote on ``into``; others' votes move over.
    kept = aliased(IdeaVote)
    already_on_into = (
        select(kept.voter_pseudonym)
        .where(kept.idea_id == into_id, kept.voter_pseudonym == IdeaVote.voter_pseudonym)
        .exists()
    )
    movable = (
        select(IdeaVote.voter_pseudonym, func.min(IdeaVote.idea_id.cast(String)).label("idea_id"))
        .where(IdeaVote.idea_id.in_(sources), ~already_on_into)
        .group_by(IdeaVote.voter_pseudonym)
        .subquery()
    )
    # Someone who voted on two duplicates (and not on ``into``) moves one of their votes.
    await session.execute(
        update(IdeaVote)
        .where(
            IdeaVote.voter_pseudonym == movable.c.voter_pseudonym,
            IdeaVote.idea_id.cast(String) == movable.c.idea_id,
        )
        .values(idea_id=into_id)
        .execution_options(synchronize_session=False)
    )
    await session.execute(delete(IdeaVote).where(IdeaVote.idea_id.in_(sources)))
    await session.execute(
        update(Comment).where(Comment.idea_id.in_(sources)).values(idea_id=into_id)
    )
    await session.execute(
        update(Idea)
        .where(Idea.id.in_(sources))
        .values(
            moderation=Moderation.merged.value,
            merged_into_id=into_id,
            like_count=0,
            dislike_count=0,
            comment_count=0,
        )
    )
    likes, dislikes = (
        await session.execute(
            select(
                func.count().filter(IdeaVote.value == 1), func.count().filter(IdeaVote.value == -1)
            ).where(IdeaVote.idea_id == into_id)
        )
    ).one()
    comments = await session.scalar(
        select(func.count()).where(Comment.idea_id == into_id, Comment.status == "published")
    )
    into.like_count, into.dislike_count, into.comment_count = likes, dislikes, comments or 0
    await session.flush()
    await session.refresh(into)
    await record(
        session, actor, conversation_id, "merge", reason=data.reason, row=into, before=before,
        after={**snapshot(into), "merged": [str(s) for s in sources]},
    )  # fmt: skip
    return view(into)
