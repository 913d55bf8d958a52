"""The coding frame as a whole: locking it for a change, numbering versions, snapshots,
listing the codes and versions, and comparing two versions.

Every change to the frame runs under :func:`begin_change`, which locks the conversation's
``coding_frames`` row (``FOR UPDATE``, created on first use): two changes at once queue, so
the second numbers its version after the first, and ``frame_versions``' primary key
(conversation, number) is the backstop. The codes are read (and locked) after the frame
row, so a change always sees the frame as the previous change left it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from candour.analysis.coding.errors import (
    CodeNameTaken,
    CodeNotFound,
    CodeRetired,
    FrameVersionNotFound,
    VersionsOutOfOrder,
)
from candour.analysis.coding.models import Code, CodeState, Coding, CodingFrame, FrameVersion
from candour.analysis.coding.schemas import (
    CodeList,
    CodeOut,
    CodeRef,
    FrameChange,
    FrameComparison,
    FrameVersionList,
    FrameVersionOut,
    MergedInto,
    Moved,
    Renamed,
    SplitInto,
)
from candour.conversations import service as conversations
from candour.core.errors import FieldProblem
from candour.identity import Caller

MAX_CODES = 1_000  # per conversation, retired ones included


@dataclass
class FrameEdit:
    """A change in progress: the locked frame and every code of the conversation."""

    conversation_id: uuid.UUID
    frame: CodingFrame
    codes: dict[uuid.UUID, Code]
    actor_id: uuid.UUID
    actor_role: str
    version: int = field(init=False)

    def __post_init__(self) -> None:
        self.version = self.frame.version + 1

    def live(self, code_id: uuid.UUID, where: str) -> Code:
        """A code of this conversation that is live; 404 or 409 naming ``where``."""
        code = self.codes.get(code_id)
        if code is None:
            raise CodeNotFound(
                "No such code in this conversation's frame.",
                errors=[FieldProblem(field=where, message="no such code", code="code_not_found")],
            )
        if code.state != CodeState.live:
            raise CodeRetired(
                f"The code “{code.name}” is retired; it can no longer change or be used.",
                errors=[FieldProblem(field=where, message="retired", code="code_retired")],
            )
        return code

    def children(self, code_id: uuid.UUID | None) -> list[Code]:
        return [
            c for c in self.codes.values() if c.parent_id == code_id and c.state == CodeState.live
        ]

    def below(self, code_id: uuid.UUID) -> set[uuid.UUID]:
        """Every code under this one, at any depth, retired ones included."""
        found: set[uuid.UUID] = set()
        frontier = {code_id}
        while frontier:
            frontier = {
                c.id for c in self.codes.values() if c.parent_id in frontier and c.id not in found
            }
            found |= frontier
        return found

    def require_name_free(
        self,
        name: str,
        parent_id: uuid.UUID | None,
        where: str,
        *,
        leaving: Iterable[uuid.UUID] = (),
    ) -> None:
        """409 when a live sibling under ``parent_id`` has this name (ignoring case);
        ``leaving`` are codes that this change retires or moves away."""
        gone = set(leaving)
        key = name.lower()
        for sibling in self.children(parent_id):
            if sibling.id not in gone and sibling.name.lower() == key:
                raise CodeNameTaken(
                    f"A live code named “{sibling.name}” is already there.",
                    errors=[FieldProblem(field=where, message="name taken", code="name_taken")],
                )


async def begin_change(
    session: AsyncSession, caller: Caller, conversation_id: uuid.UUID
) -> FrameEdit:
    actor = await caller.actor(session)
    await conversations.get_conversation(session, caller, conversation_id)
    await session.execute(
        insert(CodingFrame).values(conversation_id=conversation_id).on_conflict_do_nothing()
    )
    frame = await session.scalar(
        select(CodingFrame)
        .where(CodingFrame.conversation_id == conversation_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert frame is not None
    # Locked too: a coding takes its code FOR SHARE, so none lands on a code this change
    # retires, and none waits past it unseen.
    codes = await session.scalars(
        select(Code)
        .where(Code.conversation_id == conversation_id)
        .order_by(Code.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return FrameEdit(conversation_id, frame, {c.id: c for c in codes}, actor.id, caller.role.value)


def snapshot_of(code: Code) -> dict[str, Any]:
    return {
        "id": str(code.id),
        "name": code.name,
        "description": code.description,
        "parent_id": str(code.parent_id) if code.parent_id else None,
        "state": code.state,
        "merged_into_id": str(code.merged_into_id) if code.merged_into_id else None,
        "split_from_id": str(code.split_from_id) if code.split_from_id else None,
    }


async def record(session: AsyncSession, edit: FrameEdit, change: FrameChange) -> FrameVersion:
    """Close the change: the frame's new version, with its record and snapshot."""
    await session.flush()
    edit.frame.version = edit.version
    version = FrameVersion(
        conversation_id=edit.conversation_id,
        number=edit.version,
        actor_id=edit.actor_id,
        actor_role=edit.actor_role,
        change=change.model_dump(mode="json", exclude_defaults=True),
        frame=[snapshot_of(c) for c in sorted(edit.codes.values(), key=lambda c: str(c.id))],
    )
    session.add(version)
    await session.flush()
    return version


