"""Applying codes to posts: code an idea or a comment (whole or an excerpt), list the
codings by code or by post, remove one, and confirm or reject a suggested one."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from candour.analysis.coding.errors import (
    CodeNotFound,
    CodeRetired,
    CodingExists,
    CodingNotFound,
    CodingNotSuggested,
    ExcerptOutOfRange,
    NotYourCoding,
    PostNotShown,
)
from candour.analysis.coding.frames import in_frame_order
from candour.analysis.coding.models import Code, CodeState, Coding, CodingStatus
from candour.analysis.coding.schemas import (
    CodeRef,
    CodingCreate,
    CodingList,
    CodingOut,
    ExcerptShown,
)
from candour.contributions.lookup import find_contribution
from candour.contributions.models import Comment, Idea, text_is_shown
from candour.conversations import service as conversations
from candour.core.errors import FieldProblem
from candour.identity import Caller, Role
from candour.queue.models import TargetKind

_post_status = func.coalesce(Idea.status, Comment.status)
_post_moderation = func.coalesce(Idea.moderation, Comment.moderation)
# Does the excerpt still stand, word for word, in the post as it is now?
_excerpt_stands = func.strpos(func.coalesce(Idea.body, Comment.body), Coding.excerpt) > 0


def _rows() -> Select[Coding, str, str, str, str, bool]:
    return (
        select(Coding, Code.name, Code.state, _post_status, _post_moderation, _excerpt_stands)
        .join(Code, Code.id == Coding.code_id)
        .outerjoin(Idea, Idea.id == Coding.idea_id)
        .outerjoin(Comment, Comment.id == Coding.comment_id)
    )


def _out(row: Any, me: uuid.UUID) -> CodingOut:
    coding: Coding = row[0]
    name, state, status, moderation, stands = row[1:]
    post_shown = text_is_shown(status, moderation, mine=False)
    if coding.excerpt is None:
        shown = ExcerptShown.whole_post
    elif not post_shown:
        shown = ExcerptShown.post_not_shown
    elif not stands:
        shown = ExcerptShown.post_changed
    else:
        shown = ExcerptShown.shown
    return CodingOut(
        id=coding.id,
        code=CodeRef(id=coding.code_id, name=name),
        code_state=CodeState(state),
        post_kind=TargetKind.idea if coding.idea_id else TargetKind.comment,
        post_id=coding.idea_id or coding.comment_id,
        post_shown=post_shown,
        start=coding.start_offset,
        end=coding.end_offset,
        excerpt=coding.excerpt if shown == ExcerptShown.shown else None,
        excerpt_shown=shown,
        status=CodingStatus(coding.status),
        analyst_id=coding.analyst_id,
        by_me=coding.analyst_id == me,
        applied_at=coding.applied_at,
        suggestion_id=coding.suggestion_id,
        reviewed_by=coding.reviewed_by,
        reviewed_at=coding.reviewed_at,
    )


async def _one(session: AsyncSession, coding_id: uuid.UUID, me: uuid.UUID) -> CodingOut:
    row = (await session.execute(_rows().where(Coding.id == coding_id))).one()
    return _out(row, me)


async def _live_code_for_coding(
    session: AsyncSession, conversation_id: uuid.UUID, code_id: uuid.UUID, where: str
) -> Code:
    """The code, share-locked: a frame change that would retire it waits for this coding,
    or this coding waits for it and then sees the code retired."""
    code = await session.scalar(
        select(Code)
        .where(Code.id == code_id, Code.conversation_id == conversation_id)
        .with_for_update(read=True)
        .execution_options(populate_existing=True)
    )
    if code is None:
        raise CodeNotFound(
            "No such code in this conversation's frame.",
            errors=[FieldProblem(field=where, message="no such code", code="code_not_found")],
        )
    if code.state != CodeState.live:
        raise CodeRetired(
            f"The code “{code.name}” is retired; apply the code it was merged into or one "
            "of its successors.",
            errors=[FieldProblem(field=where, message="retired", code="code_retired")],
        )
    return code


def _same_coding(coding: Coding) -> ColumnElement[bool]:
    """Non-rejected codings of the same code, post and span (ignoring who)."""
    return (
        (Coding.code_id == coding.code_id)
        & Coding.idea_id.is_not_distinct_from(coding.idea_id)
        & Coding.comment_id.is_not_distinct_from(coding.comment_id)
        & Coding.start_offset.is_not_distinct_from(coding.start_offset)
        & Coding.end_offset.is_not_distinct_from(coding.end_offset)
        & (Coding.status != CodingStatus.rejected.value)
    )


async def _insert_once(session: AsyncSession, coding: Coding) -> None:
    """Add the coding; 409 when this analyst already has it (the unique index decides
    when two requests race)."""
    exists = await session.scalar(
        select(Coding.id).where(
            _same_coding(coding), Coding.analyst_id == coding.analyst_id, Coding.id != coding.id
        )
    )
    if exists is not None:
        raise CodingExists("You have already applied this code to this text.")
    try:
        async with session.begin_nested():
            session.add(coding)
            await session.flush()
    except IntegrityError:
        raise CodingExists("You have already applied this code to this text.") from None


async def code_contribution(
    session: AsyncSession, caller: Caller, conversation_id: uuid.UUID, data: CodingCreate
) -> CodingOut:
    actor = await caller.actor(session)
    await conversations.get_conversation(session, caller, conversation_id)
    code = await _live_code_for_coding(session, conversation_id, data.code_id, "body.code_id")
    post = await find_contribution(session, conversation_id, data.post_kind, data.post_id)
    if not text_is_shown(post.status, post.moderation, mine=False):
        raise PostNotShown("Only posts whose words are shown (published and visible) can be coded.")
    excerpt = None
    if data.start is not None and data.end is not None:
        length = len(post.body)
        if data.end > length:
            raise ExcerptOutOfRange(
                f"The excerpt must lie inside the post's body, which has {length} characters.",
                errors=[
                    FieldProblem(
                        field="body.end", message=f"past the end ({length})", code="out_of_range"
                    )
                ],
            )
        excerpt = post.body[data.start : data.end]
    coding = Coding(
        id=uuid.uuid4(),
        conversation_id=conversation_id,
        code_id=code.id,
        idea_id=post.id if data.post_kind == TargetKind.idea else None,
        comment_id=post.id if data.post_kind == TargetKind.comment else None,
        start_offset=data.start,
        end_offset=data.end,
        excerpt=excerpt,
        status=CodingStatus.confirmed.value,
        analyst_id=actor.id,
    )
    await _insert_once(session, coding)
    return await _one(session, coding.id, actor.id)


async def list_codings(
    session: AsyncSession,
    caller: Caller,
    conversation_id: uuid.UUID,
    *,
    code_id: uuid.UUID | None,
    include_subcodes: bool,
    post_kind: TargetKind | None,
    post_id: uuid.UUID | None,
    analyst_id: uuid.UUID | None,
    status: CodingStatus | None,
    limit: int,
    offset: int,
) -> CodingList:
    actor = await caller.actor(session)
    await conversations.get_conversation(session, caller, conversation_id)
    query = _rows().where(Coding.conversation_id == conversation_id)
    if code_id is not None:
        codes = [code_id]
        if include_subcodes:
            frame = list(
                await session.scalars(select(Code).where(Code.conversation_id == conversation_id))
            )
            codes = [c.id for c in _under(frame, code_id)]
        query = query.where(Coding.code_id.in_(codes))
    if post_id is not None:
        column = Coding.idea_id if post_kind == TargetKind.idea else Coding.comment_id
        query = query.where(column == post_id)
    if analyst_id is not None:
        query = query.where(Coding.analyst_id == analyst_id)
    if status is not None:
        query = query.where(Coding.status == status.value)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.execute(
        query.order_by(Coding.applied_at, Coding.id).limit(limit).offset(offset)
    )
    return CodingList(total=total or 0, codings=[_out(r, actor.id) for r in rows])


def _under(frame: list[Code], code_id: uuid.UUID) -> list[Code]:
    """The code and every code below it."""
    ids = {code_id}
    for code in in_frame_order(frame):
        if code.parent_id in ids:
            ids.add(code.id)
    return [c for c in frame if c.id in ids]


async def _coding_for_update(
    session: AsyncSession, conversation_id: uuid.UUID, coding_id: uuid.UUID
) -> Coding:
    coding = await session.scalar(
        select(Coding)
        .where(Coding.id == coding_id, Coding.conversation_id == conversation_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if coding is None:
        raise CodingNotFound("No such coding in this conversation.")
    return coding


async def remove_coding(
    session: AsyncSession, caller: Caller, conversation_id: uuid.UUID, coding_id: uuid.UUID
) -> None:
    """Analysts remove their own codings; admins anyone's."""
    actor = await caller.actor(session)
    await conversations.get_conversation(session, caller, conversation_id)
    coding = await _coding_for_update(session, conversation_id, coding_id)
    if coding.analyst_id != actor.id and caller.role != Role.admin:
        raise NotYourCoding(
            "This coding is another analyst's judgement: only they (or an admin) may remove "
            "it. Add your own instead; agreement between you is measured."
        )
    await session.delete(coding)
    await session.flush()


