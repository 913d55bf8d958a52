"""Retention, erasure and export: the rules of "Personal data" in the SPEC."""

from __future__ import annotations

import itertools
import logging
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from candour import identity
from candour.contributions.lifecycle import withdraw_everything_by
from candour.contributions.models import Comment, CommentVote, Idea, IdeaVote, text_is_shown
from candour.conversations.models import Conversation, Section
from candour.conversations.service import retention_days
from candour.core.csvfiles import csv_text
from candour.core.errors import InvalidInput, NotFound
from candour.core.settings import Settings
from candour.core.time import coarsen
from candour.identity import Caller
from candour.moderation import cases
from candour.privacy import ledger
from candour.privacy.models import RetentionRun
from candour.privacy.schemas import (
    ConversationRetention,
    Erased,
    ExportedComment,
    ExportedIdea,
    ExportedProfile,
    ExportedVote,
    MyDataExport,
    PostsChoice,
    RetentionRunOut,
    RetentionStatus,
)

logger = logging.getLogger("candour.privacy")


class ErasureNotConfirmed(InvalidInput):
    code, title = "erasure_not_confirmed", "Erasure not confirmed"


# --- erasure -----------------------------------------------------------------------------


def _erased_detail(posts: PostsChoice, *, by_admin: bool) -> str:
    """What erasure did, told to the person themselves or to the admin who acted for them."""
    kept = (
        "stay, anonymous, and can no longer be changed"
        if posts == PostsChoice.keep
        else "were withdrawn"
    )
    if by_admin:
        return (
            "Their account and everything that linked them to their posts are gone. "
            f"Their posts and votes {kept}."
        )
    return (
        "Your account and everything that linked you to your posts are gone. "
        f"Your posts and votes {kept}."
    )


async def _erase(
    session: AsyncSession,
    settings: Settings,
    person: identity.Person,
    posts: PostsChoice,
    *,
    by_admin: bool,
) -> Erased:
    # Recorded first: should the rest fail, the ledger errs towards forgetting (ledger.py).
    await ledger.record_erasure(
        session, settings, person, posts_withdrawn=posts == PostsChoice.withdraw
    )
    if posts == PostsChoice.withdraw:
        await withdraw_everything_by(session, list(person.pseudonyms.values()))
    await cases.forget_authors(session, list(person.pseudonyms.values()))
    await identity.erase_person(session, settings, person)
    return Erased(
        detail=_erased_detail(posts, by_admin=by_admin),
        posts=posts,
        conversations=len(person.pseudonyms),
    )


async def erase_me(
    session: AsyncSession, settings: Settings, caller: Caller, posts: PostsChoice, confirm: bool
) -> Erased:
    if not confirm:
        raise ErasureNotConfirmed("Tick the confirmation: erasure cannot be undone.")
    person = await identity.person_of_caller(session, settings, caller)
    if person is None:
        raise NotFound("There is no account to erase.")
    return await _erase(session, settings, person, posts, by_admin=False)


async def erase_participant(
    session: AsyncSession, settings: Settings, email: str, posts: PostsChoice
) -> Erased:
    """An admin erases someone who asked by email; the same rules as for erase_me."""
    person = await identity.person_by_email(session, settings, email)
    if person is None:
        raise NotFound("No account has that address (perhaps it was erased already).")
    return await _erase(session, settings, person, posts, by_admin=True)


# --- retention ---------------------------------------------------------------------------


def _due_at(settings: Settings, conversation: Conversation) -> datetime:
    return conversation.effective_completed_at + timedelta(
        days=retention_days(conversation, settings)
    )


