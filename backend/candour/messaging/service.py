"""The relay: facilitators message "the author of this post"; the author replies from
their inbox. The only backward step (pseudonym → mailbox) happens inside identity."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from candour import identity
from candour.audit.service import record
from candour.contributions.lookup import find_contribution
from candour.contributions.models import Idea
from candour.conversations import service as conversations
from candour.core.errors import Conflict, NotFound
from candour.core.settings import Settings
from candour.core.time import coarsen
from candour.identity import Caller, RateLimitedAction
from candour.messaging.models import Direction, Message, MessageThread
from candour.messaging.schemas import MessageOut, ThreadOut, UnreadOut
from candour.queue.models import TargetKind


class PaperHasNoAuthor(Conflict):
    code, title = "paper_has_no_author", "Paper submissions have no author"


class ThreadNotFound(NotFound):
    code = "thread_not_found"


def _excerpt(row: object) -> str:
    text = row.title if isinstance(row, Idea) else getattr(row, "body", "")
    return text if len(text) <= 120 else text[:117] + "…"


async def _thread_out(
    session: AsyncSession, settings: Settings, thread: MessageThread, *, for_author: bool
) -> ThreadOut:
    """Times are rounded like public ones: an author's reply time could otherwise be matched
    against network records."""
    granularity = settings.public_time_granularity_seconds
    row = await find_contribution(
        session, thread.conversation_id, TargetKind(thread.target_kind), thread.target_id
    )
    messages = (
        await session.scalars(
            select(Message)
            .where(Message.thread_id == thread.id)
            .order_by(Message.created_at, Message.id)
        )
    ).all()
    out = [
        MessageOut(
            id=m.id,
            direction=m.direction,
            sender=m.sender_label or ("You" if for_author else "The author"),
            body=m.body,
            created_at=coarsen(m.created_at, granularity),
            unread=for_author and m.direction == Direction.to_author.value and m.read_at is None,
        )
        for m in messages
    ]
    return ThreadOut(
        id=thread.id,
        conversation_id=thread.conversation_id,
        target_kind=thread.target_kind,
        target_id=thread.target_id,
        subject=thread.subject,
        post_excerpt=_excerpt(row),
        created_at=coarsen(thread.created_at, granularity),
        unread_count=sum(m.unread for m in out),
        messages=out,
    )


def _email(settings: Settings, conversation_title: str, excerpt: str, body: str) -> str:
    inbox = f"{settings.public_url.rstrip('/')}/#/inbox"
    return (
        f'The facilitators of "{conversation_title}" have sent you a message about your post '
        f'"{excerpt}":\n\n{body}\n\nYou can reply in your Candour inbox: {inbox}\n\n'
        "The facilitators do not know who you are, and replying does not tell them.\n"
    )


async def message_author(
    session: AsyncSession,
    settings: Settings,
    caller: Caller,
    conversation_id: uuid.UUID,
    kind: TargetKind,
    target_id: uuid.UUID,
    subject: str,
    body: str,
) -> ThreadOut:
    """Write to the author of a post: to their inbox, and by email through the outbox.

    Refused for paper submissions (no author) and for authors who can no longer be
    reached (erased, or past retention). Nothing about the author is returned."""
    actor = await caller.actor(session)
    conversation = await conversations.get_conversation(session, caller, conversation_id)
    row = await find_contribution(session, conversation_id, kind, target_id)
    if row.author_pseudonym is None:
        raise PaperHasNoAuthor("This post came from a paper form: it has no author to write to.")
    thread = await session.scalar(
        select(MessageThread).where(
            MessageThread.target_kind == kind.value,
            MessageThread.target_id == target_id,
            MessageThread.author_pseudonym == row.author_pseudonym,
        )
    )
    if thread is None:
        thread = MessageThread(
            id=uuid.uuid4(),
            conversation_id=conversation_id,
            target_kind=kind.value,
            target_id=target_id,
            author_pseudonym=row.author_pseudonym,
            subject=subject,
        )
        session.add(thread)
        await session.flush()
    message = Message(
        id=uuid.uuid4(),
        thread_id=thread.id,
        direction=Direction.to_author.value,
        sender_label=actor.label,
        body=body,
    )
    session.add(message)
    await session.flush()
    await identity.deliver_to_author(
        session,
        settings,
        pseudonym=row.author_pseudonym,
        message_id=message.id,
        subject=f"A message from the facilitators: {subject}",
        body=_email(settings, conversation.title, _excerpt(row), body),
    )
    await record(session, actor, conversation_id, "message_author", reason=subject, row=row)
    return await _thread_out(session, settings, thread, for_author=False)


async def list_threads(
    session: AsyncSession, settings: Settings, caller: Caller, conversation_id: uuid.UUID
) -> list[ThreadOut]:
    await conversations.get_conversation(session, caller, conversation_id)
    threads = (
        await session.scalars(
            select(MessageThread)
            .where(MessageThread.conversation_id == conversation_id)
            .order_by(MessageThread.created_at.desc())
        )
    ).all()
    return [await _thread_out(session, settings, t, for_author=False) for t in threads]


async def get_thread(
    session: AsyncSession, settings: Settings, caller: Caller, thread_id: uuid.UUID
) -> ThreadOut:
    thread = await session.get(MessageThread, thread_id)
    if thread is None:
        raise ThreadNotFound("No such message thread.")
    await conversations.get_conversation(session, caller, thread.conversation_id)
    return await _thread_out(session, settings, thread, for_author=False)


async def _my_pseudonyms(session: AsyncSession, caller: Caller) -> list[bytes]:
    """The caller's inbox is found by recomputing their pseudonym in each conversation."""
    return [caller.pseudonym_in(cid) for cid in await caller.conversation_ids(session)]