async def review_coding(
    session: AsyncSession,
    caller: Caller,
    conversation_id: uuid.UUID,
    coding_id: uuid.UUID,
    *,
    confirm: bool,
) -> CodingOut:
    """Confirm a suggested coding (it becomes the confirmer's judgement) or reject it (it
    stays, marked rejected, as the record)."""
    actor = await caller.actor(session)
    await conversations.get_conversation(session, caller, conversation_id)
    if confirm:
        # The code before the coding, in the order a frame change locks them (codes, then
        # their codings), so a confirmation and a merge queue instead of deadlocking.
        code_id = await session.scalar(
            select(Coding.code_id).where(
                Coding.id == coding_id, Coding.conversation_id == conversation_id
            )
        )
        if code_id is None:
            raise CodingNotFound("No such coding in this conversation.")
        await _live_code_for_coding(session, conversation_id, code_id, "path.coding_id")
    coding = await _coding_for_update(session, conversation_id, coding_id)
    if coding.status != CodingStatus.suggested:
        raise CodingNotSuggested(
            f"This coding is {coding.status}: only a suggested coding can be confirmed or rejected."
        )
    now = datetime.now(UTC)
    if confirm:
        if coding.code_id != code_id:
            raise CodeRetired(
                "The frame changed while this was confirmed (the code was merged or split): "
                "reload the coding and try again."
            )
        mine = await session.scalar(
            select(Coding.id).where(
                _same_coding(coding), Coding.analyst_id == actor.id, Coding.id != coding.id
            )
        )
        if mine is not None:
            raise CodingExists(
                "You have already applied this code to this text; reject the suggestion instead."
            )
        coding.analyst_id = actor.id
        coding.status = CodingStatus.confirmed.value
    else:
        coding.status = CodingStatus.rejected.value
    coding.reviewed_by, coding.reviewed_at = actor.id, now
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise CodingExists("You have already applied this code to this text.") from None
    return await _one(session, coding.id, actor.id)
