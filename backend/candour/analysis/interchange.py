"""Pol.is interchange: a conversation from Pol.is's open-data files, and any conversation
back out in the same format.

**Import.** One conversation, closed (its window spans the file's times), with one section.
Each statement becomes an idea (its title made from its text), hidden when Pol.is moderated
it out; each Pol.is participant becomes a pseudonym derived by identity from a stand-in id
(``identity.imported_pseudonym``), so no imported person can be anyone real and no account
ever reaches imported content. Each person's latest vote is kept: agree → like (+1),
disagree → dislike (-1), pass → 0, which the counters ignore. Everything is checked before
anything is written, and written with ``COPY`` in the request's transaction: all or nothing.
Imported statements are not screened (they come moderated by Pol.is) and start no queue.

**Export.** ``comments.csv`` and ``votes.csv`` in a zip. Numbers, not Candour's ids:
statements are numbered by their coarsened time, then by their random id; voters by their
pseudonym (a keyed hash), which follows neither accounts nor time. Each statement has an
author number of its own, never a voter's: Candour promises that two posts by one person
cannot be linked, nor a post to its author's votes. Times are coarsened as the public API
coarsens them; Candour keeps no time for a vote, so each vote carries its statement's time
(the earliest it could have been cast). Text is shown by the rule used everywhere
(``text_is_shown``): a statement that is not shown keeps its row and its votes, with
``moderated`` -1 (0 while held) and a placeholder instead of its words.
"""

from __future__ import annotations

import asyncio
import io
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from candour.analysis.models import PolisImport
from candour.analysis.polis_files import (
    ExportedStatement,
    PolisConversation,
    read_polis,
    statement_text,
    title_of,
    write_comments,
    write_votes,
)
from candour.analysis.schemas import PolisImportReport, PolisImportRequest
from candour.analysis.votes import VoteArrays, copy_rows, fetch_votes
from candour.contributions.models import Idea, Moderation, Source, Status, text_is_shown
from candour.conversations import service as conversations
from candour.conversations.schemas import ConversationCreate, SectionCreate
from candour.core.settings import Settings
from candour.core.time import coarsen
from candour.identity import Caller, imported_pseudonym

_HOUR = timedelta(hours=1)
_IDEA_COLUMNS = (
    "id",
    "conversation_id",
    "section_id",
    "author_pseudonym",
    "source",
    "title",
    "body",
    "status",
    "moderation",
    "created_at",
    "like_count",
    "dislike_count",
)
# What a statement that is not shown says instead of its words.
_PLACEHOLDERS = {
    Moderation.held: "[waiting for moderation]",
    Moderation.hidden: "[hidden by the facilitators]",
    Moderation.removed: "[removed by the facilitators]",
}
_WITHDRAWN = "[withdrawn by its author]"
README = """\
A Pol.is open-data export of a Candour conversation: comments.csv and votes.csv.

- comment-id: the statements numbered by their time (to the hour), then in an order that
  reveals nothing. voter-id: the voters numbered in an order that reveals nothing.
- author-id: a number of each statement's own, never a voter-id: Candour does not link two
  posts by one person, nor a post to its author's votes.
- timestamp / datetime: rounded down to {granularity} seconds, in UTC. Candour keeps no time
  for votes, so each vote carries its statement's time: the earliest it could have been cast.
- agrees / disagrees: the votes as they stand, each person's latest only.
- moderated: 1 shown, 0 waiting for moderation, -1 hidden, removed or withdrawn; the words of
  a statement that is not shown are replaced by a note in square brackets.
- vote: 1 agree (like), -1 disagree (dislike), 0 pass (only in conversations imported from
  Pol.is).
- A cell that a spreadsheet would run as a formula starts with an apostrophe.
"""


def _window(parsed: PolisConversation) -> tuple[datetime, datetime]:
    """A window around the file's times — the hour of the first, to the hour after the last —
    that has closed by now (an import is a record: nobody votes in it any more)."""
    now = datetime.now(UTC)
    times = [s.created_at for s in parsed.statements if s.created_at is not None]
    if parsed.last_vote_at is not None:
        times.append(parsed.last_vote_at)
    closes = min(coarsen(max(times), 3600) + _HOUR, now) if times else now
    opens = coarsen(min(times), 3600) if times else closes - _HOUR
    return min(opens, closes - _HOUR), closes


