from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import Field, model_validator

from candour.contributions.models import Moderation, ReasonCategory, Source, Status
from candour.core.schemas import RequestBody, ResponseBody
from candour.moderation.models import ItemState, TargetKind

REASON = Field(min_length=3, max_length=2_000, description="Why: kept in the audit log.")


class ReportRequest(RequestBody):
    target_kind: TargetKind
    target_id: uuid.UUID
    category: ReasonCategory = Field(
        description="`personal` (a comment about someone), `abusive`, `safeguarding` (a worry "
        "about someone's safety), or `other`."
    )
    note: str = Field(
        default="", max_length=1_000, description="Anything the facilitators should know."
    )


class ReportOut(ResponseBody):
    detail: str


class ActionRequest(RequestBody):
    category: ReasonCategory = Field(description="Shown to the public in the placeholder note.")
    reason: str = REASON


class UnhideRequest(RequestBody):
    reason: str = REASON


class ResolveRequest(RequestBody):
    decision: str = Field(min_length=3, max_length=2_000, description="What was decided, and why.")


class ContributionView(ResponseBody):
    """A post as the facilitators see it: the text even when hidden, never the author."""

    kind: TargetKind
    id: uuid.UUID
    idea_id: uuid.UUID | None
    section_id: uuid.UUID | None
    title: str | None
    body: str
    status: Status
    moderation: Moderation
    moderation_reason: ReasonCategory | None
    source: Source
    created_at: datetime


class QueueItemOut(ResponseBody):
    id: uuid.UUID
    conversation_id: uuid.UUID
    priority: int = Field(description="0 safeguarding, 1 abuse, 2 personal, 3 other.")
    reasons: list[dict[str, Any]]
    state: ItemState
    claimed_by: str | None = Field(description="The facilitator working on it.")
    decision: str | None
    created_at: datetime
    target: ContributionView


class AuditEntryOut(ResponseBody):
    id: uuid.UUID
    at: datetime
    actor: str
    action: str
    target_kind: TargetKind | None
    target_id: uuid.UUID | None
    reason_category: ReasonCategory | None
    reason: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class ContributionHistory(ResponseBody):
    target: ContributionView
    items: list[QueueItemOut]
    audit: list[AuditEntryOut]


class PaperSubmission(RequestBody):
    """A paper form typed in by a facilitator: an idea (with `section_id`) or a comment
    (with `idea_id`, and `parent_id` for a reply). It has no author."""

    kind: TargetKind
    section_id: uuid.UUID | None = None
    idea_id: uuid.UUID | None = None
    parent_id: uuid.UUID | None = None
    title: str | None = Field(default=None, min_length=3, max_length=200)
    body: str = Field(min_length=1, max_length=10_000)
    note: str = Field(
        default="", max_length=1_000, description="For the audit log, e.g. the form's number."
    )

    @model_validator(mode="after")
    def _fields_match_kind(self) -> PaperSubmission:
        if self.kind == TargetKind.idea and (self.section_id is None or self.title is None):
            raise ValueError("an idea needs section_id and title")
        if self.kind == TargetKind.comment and self.idea_id is None:
            raise ValueError("a comment needs idea_id")
        return self


class ScreeningTermIn(RequestBody):
    term: str = Field(
        min_length=2,
        max_length=100,
        pattern=r"^[\w' -]+$",
        description="A word or phrase, matched as a whole word in any case; starred-out "
        'spellings are found too ("fuck" also finds "f**k").',
    )
