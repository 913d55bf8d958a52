"""Changing the coding frame: add, rename/describe/move, merge, split, retire. Each runs
under the frame's lock (:func:`frames.begin_change`) and ends in one new version."""

from __future__ import annotations

import uuid

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from candour.analysis.coding.errors import (
    CodeHasChildren,
    CodingNotFound,
    FrameChangeInvalid,
    FrameFull,
)
from candour.analysis.coding.frames import (
    MAX_CODES,
    FrameEdit,
    begin_change,
    code_out,
    coding_counts,
    record,
)
from candour.analysis.coding.models import Code, CodeState, Coding
from candour.analysis.coding.schemas import (
    CodeCreate,
    CodeFields,
    CodeOut,
    CodeRef,
    CodeUpdate,
    FrameChange,
    MergeRequest,
    SplitPartRecord,
    SplitRequest,
)
from candour.core.errors import FieldProblem
from candour.identity import Caller


def _fields(code: Code) -> CodeFields:
    return CodeFields(name=code.name, description=code.description, parent_id=code.parent_id)


def _ref(code: Code) -> CodeRef:
    return CodeRef(id=code.id, name=code.name)


async def _out(session: AsyncSession, code: Code) -> CodeOut:
    return code_out(code, await coding_counts(session, [code.id]))


def add_code(
    session: AsyncSession,
    edit: FrameEdit,
    *,
    name: str,
    description: str,
    parent_id: uuid.UUID | None,
    where: str = "body",
    split_from: uuid.UUID | None = None,
) -> Code:
    """A new live code in the frame being edited (checked: room, parent, name)."""
    if len(edit.codes) >= MAX_CODES:
        raise FrameFull(f"A frame holds at most {MAX_CODES} codes, retired ones included.")
    if parent_id is not None:
        edit.live(parent_id, f"{where}.parent_id")
    edit.require_name_free(name, parent_id, f"{where}.name")
    code = Code(
        id=uuid.uuid4(),
        conversation_id=edit.conversation_id,
        parent_id=parent_id,
        name=name,
        description=description,
        state=CodeState.live.value,
        created_in=edit.version,
        split_from_id=split_from,
    )
    session.add(code)
    edit.codes[code.id] = code
    return code


def _retire(edit: FrameEdit, code: Code, *, merged_into: uuid.UUID | None = None) -> None:
    code.state = CodeState.retired.value
    code.retired_in = edit.version
    code.merged_into_id = merged_into


async def create_code(
    session: AsyncSession, caller: Caller, conversation_id: uuid.UUID, data: CodeCreate
) -> CodeOut:
    edit = await begin_change(session, caller, conversation_id)
    code = add_code(
        session, edit, name=data.name, description=data.description, parent_id=data.parent_id
    )
    await record(
        session,
        edit,
        FrameChange(kind="added", code=_ref(code), after=_fields(code)),
    )
    return await _out(session, code)


async def update_code(
    session: AsyncSession,
    caller: Caller,
    conversation_id: uuid.UUID,
    code_id: uuid.UUID,
    data: CodeUpdate,
) -> CodeOut:
    """Rename, describe and/or move; a request that changes nothing makes no version."""
    edit = await begin_change(session, caller, conversation_id)
    code = edit.live(code_id, "path.code_id")
    before = _fields(code)
    sent = data.model_fields_set
    name = data.name if data.name is not None else code.name
    description = data.description if data.description is not None else code.description
    parent_id = data.parent_id if "parent_id" in sent else code.parent_id
    if parent_id is not None and parent_id != code.parent_id:
        if parent_id == code.id or parent_id in edit.below(code.id):
            raise FrameChangeInvalid(
                "A code cannot move under itself or one of its own sub-codes.",
                errors=[
                    FieldProblem(field="body.parent_id", message="would make a cycle", code="cycle")
                ],
            )
        edit.live(parent_id, "body.parent_id")
    if (name, description, parent_id) == (code.name, code.description, code.parent_id):
        return await _out(session, code)
    if name.lower() != code.name.lower() or parent_id != code.parent_id:
        edit.require_name_free(name, parent_id, "body.name", leaving=[code.id])
    code.name, code.description, code.parent_id = name, description, parent_id
    await record(
        session,
        edit,
        FrameChange(kind="updated", code=_ref(code), before=before, after=_fields(code)),
    )
    return await _out(session, code)


# Of the live codings of the merged codes and the target, keep one per analyst and span
# (a confirmed one first, then the target's own, then the oldest); drop the rest.
_DROP_DUPLICATES = text(
    """
    WITH ranked AS (
        SELECT id, row_number() OVER (
            PARTITION BY analyst_id, idea_id, comment_id, start_offset, end_offset
            ORDER BY status = 'confirmed' DESC, code_id = :into DESC, applied_at, id
        ) AS n
        FROM codings
        WHERE code_id = ANY(:codes) AND status <> 'rejected'
    )
    DELETE FROM codings WHERE id IN (SELECT id FROM ranked WHERE n > 1)
    """
)