async def _retain_next(
    session: AsyncSession, settings: Settings, trigger: str
) -> RetentionRun | None:
    """Forget the participants of one due conversation, or return None when none is due.

    ``SKIP LOCKED`` lets several workers run this at once: each takes a different
    conversation, and a conversation done once is never done again."""
    due_at = func.coalesce(Conversation.completed_at, Conversation.closes_at) + func.make_interval(
        0, 0, 0, func.coalesce(Conversation.retention_days, settings.retention_days)
    )
    conversation = await session.scalar(
        select(Conversation)
        .where(Conversation.retention_done_at.is_(None), due_at <= func.now())
        .order_by(Conversation.closes_at, Conversation.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if conversation is None:
        return None
    await ledger.record_retention(session, settings, conversation.id)
    forgotten = await identity.forget_participants_of(session, settings, conversation.id)
    conversation.retention_done_at = datetime.now(UTC)
    run = RetentionRun(
        id=uuid.uuid4(),
        conversation_id=conversation.id,
        trigger=trigger,
        accounts_deleted=forgotten.accounts,
        memberships_deleted=forgotten.memberships,
        links_deleted=forgotten.links,
        mails_deleted=forgotten.mails,
    )
    session.add(run)
    await session.flush()
    logger.info("retention done for a conversation: %d accounts deleted", forgotten.accounts)
    return run


async def run_due(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, trigger: str = "schedule"
) -> list[RetentionRun]:
    """Run retention for every due conversation, one transaction each."""
    runs: list[RetentionRun] = []
    async with sessionmaker() as session, session.begin():
        await identity.purge_stale_counters(session, timedelta(days=1))
    while True:
        async with sessionmaker() as session, session.begin():
            run = await _retain_next(session, settings, trigger)
        if run is None:
            return runs
        runs.append(run)


async def run_due_in_session(session: AsyncSession, settings: Settings) -> list[RetentionRun]:
    """The admin's "run it now", inside the request's transaction."""
    runs: list[RetentionRun] = []
    while (run := await _retain_next(session, settings, "admin")) is not None:
        runs.append(run)
    return runs


def run_out(run: RetentionRun) -> RetentionRunOut:
    return RetentionRunOut.model_validate(run)


async def retention_status(session: AsyncSession, settings: Settings) -> RetentionStatus:
    conversations = (
        await session.scalars(select(Conversation).order_by(Conversation.closes_at.desc()))
    ).all()
    runs = (await session.scalars(select(RetentionRun).order_by(RetentionRun.ran_at))).all()
    by_conversation: dict[uuid.UUID, list[RetentionRunOut]] = {}
    for run in runs:
        by_conversation.setdefault(run.conversation_id, []).append(run_out(run))
    return RetentionStatus(
        retention_days=settings.retention_days,
        conversations=[
            ConversationRetention(
                conversation_id=c.id,
                title=c.title,
                completed_at=c.effective_completed_at,
                retention_days=retention_days(c, settings),
                retention_due_at=_due_at(settings, c),
                retention_done_at=c.retention_done_at,
                runs=by_conversation.get(c.id, []),
            )
            for c in conversations
        ],
    )


# --- export ------------------------------------------------------------------------------

# A 0 is a Pol.is "pass", which only imported (never a real person's) votes hold; named all
# the same, so that no vote is ever shown as the other thing.
_VOTE_WORDS = {1: "like", -1: "dislike", 0: "pass"}


async def export_my_data(session: AsyncSession, settings: Settings, caller: Caller) -> MyDataExport:
    """Everything the caller posted and voted, found by recomputing their pseudonyms.

    Text is shown by the same rule as everywhere else (``text_is_shown``): the caller's own
    words while they are published (held ones too), other people's only while they are
    published and visible — the export must not bring back what was withdrawn, hidden or
    removed."""
    granularity = settings.public_time_granularity_seconds
    pseudonyms = [caller.pseudonym_in(cid) for cid in await caller.conversation_ids(session)]

    def shown(text: str, status: str, moderation: str, author: bytes | None) -> str | None:
        return text if text_is_shown(status, moderation, mine=author in pseudonyms) else None

    ideas = (
        await session.execute(
            select(Idea, Section.title)
            .join(Section, Section.id == Idea.section_id)
            .where(Idea.author_pseudonym.in_(pseudonyms))
            .order_by(Idea.created_at, Idea.id)
        )
    ).all()
    comments = (
        await session.execute(
            select(Comment, Idea.title, Idea.status, Idea.moderation, Idea.author_pseudonym)
            .join(Idea, Idea.id == Comment.idea_id)
            .where(Comment.author_pseudonym.in_(pseudonyms))
            .order_by(Comment.created_at, Comment.id)
        )
    ).all()
    voted_on = (
        await session.execute(
            select(
                Idea.conversation_id,
                Idea.id,
                Idea.title,
                Idea.status,
                Idea.moderation,
                Idea.author_pseudonym,
                IdeaVote.value,
            )
            .join(IdeaVote, IdeaVote.idea_id == Idea.id)
            .where(IdeaVote.voter_pseudonym.in_(pseudonyms))
            .order_by(Idea.id)
        )
    ).all()
    comments_voted_on = (
        await session.execute(
            select(
                Comment.conversation_id,
                Comment.id,
                Comment.body,
                Comment.status,
                Comment.moderation,
                Comment.author_pseudonym,
                CommentVote.value,
            )
            .join(CommentVote, CommentVote.comment_id == Comment.id)
            .where(CommentVote.voter_pseudonym.in_(pseudonyms))
            .order_by(Comment.id)
        )
    ).all()
    profile = await identity.profile_of_caller(session, caller)
    return MyDataExport(
        exported_at=datetime.now(UTC),
        profile=ExportedProfile.model_validate(profile),
        ideas=[
            ExportedIdea(
                id=i.id,
                conversation_id=i.conversation_id,
                section=section,
                title=shown(i.title, i.status, i.moderation, i.author_pseudonym),
                body=shown(i.body, i.status, i.moderation, i.author_pseudonym),
                status=i.status,
                moderation=i.moderation,
                created_at=coarsen(i.created_at, granularity),
                like_count=i.like_count,
                dislike_count=i.dislike_count,
                comment_count=i.comment_count,
            )
            for i, section in ideas
        ],
        comments=[
            ExportedComment(
                id=c.id,
                conversation_id=c.conversation_id,
                idea_id=c.idea_id,
                idea_title=shown(idea_title, idea_status, idea_moderation, idea_author),
                parent_id=c.parent_id,
                body=shown(c.body, c.status, c.moderation, c.author_pseudonym),
                status=c.status,
                moderation=c.moderation,
                created_at=coarsen(c.created_at, granularity),
            )
            for c, idea_title, idea_status, idea_moderation, idea_author in comments
        ],
        votes=[
            ExportedVote(
                conversation_id=cid,
                kind=kind,
                item_id=item,
                item_text=shown(text, status, moderation, author),
                vote=_VOTE_WORDS[v],
            )
            for kind, rows in (("idea", voted_on), ("comment", comments_voted_on))
            for cid, item, text, status, moderation, author, v in rows
        ],
    )


CSV_COLUMNS = [
    "record",
    "conversation_id",
    "id",
    "idea_id",
    "parent_id",
    "section",
    "title_or_item",
    "body",
    "status",
    "moderation",
    "vote",
    "created_at",
]


def export_csv(export: MyDataExport) -> str:
    """The same export as one CSV table, a row per idea, comment and vote."""
    ideas = (
        {
            "record": "idea",
            "conversation_id": idea.conversation_id,
            "id": idea.id,
            "section": idea.section,
            "title_or_item": idea.title,
            "body": idea.body,
            "status": idea.status,
            "moderation": idea.moderation,
            "created_at": idea.created_at.isoformat(),
        }
        for idea in export.ideas
    )
    comments = (
        {
            "record": "comment",
            "conversation_id": comment.conversation_id,
            "id": comment.id,
            "idea_id": comment.idea_id,
            "parent_id": comment.parent_id,
            "title_or_item": comment.idea_title,
            "body": comment.body,
            "status": comment.status,
            "moderation": comment.moderation,
            "created_at": comment.created_at.isoformat(),
        }
        for comment in export.comments
    )
    votes = (
        {
            "record": f"{vote.kind}_vote",
            "conversation_id": vote.conversation_id,
            "id": vote.item_id,
            "title_or_item": vote.item_text,
            "vote": vote.vote,
        }
        for vote in export.votes
    )
    return csv_text(CSV_COLUMNS, itertools.chain(ideas, comments, votes))
