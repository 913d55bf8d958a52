"""Request and response bodies of the coding frame, codings, agreement and suggestions."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field, model_validator

from candour.analysis.coding.models import (
    MAX_CODE_NAME,
    CodeState,
    CodingStatus,
    SuggestionStatus,
)
from candour.core.schemas import RequestBody, ResponseBody
from candour.queue.models import TargetKind

MAX_DESCRIPTION = 2_000
MIN_THEMES, MAX_THEMES = 2, 12
MAX_OFFSET = 2**31 - 1  # the column's range

CodeName = Field(
    min_length=1,
    max_length=MAX_CODE_NAME,
    description="Unique, ignoring case, among the live codes under the same parent.",
)


# ---------------------------------------------------------------- the frame


class CodeCreate(RequestBody):
    name: str = CodeName
    description: str = Field(default="", max_length=MAX_DESCRIPTION)
    parent_id: uuid.UUID | None = Field(
        default=None, description="A live code of this conversation; none for the top level."
    )


class CodeUpdate(RequestBody):
    """Rename, describe or move a code: send only what changes. `parent_id: null` moves the
    code to the top level; `name` and `description` cannot be null."""

    name: str | None = Field(default=None, min_length=1, max_length=MAX_CODE_NAME)
    description: str | None = Field(default=None, max_length=MAX_DESCRIPTION)
    parent_id: uuid.UUID | None = Field(
        default=None,
        description="The new parent (a live code, not this code or one below it), or null "
        "for the top level.",
    )

    @model_validator(mode="before")
    @classmethod
    def _no_null_texts(cls, data: Any) -> Any:
        if isinstance(data, dict):
            nulls = sorted(k for k in ("name", "description") if k in data and data[k] is None)
            if nulls:
                raise ValueError(f"{', '.join(nulls)} may not be null; leave it out to keep it")
            if not data:
                raise ValueError("send at least one of name, description, parent_id")
        return data


class MergeRequest(RequestBody):
    codes: list[uuid.UUID] = Field(
        min_length=1, max_length=50, description="The codes to merge; each is retired."
    )
    into: uuid.UUID = Field(
        description="The live code that takes their codings (and their live sub-codes)."
    )


class SplitPart(RequestBody):
    name: str = CodeName
    description: str = Field(default="", max_length=MAX_DESCRIPTION)
    coding_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=10_000,
        description="Codings of the split code that move to this part.",
    )


class SplitRequest(RequestBody):
    """Split a code into two or more new codes under the same parent. Codings named in a
    part move to it; the rest stay on the original, which is retired."""

    parts: list[SplitPart] = Field(min_length=2, max_length=20)


class CodeOut(ResponseBody):
    id: uuid.UUID
    name: str
    description: str
    parent_id: uuid.UUID | None
    state: CodeState = Field(description="`live`, or `retired` (merged, split or retired).")
    created_in: int = Field(description="The frame version that added the code.")
    retired_in: int | None = Field(description="The frame version that retired it.")
    merged_into_id: uuid.UUID | None = Field(description="Where a merged code's codings went.")
    split_from_id: uuid.UUID | None = Field(description="The code this one was split from.")
    codings: int = Field(description="Confirmed codings with this code.")
    suggested_codings: int = Field(description="Codings waiting for a person to confirm them.")


class CodeList(ResponseBody):
    version: int = Field(description="The frame's current version (0: nothing yet).")
    codes: list[CodeOut] = Field(description="Parents before their children, then by name.")


FrameChangeKind = Literal["added", "updated", "merged", "split", "retired"]


class CodeRef(ResponseBody):
    id: uuid.UUID
    name: str


class CodeFields(ResponseBody):
    name: str
    description: str
    parent_id: uuid.UUID | None


class SplitPartRecord(ResponseBody):
    id: uuid.UUID
    name: str
    codings: int = Field(description="Codings moved to this part.")


class FrameChange(ResponseBody):
    """What one version changed. `code` is its subject: the added, updated or retired
    code, the code merged into, or the code that was split."""

    kind: FrameChangeKind
    code: CodeRef
    before: CodeFields | None = Field(default=None, description="`updated`: as it was.")
    after: CodeFields | None = Field(default=None, description="`added`, `updated`: as it is.")
    merged: list[CodeRef] = Field(default_factory=list, description="`merged`: the codes merged.")
    children_moved: list[CodeRef] = Field(
        default_factory=list, description="`merged`: live sub-codes moved under `code`."
    )
    parts: list[SplitPartRecord] = Field(default_factory=list, description="`split`: new codes.")
    codings_moved: int = Field(default=0, description="Codings that changed code.")
    duplicates_dropped: int = Field(
        default=0,
        description="`merged`: codings dropped because the same analyst had already coded "
        "the same text with the target (the confirmed one is kept).",
    )
    suggestion_id: uuid.UUID | None = Field(
        default=None, description="`added` from an accepted theme suggestion."
    )


class FrameVersionOut(ResponseBody):
    number: int
    at: datetime
    actor_id: uuid.UUID = Field(description="The staff account that made the change.")
    actor_role: str
    change: FrameChange


class FrameVersionList(ResponseBody):
    current: int
    versions: list[FrameVersionOut] = Field(description="Newest first.")


class Renamed(ResponseBody):
    id: uuid.UUID
    old_name: str
    new_name: str


class Moved(ResponseBody):
    id: uuid.UUID
    name: str
    old_parent_id: uuid.UUID | None
    new_parent_id: uuid.UUID | None


class MergedInto(ResponseBody):
    id: uuid.UUID
    name: str
    into: CodeRef = Field(description="Where its codings are at the later version.")


class SplitInto(ResponseBody):
    id: uuid.UUID
    name: str
    into: list[CodeRef]


class FrameComparison(ResponseBody):
    """How the frame at `to_version` differs from the frame at `from_version`, code by code
    (version 0 is the empty frame). A code added and retired in between appears nowhere."""

    from_version: int
    to_version: int
    added: list[CodeRef]
    renamed: list[Renamed]
    redescribed: list[CodeRef]
    moved: list[Moved]
    merged: list[MergedInto]
    split: list[SplitInto]
    retired: list[CodeRef] = Field(description="Retired without being merged or split.")


# ---------------------------------------------------------------- codings


class CodingCreate(RequestBody):
    """Apply a code to a whole post or to an excerpt of its body."""

    code_id: uuid.UUID
    post_kind: TargetKind
    post_id: uuid.UUID
    start: int | None = Field(
        default=None,
        ge=0,
        le=MAX_OFFSET,
        description="Excerpt start: a character (Unicode code point) offset into the body "
        "as it is now. With `end`; leave both out to code the whole post.",
    )
    end: int | None = Field(
        default=None,
        ge=1,
        le=MAX_OFFSET,
        description="Excerpt end (exclusive), at most the body's length.",
    )

    @model_validator(mode="after")
    def _both_or_neither(self) -> CodingCreate:
        if (self.start is None) != (self.end is None):
            raise ValueError("give both start and end for an excerpt, or neither")
        if self.start is not None and self.end is not None and self.start >= self.end:
            raise ValueError("start must be before end")
        return self


class ExcerptShown(StrEnum):
    whole_post = "whole_post"
    shown = "shown"
    post_not_shown = "post_not_shown"
    post_changed = "post_changed"


class CodingOut(ResponseBody):
    id: uuid.UUID
    code: CodeRef
    code_state: CodeState
    post_kind: TargetKind
    post_id: uuid.UUID
    post_shown: bool = Field(
        description="Whether the post's words are shown now (published and visible); a "
        "report counts only codings of shown posts."
    )
    start: int | None
    end: int | None
    excerpt: str | None = Field(
        description="The excerpt as it was coded, while the post is shown and the excerpt "
        "still stands in its text; null for a whole post or when withheld (`excerpt_shown`)."
    )
    excerpt_shown: ExcerptShown = Field(
        description="`post_not_shown`: withdrawn, hidden, removed or merged since; "
        "`post_changed`: edited or amended so the excerpt no longer stands in it."
    )
    status: CodingStatus
    analyst_id: uuid.UUID = Field(
        description="Whose judgement this is (for a suggested coding, who accepted the "
        "suggestion; once confirmed, who confirmed it)."
    )
    by_me: bool
    applied_at: datetime
    suggestion_id: uuid.UUID | None
    reviewed_by: uuid.UUID | None = Field(description="Who confirmed or rejected a suggestion.")
    reviewed_at: datetime | None


class CodingList(ResponseBody):
    total: int
    codings: list[CodingOut]


class AnalystOut(ResponseBody):
    id: uuid.UUID = Field(description="The staff account id that codings and versions carry.")
    label: str = Field(
        description="Their name as colleagues see it (as in the audit log); "
        '"(former staff)" or "(erased staff account)" when it can no longer be given.'
    )
    confirmed_codings: int = Field(description="Codings of theirs in force (confirmed).")
    you: bool


class AnalystList(ResponseBody):
    """The staff who have coded, confirmed, changed the frame or decided on suggestions in
    this conversation (and the caller), the caller first, then by confirmed codings."""

    analysts: list[AnalystOut]


# ---------------------------------------------------------------- agreement


class Kappa(ResponseBody):
    kappa: float | None = Field(description="Cohen's kappa; null when undefined (`reason`).")
    observed_agreement: float | None
    expected_agreement: float | None = Field(description="Agreement expected by chance.")
    decisions: int = Field(description="Yes/no decisions compared.")
    reason: str | None = Field(description="Why kappa is null.")


class CodeAgreement(Kappa):
    code: CodeRef
    both: int = Field(description="Posts both analysts coded with the code.")
    only_a: int
    only_b: int
    neither: int


class Agreement(ResponseBody):
    """Cohen's kappa between two analysts over the posts both have coded: per code, from
    the 2×2 table of yes/no decisions on those posts, and overall, pooled over every
    (post, code) decision of the codes at least one of them used."""

    analyst_a: uuid.UUID | None
    analyst_b: uuid.UUID | None
    chosen: str = Field(
        description="`requested`, or `most_in_common`: the pair who coded most posts in common."
    )
    posts_in_common: int
    overall: Kappa
    mean_kappa: float | None = Field(description="The mean of the defined per-code kappas.")
    codes: list[CodeAgreement] = Field(description="Every live code, in frame order.")


# ---------------------------------------------------------------- theme suggestions


class SuggestRequest(RequestBody):
    section_id: uuid.UUID | None = Field(
        default=None, description="Only this section's posts; the whole conversation if left out."
    )
    themes: int | None = Field(
        default=None,
        ge=MIN_THEMES,
        le=MAX_THEMES,
        description="How many themes; chosen by the silhouette of the clustering if left out.",
    )


class Quote(ResponseBody):
    post_kind: TargetKind
    post_id: uuid.UUID
    start: int | None = Field(description="Where the sentence quoted sits in the body.")
    end: int | None
    text: str | None = Field(description="Null when the post's words are no longer shown.")
    score: float = Field(description="Cosine similarity of the post to the theme's centre.")


class ThemeSuggestionOut(ResponseBody):
    id: uuid.UUID
    run_id: uuid.UUID
    rank: int = Field(description="1 for the run's largest theme.")
    label: str = Field(description="The theme's three strongest keywords.")
    keywords: list[str]
    size: int = Field(description="Posts in the theme.")
    quotes: list[Quote] = Field(description="The most representative posts, best first.")
    status: SuggestionStatus
    decided_by: uuid.UUID | None
    decided_at: datetime | None
    reason: str
    code_id: uuid.UUID | None = Field(description="The code an accepted suggestion became.")


class ThemeRunOut(ResponseBody):
    id: uuid.UUID
    section_id: uuid.UUID | None
    requested_by: uuid.UUID
    requested_at: datetime
    posts_analysed: int
    parameters: dict[str, Any] = Field(
        description="Method and settings: vectoriser, clustering, themes chosen, silhouette, "
        "random_state (the same posts always give the same themes)."
    )
    suggestions: list[ThemeSuggestionOut]


class ThemeRunList(ResponseBody):
    runs: list[ThemeRunOut] = Field(description="Newest first.")


class AcceptSuggestion(RequestBody):
    name: str | None = Field(
        default=None, min_length=1, max_length=MAX_CODE_NAME, description="Default: the label."
    )
    description: str = Field(default="", max_length=MAX_DESCRIPTION)
    parent_id: uuid.UUID | None = None


class RejectSuggestion(RequestBody):
    reason: str = Field(default="", max_length=MAX_DESCRIPTION)


class AcceptedSuggestion(ResponseBody):
    suggestion: ThemeSuggestionOut
    code: CodeOut
    version: int = Field(description="The frame version that added the code.")
    suggested_codings: int = Field(description="Posts pre-coded, each waiting for a person.")
    posts_left_out: int = Field(description="Posts of the theme no longer shown: not pre-coded.")