async def import_polis(
    session: AsyncSession, settings: Settings, caller: Caller, data: PolisImportRequest
) -> PolisImportReport:
    """A new conversation from a Pol.is export; a bad file refuses it whole (422, each bad
    line named) and writes nothing."""
    parsed = await asyncio.to_thread(read_polis, data.comments_csv, data.votes_csv)
    opens, closes = _window(parsed)
    conversation = await conversations.create_conversation(
        session,
        ConversationCreate(
            title=data.title, introduction=data.introduction, opens_at=opens, closes_at=closes
        ),
    )
    section = await conversations.create_section(
        session, caller, conversation.id, SectionCreate(title=data.section_title)
    )
    statements = parsed.statements
    people = np.unique(
        np.concatenate([parsed.vote_voter, np.array([s.author_id for s in statements])])
    )
    pseudonym = {
        int(p): imported_pseudonym(settings, conversation.id, f"polis:{int(p)}") for p in people
    }
    idea_ids = [uuid.uuid4() for _ in statements]
    count = len(statements)
    likes = np.bincount(parsed.vote_statement[parsed.vote_value == 1], minlength=count)
    dislikes = np.bincount(parsed.vote_statement[parsed.vote_value == -1], minlength=count)
    await copy_rows(
        session,
        "ideas",
        _IDEA_COLUMNS,
        (
            (
                idea_ids[i],
                conversation.id,
                section.id,
                pseudonym[s.author_id],
                Source.online.value,
                title_of(s.text),
                s.text,
                Status.published.value,
                (Moderation.hidden if s.hidden else Moderation.visible).value,
                s.created_at or opens,
                int(likes[i]),
                int(dislikes[i]),
            )
            for i, s in enumerate(statements)
        ),
    )
    await copy_rows(
        session,
        "idea_votes",
        ("idea_id", "voter_pseudonym", "value"),
        zip(
            [idea_ids[i] for i in parsed.vote_statement.tolist()],
            [pseudonym[v] for v in parsed.vote_voter.tolist()],
            parsed.vote_value.tolist(),
            strict=True,
        ),
    )
    record = PolisImport(
        conversation_id=conversation.id,
        attribution=data.attribution,
        statements=count,
        hidden_statements=sum(s.hidden for s in statements),
        participants=len(people),
        votes=len(parsed.vote_value),
        passes=int((parsed.vote_value == 0).sum()),
        superseded_votes=parsed.superseded_votes,
    )
    session.add(record)
    await session.flush()
    return PolisImportReport(
        conversation_id=conversation.id,
        section_id=section.id,
        statements=record.statements,
        hidden_statements=record.hidden_statements,
        participants=record.participants,
        votes=record.votes,
        passes=record.passes,
        superseded_votes=record.superseded_votes,
    )


def _shown_text(title: str, body: str, status: str, moderation: str) -> tuple[int, str]:
    """Pol.is's ``moderated`` and the statement's words, or a placeholder for them."""
    if status != Status.published:
        return -1, _WITHDRAWN
    if text_is_shown(status, moderation, mine=False):
        return 1, statement_text(title, body)
    return (0 if moderation == Moderation.held else -1), _PLACEHOLDERS[Moderation(moderation)]


@dataclass(frozen=True, slots=True)
class _IdeaRow:
    id: uuid.UUID
    title: str
    body: str
    status: str
    moderation: str
    created_at: datetime


async def export_polis(
    session: AsyncSession, settings: Settings, caller: Caller, conversation_id: uuid.UUID
) -> bytes:
    """A zip of ``comments.csv``, ``votes.csv`` and a README saying what was chosen."""
    await conversations.get_conversation(session, caller, conversation_id)
    granularity = settings.public_time_granularity_seconds
    rows = await session.execute(
        select(Idea.id, Idea.title, Idea.body, Idea.status, Idea.moderation, Idea.created_at)
        .where(Idea.conversation_id == conversation_id)
        # A merged duplicate lives on in the idea it went into, with its votes.
        .where(Idea.moderation != Moderation.merged.value)
    )
    ideas = [_IdeaRow(*row) for row in rows]
    votes = await fetch_votes(session, conversation_id)
    return await asyncio.to_thread(_export_files, ideas, votes, granularity)


def _export_files(ideas: list[_IdeaRow], votes: VoteArrays, granularity: int) -> bytes:
    ideas.sort(key=lambda idea: (coarsen(idea.created_at, granularity), idea.id.bytes))
    number = {idea.id: n for n, idea in enumerate(ideas)}
    # Votes on an idea written after the list above was read have no number: left out.
    statement_of = np.array([number.get(idea_id, -1) for idea_id in votes.idea_ids], dtype=np.int64)
    statement = statement_of[votes.idea] if votes.idea.size else np.zeros(0, np.int64)
    kept = statement >= 0
    statement, voter, value = statement[kept], votes.voter[kept], votes.value[kept]
    order = np.lexsort((voter, statement))
    statement, voter, value = statement[order], voter[order], value[order]
    agrees = np.bincount(statement[value == 1], minlength=len(ideas))
    disagrees = np.bincount(statement[value == -1], minlength=len(ideas))
    exported = []
    for n, idea in enumerate(ideas):
        moderated, text = _shown_text(idea.title, idea.body, idea.status, idea.moderation)
        exported.append(
            ExportedStatement(
                comment_id=n,
                author_id=votes.voters + n,
                created_at=coarsen(idea.created_at, granularity),
                agrees=int(agrees[n]),
                disagrees=int(disagrees[n]),
                moderated=moderated,
                text=text,
            )
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("comments.csv", write_comments(exported))
        archive.writestr(
            "votes.csv", write_votes(exported, statement, voter.astype(np.int64), value)
        )
        archive.writestr("README.txt", README.format(granularity=granularity))
    return buffer.getvalue()
