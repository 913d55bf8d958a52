"""The themes a report covers: the live codes of the conversation's coding frame
(``analysis.coding``). A theme's posts (``figures``) are those with a *confirmed* coding of
it or of a live code below it: suggested codings wait for a person and rejected ones were
turned down, so neither counts; retired codes (merged, split, retired) are history."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from candour.analysis.coding.models import Code, CodeState


@dataclass(frozen=True, slots=True)
class Theme:
    id: uuid.UUID
    name: str
    parent_id: uuid.UUID | None


async def live_themes(session: AsyncSession, conversation_id: uuid.UUID) -> list[Theme]:
    """In name order."""
    rows = await session.execute(
        select(Code.id, Code.name, Code.parent_id)
        .where(Code.conversation_id == conversation_id, Code.state == CodeState.live.value)
        .order_by(Code.name_key, Code.id)
    )
    return [Theme(code_id, name, parent_id) for code_id, name, parent_id in rows]