async def merge_codes(
    session: AsyncSession, caller: Caller, conversation_id: uuid.UUID, data: MergeRequest
) -> CodeOut:
    edit = await begin_change(session, caller, conversation_id)
    if data.into in data.codes:
        raise FrameChangeInvalid(
            "A code cannot be merged into itself.",
            errors=[FieldProblem(field="body.into", message="is among `codes`", code="self")],
        )
    if len(set(data.codes)) != len(data.codes):
        raise FrameChangeInvalid(
            "Each code may be named once.",
            errors=[FieldProblem(field="body.codes", message="repeated", code="repeated")],
        )
    target = edit.live(data.into, "body.into")
    sources = [edit.live(c, f"body.codes.{n}") for n, c in enumerate(data.codes)]
    for n, source in enumerate(sources):
        if target.id in edit.below(source.id):
            raise FrameChangeInvalid(
                f"“{source.name}” cannot be merged into one of its own sub-codes.",
                errors=[
                    FieldProblem(field=f"body.codes.{n}", message="above `into`", code="cycle")
                ],
            )
    source_ids = {s.id for s in sources}
    # Live sub-codes of the merged codes move under the target, names permitting.
    orphans = [c for s in sources for c in edit.children(s.id) if c.id not in source_ids]
    taken = {c.name.lower() for c in edit.children(target.id)}
    for orphan in orphans:
        if orphan.name.lower() in taken:
            raise FrameChangeInvalid(
                f"Sub-codes of the merged codes move under “{target.name}”, which would then "
                f"have two named “{orphan.name}”: rename one first.",
                errors=[FieldProblem(field="body.codes", message="name clash", code="name_taken")],
            )
        taken.add(orphan.name.lower())
    dropped = await session.execute(
        _DROP_DUPLICATES, {"into": target.id, "codes": [target.id, *source_ids]}
    )
    moved = await session.execute(
        update(Coding).where(Coding.code_id.in_(source_ids)).values(code_id=target.id)
    )
    for source in sources:
        _retire(edit, source, merged_into=target.id)
    for orphan in orphans:
        orphan.parent_id = target.id
    await record(
        session,
        edit,
        FrameChange(
            kind="merged",
            code=_ref(target),
            merged=[_ref(s) for s in sources],
            children_moved=[_ref(o) for o in orphans],
            codings_moved=moved.rowcount,  # type: ignore[attr-defined]
            duplicates_dropped=dropped.rowcount,  # type: ignore[attr-defined]
        ),
    )
    return await _out(session, target)


async def split_code(
    session: AsyncSession,
    caller: Caller,
    conversation_id: uuid.UUID,
    code_id: uuid.UUID,
    data: SplitRequest,
) -> list[CodeOut]:
    """Two or more new codes under the original's parent; the original is retired and
    keeps the codings no part takes."""
    edit = await begin_change(session, caller, conversation_id)
    original = edit.live(code_id, "path.code_id")
    if edit.children(original.id):
        raise CodeHasChildren(
            f"“{original.name}” has live sub-codes: move, merge or retire them before splitting it."
        )
    names: dict[str, int] = {}
    claimed: dict[uuid.UUID, int] = {}
    for n, part in enumerate(data.parts):
        if part.name.lower() in names:
            raise FrameChangeInvalid(
                "Each part needs a name of its own.",
                errors=[
                    FieldProblem(field=f"body.parts.{n}.name", message="repeated", code="repeated")
                ],
            )
        names[part.name.lower()] = n
        for coding_id in part.coding_ids:
            if coding_id in claimed:
                raise FrameChangeInvalid(
                    "A coding can move to one part only.",
                    errors=[
                        FieldProblem(
                            field=f"body.parts.{n}.coding_ids",
                            message=f"{coding_id} is also in part {claimed[coding_id]}",
                            code="repeated",
                        )
                    ],
                )
            claimed[coding_id] = n
    if claimed:
        found = set(
            await session.scalars(
                select(Coding.id).where(Coding.id.in_(list(claimed)), Coding.code_id == original.id)
            )
        )
        missing = [c for c in claimed if c not in found]
        if missing:
            raise CodingNotFound(
                f"{len(missing)} of the codings named are not codings of “{original.name}”.",
                errors=[
                    FieldProblem(
                        field=f"body.parts.{claimed[c]}.coding_ids",
                        message=f"{c} is not a coding of this code",
                        code="coding_not_found",
                    )
                    for c in missing[:20]
                ],
            )
    _retire(edit, original)
    # Retired first, so a part may take the original's name.
    await session.flush()
    parts: list[Code] = []
    records: list[SplitPartRecord] = []
    for n, part in enumerate(data.parts):
        code = add_code(
            session,
            edit,
            name=part.name,
            description=part.description,
            parent_id=original.parent_id,
            where=f"body.parts.{n}",
            split_from=original.id,
        )
        parts.append(code)
        await session.flush()
        if part.coding_ids:
            await session.execute(
                update(Coding).where(Coding.id.in_(part.coding_ids)).values(code_id=code.id)
            )
        records.append(SplitPartRecord(id=code.id, name=code.name, codings=len(part.coding_ids)))
    await record(
        session,
        edit,
        FrameChange(
            kind="split",
            code=_ref(original),
            parts=records,
            codings_moved=len(claimed),
        ),
    )
    counts = await coding_counts(session, [p.id for p in parts])
    return [code_out(p, counts) for p in parts]


async def retire_code(
    session: AsyncSession, caller: Caller, conversation_id: uuid.UUID, code_id: uuid.UUID
) -> CodeOut:
    """Retired codes keep their codings (the history) and take no new ones."""
    edit = await begin_change(session, caller, conversation_id)
    code = edit.live(code_id, "path.code_id")
    if edit.children(code.id):
        raise CodeHasChildren(
            f"“{code.name}” has live sub-codes: move, merge or retire them first."
        )
    _retire(edit, code)
    await record(session, edit, FrameChange(kind="retired", code=_ref(code)))
    return await _out(session, code)
