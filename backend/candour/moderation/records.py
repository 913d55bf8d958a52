"""What every facilitator action shows of a post: its snapshot for the audit log's before
and after, and the facilitators' view of it."""

from __future__ import annotations

from typing import Any

from candour.contributions.models import Comment, Idea, kind_of
from candour.moderation.schemas import ContributionView


def snapshot(row: Idea | Comment) -> dict[str, Any]:
    """The parts of a post an action can change, for the audit log's before and after."""
    state: dict[str, Any] = {
        "body": row.body,
        "status": row.status,
        "moderation": row.moderation,
        "moderation_reason": row.moderation_reason,
    }
    if isinstance(row, Idea):
        state |= {"title": row.title, "section_id": str(row.section_id)}
    return state


def view(row: Idea | Comment) -> ContributionView:
    return ContributionView(
        kind=kind_of(row),
        id=row.id,
        idea_id=None if isinstance(row, Idea) else row.idea_id,
        section_id=row.section_id if isinstance(row, Idea) else None,
        title=row.title if isinstance(row, Idea) else None,
        body=row.body,
        status=row.status,
        moderation=row.moderation,
        moderation_reason=row.moderation_reason,
        source=row.source,
        created_at=row.created_at,
    )