# ---------------------------------------------------------------- reading


async def coding_counts(
    session: AsyncSession, code_ids: list[uuid.UUID]
) -> dict[tuple[uuid.UUID, str], int]:
    rows = await session.execute(
        select(Coding.code_id, Coding.status, func.count())
        .where(Coding.code_id.in_(code_ids))
        .group_by(Coding.code_id, Coding.status)
    )
    return {(code_id, status): n for code_id, status, n in rows}


def code_out(code: Code, counts: dict[tuple[uuid.UUID, str], int]) -> CodeOut:
    return CodeOut(
        id=code.id,
        name=code.name,
        description=code.description,
        parent_id=code.parent_id,
        state=CodeState(code.state),
        created_in=code.created_in,
        retired_in=code.retired_in,
        merged_into_id=code.merged_into_id,
        split_from_id=code.split_from_id,
        codings=counts.get((code.id, "confirmed"), 0),
        suggested_codings=counts.get((code.id, "suggested"), 0),
    )


def in_frame_order(codes: Iterable[Code]) -> list[Code]:
    """Parents before their children, siblings by name."""
    by_parent: dict[uuid.UUID | None, list[Code]] = {}
    listed = list(codes)
    ids = {c.id for c in listed}
    for code in listed:
        parent = code.parent_id if code.parent_id in ids else None
        by_parent.setdefault(parent, []).append(code)
    ordered: list[Code] = []

    def walk(parent: uuid.UUID | None) -> None:
        for code in sorted(by_parent.get(parent, []), key=lambda c: (c.name.lower(), str(c.id))):
            ordered.append(code)
            walk(code.id)

    walk(None)
    return ordered


async def list_codes(
    session: AsyncSession, caller: Caller, conversation_id: uuid.UUID, *, include_retired: bool
) -> CodeList:
    await conversations.get_conversation(session, caller, conversation_id)
    query = select(Code).where(Code.conversation_id == conversation_id)
    if not include_retired:
        query = query.where(Code.state == CodeState.live.value)
    codes = list(await session.scalars(query))
    counts = await coding_counts(session, [c.id for c in codes])
    version = await current_version(session, conversation_id)
    return CodeList(version=version, codes=[code_out(c, counts) for c in in_frame_order(codes)])


async def current_version(session: AsyncSession, conversation_id: uuid.UUID) -> int:
    found = await session.scalar(
        select(CodingFrame.version).where(CodingFrame.conversation_id == conversation_id)
    )
    return found or 0


def version_out(version: FrameVersion) -> FrameVersionOut:
    return FrameVersionOut(
        number=version.number,
        at=version.at,
        actor_id=version.actor_id,
        actor_role=version.actor_role,
        change=FrameChange.model_validate(version.change),
    )


async def list_versions(
    session: AsyncSession,
    caller: Caller,
    conversation_id: uuid.UUID,
    *,
    before: int | None,
    limit: int,
) -> FrameVersionList:
    await conversations.get_conversation(session, caller, conversation_id)
    query = select(FrameVersion).where(FrameVersion.conversation_id == conversation_id)
    if before is not None:
        query = query.where(FrameVersion.number < before)
    versions = await session.scalars(query.order_by(FrameVersion.number.desc()).limit(limit))
    return FrameVersionList(
        current=await current_version(session, conversation_id),
        versions=[version_out(v) for v in versions],
    )


