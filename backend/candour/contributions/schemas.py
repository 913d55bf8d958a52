from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import Field

from candour.contributions.models import Moderation, Source, Status
from candour.core.schemas import PartialUpdate, RequestBody, ResponseBody

TITLE_MAX = 200
BODY_MAX = 10_000
COMMENT_MAX = 5_000


class IdeaSort(StrEnum):
    newest = "newest"
    most_liked = "most_liked"
    most_discussed = "most_discussed"
    most_divided = "most_divided"


class VoteChoice(StrEnum):
    like = "like"
    dislike = "dislike"
    none = "none"


class IdeaCreate(RequestBody):
    section_id: uuid.UUID
    title: str = Field(min_length=3, max_length=TITLE_MAX)
    body: str = Field(min_length=1, max_length=BODY_MAX)


class IdeaUpdate(PartialUpdate):
    title: str | None = Field(default=None, min_length=3, max_length=TITLE_MAX)
    body: str | None = Field(default=None, min_length=1, max_length=BODY_MAX)


class CommentCreate(RequestBody):
    body: str = Field(min_length=1, max_length=COMMENT_MAX)
    parent_id: uuid.UUID | None = Field(
        default=None, description="Reply to this comment (one level only)."
    )


class CommentUpdate(RequestBody):
    body: str = Field(min_length=1, max_length=COMMENT_MAX)


class VoteRequest(RequestBody):
    vote: VoteChoice = Field(description="`like`, `dislike`, or `none` to withdraw your vote.")


class Tally(ResponseBody):
    like_count: int
    dislike_count: int
    my_vote: Literal["like", "dislike"] | None = Field(description="Your own vote, if any.")


class IdeaOut(Tally):
    """An idea as anyone may see it: no author, not even a pseudonym."""

    id: uuid.UUID
    conversation_id: uuid.UUID
    section_id: uuid.UUID
    status: Status
    moderation: Moderation
    moderation_note: str | None = Field(
        description="The public note where the facilitators changed this post, e.g. "
        '"Hidden by the facilitators: personal comment".'
    )
    source: Source
    title: str | None = Field(
        description="Empty once the author has withdrawn the idea, or the facilitators "
        "hid or removed it."
    )
    body: str | None
    created_at: datetime = Field(description="Rounded down (by default to the hour).")
    edited: bool
    comment_count: int
    is_mine: bool = Field(description="True only for the caller's own idea.")
    amended: bool = Field(description="The facilitators edited the text (see `moderation_note`).")
    origin_id: uuid.UUID | None = Field(description="The idea this one was split off.")
    merged_into_id: uuid.UUID | None = Field(description="Where this duplicate was merged.")


class CommentOut(Tally):
    id: uuid.UUID
    conversation_id: uuid.UUID
    idea_id: uuid.UUID
    parent_id: uuid.UUID | None
    status: Status
    moderation: Moderation
    moderation_note: str | None
    source: Source
    body: str | None = Field(
        description="Empty once the author has withdrawn the comment, or the facilitators "
        "hid or removed it."
    )
    created_at: datetime
    edited: bool
    is_mine: bool
    amended: bool


class IdeaPage(ResponseBody):
    items: list[IdeaOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end."
    )


class CommentPage(ResponseBody):
    items: list[CommentOut]
    next_cursor: str | None


class SearchHit(ResponseBody):
    kind: Literal["idea", "comment"]
    idea: IdeaOut | None = None
    comment: CommentOut | None = None


class SearchPage(ResponseBody):
    items: list[SearchHit]
    next_cursor: str | None


class MyContributions(ResponseBody):
    ideas: list[IdeaOut]
    comments: list[CommentOut]
