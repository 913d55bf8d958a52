from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import AwareDatetime, Field, field_validator, model_validator

from candour.conversations.models import PageKind
from candour.core.schemas import PartialUpdate, RequestBody, ResponseBody

TITLE = Field(min_length=3, max_length=200)


def _known_time_zone(value: str | None) -> str | None:
    if value is None:
        return value
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {value!r}") from exc
    if value not in available_timezones():
        raise ValueError(f"unknown time zone {value!r}")
    return value


class ModerationMode(StrEnum):
    post = "post"
    pre = "pre"


MODERATION_MODE = Field(
    default=ModerationMode.post,
    description="`post`: flagged posts appear at once and join the queue. `pre`: posts that "
    "screening flags are held until a facilitator approves them.",
)


class ConversationCreate(RequestBody):
    title: str = TITLE
    introduction: str = Field(default="", max_length=20_000)
    opens_at: AwareDatetime = Field(description="When posting opens (with a UTC offset).")
    closes_at: AwareDatetime = Field(description="When posting closes; after `opens_at`.")
    time_zone: str = Field(
        default="Europe/London", max_length=64, description="IANA time zone name."
    )
    moderation_mode: ModerationMode = MODERATION_MODE

    _zone = field_validator("time_zone")(_known_time_zone)

    @model_validator(mode="after")
    def _window_ordered(self) -> ConversationCreate:
        if self.closes_at <= self.opens_at:
            raise ValueError("closes_at must be after opens_at")
        return self


class ConversationUpdate(PartialUpdate):
    """Only the fields sent change. The window that results must still be ordered."""

    title: str | None = Field(default=None, min_length=3, max_length=200)
    introduction: str | None = Field(default=None, max_length=20_000)
    opens_at: AwareDatetime | None = None
    closes_at: AwareDatetime | None = None
    time_zone: str | None = Field(default=None, max_length=64)
    moderation_mode: ModerationMode | None = None
    completed_at: AwareDatetime | None = Field(
        default=None,
        description="When the work on this conversation is finished (default: its close). "
        "Personal data is deleted a set number of days after it.",
    )

    _zone = field_validator("time_zone")(_known_time_zone)


class ConversationOut(ResponseBody):
    id: uuid.UUID
    title: str
    introduction: str
    opens_at: datetime
    closes_at: datetime
    time_zone: str
    is_open: bool = Field(description="True while posting, commenting and voting are allowed.")
    moderation_mode: ModerationMode
    completed_at: datetime = Field(description="When the work is finished (default: the close).")
    time_granularity_seconds: int = Field(
        description="Public times of posts are rounded down to this many seconds (3600: the hour)."
    )


class SectionCreate(RequestBody):
    title: str = TITLE
    description: str = Field(default="", max_length=5_000)


class SectionUpdate(PartialUpdate):
    title: str | None = Field(default=None, min_length=3, max_length=200)
    description: str | None = Field(default=None, max_length=5_000)


class SectionOrder(RequestBody):
    section_ids: list[uuid.UUID] = Field(
        min_length=1,
        max_length=200,
        description="Every section of the conversation, in the new order.",
    )


class SectionOut(ResponseBody):
    id: uuid.UUID
    conversation_id: uuid.UUID
    title: str
    description: str
    position: int
    idea_count: int = Field(description="Published ideas in this section.")


class PageUpdate(RequestBody):
    title: str = TITLE
    body_html: str = Field(
        max_length=100_000,
        description="Rich text. Tags outside a small allow-list (p, a, lists, headings …) and "
        "every script, style and event attribute are removed.",
    )


class PageOut(ResponseBody):
    kind: PageKind
    title: str
    body_html: str = Field(description="Sanitised HTML, safe to insert into a page.")