async def _snapshot(
    session: AsyncSession, conversation_id: uuid.UUID, number: int, where: str
) -> dict[str, dict[str, Any]]:
    if number == 0:
        return {}
    frame = await session.scalar(
        select(FrameVersion.frame).where(
            FrameVersion.conversation_id == conversation_id, FrameVersion.number == number
        )
    )
    if frame is None:
        raise FrameVersionNotFound(
            f"The frame has no version {number}.",
            errors=[FieldProblem(field=where, message="no such version", code="not_found")],
        )
    return {code["id"]: code for code in frame}


async def compare_versions(
    session: AsyncSession,
    caller: Caller,
    conversation_id: uuid.UUID,
    from_version: int | None,
    to_version: int | None,
) -> FrameComparison:
    """What changed from one version to a later one (by default, what the latest change
    did)."""
    await conversations.get_conversation(session, caller, conversation_id)
    to_number = (
        to_version if to_version is not None else await current_version(session, conversation_id)
    )
    from_number = from_version if from_version is not None else max(to_number - 1, 0)
    if from_number > to_number:
        raise VersionsOutOfOrder(
            "Compare an earlier version with a later one: `from` must not be after `to`.",
            errors=[FieldProblem(field="query.from", message="after `to`", code="out_of_order")],
        )
    before = await _snapshot(session, conversation_id, from_number, "query.from")
    after = await _snapshot(session, conversation_id, to_number, "query.to")
    return compare_snapshots(before, after, from_number, to_number)


def _ref(code: dict[str, Any]) -> CodeRef:
    return CodeRef(id=uuid.UUID(code["id"]), name=code["name"])


def _parent(code: dict[str, Any]) -> uuid.UUID | None:
    return uuid.UUID(code["parent_id"]) if code["parent_id"] else None


def _final_home(after: dict[str, dict[str, Any]], code_id: str) -> dict[str, Any]:
    """Follow merges to where a code's codings are at the later version."""
    seen = {code_id}
    code = after[code_id]
    while code["merged_into_id"] and code["merged_into_id"] not in seen:
        seen.add(code["merged_into_id"])
        code = after[code["merged_into_id"]]
    return code


def compare_snapshots(
    before: dict[str, dict[str, Any]],
    after: dict[str, dict[str, Any]],
    from_number: int,
    to_number: int,
) -> FrameComparison:
    live = CodeState.live.value
    result = FrameComparison(
        from_version=from_number,
        to_version=to_number,
        added=[],
        renamed=[],
        redescribed=[],
        moved=[],
        merged=[],
        split=[],
        retired=[],
    )
    for code_id, now in sorted(after.items(), key=lambda item: item[1]["name"].lower()):
        then = before.get(code_id)
        if then is None:
            if now["state"] == live:
                result.added.append(_ref(now))
            continue
        if then["state"] != live:
            continue
        if now["state"] != live:
            if now["merged_into_id"]:
                home = _final_home(after, code_id)
                result.merged.append(
                    MergedInto(id=uuid.UUID(code_id), name=then["name"], into=_ref(home))
                )
            else:
                parts = [c for c in after.values() if c["split_from_id"] == code_id]
                if parts:
                    result.split.append(
                        SplitInto(
                            id=uuid.UUID(code_id),
                            name=then["name"],
                            into=[_ref(p) for p in sorted(parts, key=lambda p: p["name"].lower())],
                        )
                    )
                else:
                    result.retired.append(_ref(then))
            continue
        if then["name"] != now["name"]:
            result.renamed.append(
                Renamed(id=uuid.UUID(code_id), old_name=then["name"], new_name=now["name"])
            )
        if then["description"] != now["description"]:
            result.redescribed.append(_ref(now))
        if then["parent_id"] != now["parent_id"]:
            result.moved.append(
                Moved(
                    id=uuid.UUID(code_id),
                    name=now["name"],
                    old_parent_id=_parent(then),
                    new_parent_id=_parent(now),
                )
            )
    return result
