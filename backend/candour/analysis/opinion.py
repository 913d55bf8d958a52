"""The opinion groups of a conversation, as the API shows them: the votes from the
database (:mod:`votes`), the groups from numpy (:mod:`groups`), and the titles of the few
ideas the answer names."""

from __future__ import annotations

import asyncio
import string
import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from candour.analysis.groups import Grouping, opinion_groups
from candour.analysis.schemas import (
    GroupingStatus,
    GroupVotes,
    IdeaAcrossGroups,
    OpinionGroup,
    OpinionGroups,
    RepresentativeIdea,
)
from candour.analysis.votes import fetch_votes
from candour.contributions.models import Idea, text_is_shown
from candour.conversations import service as conversations
from candour.identity import Caller

NO_LONGER_SHOWN = "[no longer shown]"


def _label(group: int) -> str:
    return string.ascii_uppercase[group]


async def get_opinion_groups(
    session: AsyncSession, caller: Caller, conversation_id: uuid.UUID
) -> OpinionGroups:
    await conversations.get_conversation(session, caller, conversation_id)
    votes = await fetch_votes(session, conversation_id)
    # Seconds of numpy on a large conversation: off the event loop.
    grouping = await asyncio.to_thread(opinion_groups, votes)
    named = {r.idea for g in grouping.groups for r in g.representatives}
    named |= {i for i, _ in grouping.consensus} | {i for i, _ in grouping.divisive}
    idea_id = {i: votes.idea_ids[int(grouping.ideas[i])] for i in named}
    rows = await session.execute(
        select(Idea.id, Idea.title, Idea.status, Idea.moderation).where(
            Idea.id.in_(list(idea_id.values()))
        )
    )
    # An idea hidden since its votes were read keeps its place but not its words.
    titles = {
        i: title if text_is_shown(status, moderation, mine=False) else NO_LONGER_SHOWN
        for i, title, status, moderation in rows
    }
    return _shape(conversation_id, grouping, idea_id, titles)


def _across(
    grouping: Grouping,
    ranked: list[tuple[int, float]],
    idea_id: dict[int, uuid.UUID],
    titles: dict[uuid.UUID, str],
) -> list[IdeaAcrossGroups]:
    rates = grouping.agree_rates
    return [
        IdeaAcrossGroups(
            idea_id=idea_id[i],
            title=titles[idea_id[i]],
            score=score,
            groups=[
                GroupVotes(
                    group=_label(g),
                    agrees=int(grouping.agrees[g, i]),
                    disagrees=int(grouping.disagrees[g, i]),
                    seen=int(grouping.seen[g, i]),
                    agree_rate=float(rates[g, i]),
                )
                for g in range(len(grouping.groups))
            ],
        )
        for i, score in ranked
    ]


def _shape(
    conversation_id: uuid.UUID,
    grouping: Grouping,
    idea_id: dict[int, uuid.UUID],
    titles: dict[uuid.UUID, str],
) -> OpinionGroups:
    return OpinionGroups(
        conversation_id=conversation_id,
        status=GroupingStatus.grouped if grouping.groups else GroupingStatus.too_few_votes,
        participants=grouping.participants,
        grouped_participants=grouping.grouped,
        ideas_analysed=len(grouping.ideas),
        ideas_left_out=grouping.ideas_left_out,
        votes=grouping.votes,
        silhouette=grouping.silhouette,
        groups=[
            OpinionGroup(
                label=_label(g),
                size=group.size,
                representative_ideas=[
                    RepresentativeIdea(
                        idea_id=idea_id[r.idea],
                        title=titles[idea_id[r.idea]],
                        stance="agree" if r.agree else "disagree",
                        count=r.n_success,
                        seen=r.n_trials,
                        rate=r.p_success,
                        rate_z=r.p_test,
                        representativeness=r.repness,
                        representativeness_z=r.repness_test,
                        significant=r.significant,
                    )
                    for r in group.representatives
                ],
            )
            for g, group in enumerate(grouping.groups)
        ],
        consensus_ideas=_across(grouping, grouping.consensus, idea_id, titles),
        divisive_ideas=_across(grouping, grouping.divisive, idea_id, titles),
    )
