from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import Field, model_validator

from candour.audit.schemas import AuditEntryOut
from candour.contributions.models import Moderation, ReasonCategory, Source, Status
from candour.core.schemas import RequestBody, ResponseBody
from candour.queue.models import ItemState, TargetKind

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


class AmendRequest(RequestBody):
    """New wording that takes out what identifies someone. The public sees the new text and
    a note that the facilitators edited it; the original stays in the audit log."""

    title: str | None = Field(default=None, min_length=3, max_length=200, description="Ideas only.")
    body: str = Field(min_length=1, max_length=10_000)
    category: ReasonCategory = ReasonCategory.personal
    reason: str = REASON


class RemoveRequest(RequestBody):
    category: ReasonCategory = ReasonCategory.abusive
    reason: str = REASON
    message_author: bool = Field(default=True, description="Tell the author, through the relay.")
    message: str | None = Field(
        default=None,
        max_length=5_000,
        description="The message to the author; by default the removal template, which "
        "names the post and the reason.",
    )


class Removed(ResponseBody):
    target: ContributionView
    author_notified: bool
    detail: str


class MoveRequest(RequestBody):
    section_id: uuid.UUID
    reason: str = REASON


class SplitPart(RequestBody):
    title: str = Field(min_length=3, max_length=200)
    body: str = Field(min_length=1, max_length=10_000)
    section_id: uuid.UUID | None = Field(
        default=None, description="Default: the original's section."
    )


class SplitRequest(RequestBody):
    """Divide a multi-topic idea into parts. The part at ``keep_votes_on`` stays the original
    idea (keeping its id, votes and comments); the others become new ideas that point at it."""

    parts: list[SplitPart] = Field(min_length=2, max_length=10)
    keep_votes_on: int = Field(default=0, ge=0)
    reason: str = REASON

    @model_validator(mode="after")
    def _keeper_exists(self) -> SplitRequest:
        if self.keep_votes_on >= len(self.parts):
            raise ValueError("keep_votes_on must be the index of one of the parts")
        return self


class SplitResult(ResponseBody):
    kept: ContributionView
    new_parts: list[ContributionView]


class MergeRequest(RequestBody):
    """Fold duplicates into ``into``: their comments move over, and each person's vote counts
    once (where someone voted on both, the vote on ``into`` stands)."""

    source_ids: list[uuid.UUID] = Field(min_length=1, max_length=20)
    reason: str = REASON


class OpenCaseRequest(RequestBody):
    target_kind: TargetKind
    target_id: uuid.UUID
    note: str = Field(min_length=3, max_length=5_000, description="Why the case is opened.")


class CaseNoteRequest(RequestBody):
    body: str = Field(min_length=1, max_length=10_000)


class SupportMessageRequest(RequestBody):
    body: str = Field(
        min_length=1,
        max_length=10_000,
        description="A personal message; the conversation's support services page is added "
        "below it.",
    )


class CloseCaseRequest(RequestBody):
    reason: str = REASON


class CaseEntryOut(ResponseBody):
    at: datetime
    actor: str
    kind: str
    body: str


class CaseOut(ResponseBody):
    id: uuid.UUID
    conversation_id: uuid.UUID
    state: str
    opened_at: datetime
    closed_at: datetime | None
    author_reachable: bool = Field(description="False once the author erased their account.")
    target: ContributionView
    history: list[CaseEntryOut]