async def list_my_messages(
    session: AsyncSession, settings: Settings, caller: Caller
) -> list[ThreadOut]:
    """Reading changes nothing: messages stay unread until the author marks them read."""
    threads = (
        await session.scalars(
            select(MessageThread)
            .where(MessageThread.author_pseudonym.in_(await _my_pseudonyms(session, caller)))
            .order_by(MessageThread.created_at.desc())
        )
    ).all()
    return [await _thread_out(session, settings, t, for_author=True) for t in threads]


async def count_my_unread(session: AsyncSession, caller: Caller) -> UnreadOut:
    unread = await session.scalar(
        select(func.count())
        .select_from(Message)
        .join(MessageThread, MessageThread.id == Message.thread_id)
        .where(
            MessageThread.author_pseudonym.in_(await _my_pseudonyms(session, caller)),
            Message.direction == Direction.to_author.value,
            Message.read_at.is_(None),
        )
    )
    return UnreadOut(unread=unread or 0)


async def _my_thread(session: AsyncSession, caller: Caller, thread_id: uuid.UUID) -> MessageThread:
    thread = await session.get(MessageThread, thread_id)
    if thread is None or thread.author_pseudonym != caller.pseudonym_in(thread.conversation_id):
        raise ThreadNotFound("No such message in your inbox.")
    return thread


async def mark_read(
    session: AsyncSession, settings: Settings, caller: Caller, thread_id: uuid.UUID
) -> ThreadOut:
    """Marks every message to the author in the thread read; again, it changes nothing."""
    thread = await _my_thread(session, caller, thread_id)
    await session.execute(
        update(Message)
        .where(
            Message.thread_id == thread.id,
            Message.direction == Direction.to_author.value,
            Message.read_at.is_(None),
        )
        .values(read_at=func.now())
        .execution_options(synchronize_session="fetch")
    )
    return await _thread_out(session, settings, thread, for_author=True)


async def reply(
    session: AsyncSession, settings: Settings, caller: Caller, thread_id: uuid.UUID, body: str
) -> ThreadOut:
    thread = await _my_thread(session, caller, thread_id)
    await caller.spend(session, RateLimitedAction.message)
    session.add(
        Message(
            id=uuid.uuid4(), thread_id=thread.id, direction=Direction.from_author.value, body=body
        )
    )
    await session.flush()
    return await _thread_out(session, settings, thread, for_author=True)
