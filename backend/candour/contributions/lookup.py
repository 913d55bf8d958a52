"""Finding a post by its kind and id, for the domains that act on posts of either kind
(moderation, the message relay, the audit log)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from candour.contributions.errors import ContributionNotFound
from candour.contributions.models import MODEL_OF, Comment, Idea
from candour.queue.models import TargetKind


async def find_contribution(
    session: AsyncSession,
    conversation_id: uuid.UUID,
    kind: TargetKind,
    target_id: uuid.UUID,
    *,
    lock: bool = False,
) -> Idea | Comment:
    """The post, locked until the transaction ends when ``lock``; 404 when it is not in
    this conversation."""
    row: Idea | Comment | None = await session.get(MODEL_OF[kind], target_id, with_for_update=lock)
    if row is None or row.conversation_id != conversation_id:
        raise ContributionNotFound(f"No such {kind.value} in this conversation.")
    return row
