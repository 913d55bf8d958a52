from __future__ import annotations

import re
import uuid
from datetime import datetime
from enum import StrEnum
from typing import ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import AwareDatetime, Field, field_validator, model_validator

from candour.conversations.models import (
    DEFAULT_MIN_GROUP_SIZE,
    MIN_GROUP_SIZE_FLOOR,
    PageKind,
)
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


# A host name: labels of letters, digits and hyphens, at least two of them.
_DOMAIN = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def _email_domains(value: list[str] | None) -> list[str] | None:
    """Lower case, without a leading "@", each once, in the order given."""
    if value is None:
        return value
    domains: list[str] = []
    for raw in value:
        domain = raw.strip().lower().removeprefix("@")
        if not _DOMAIN.match(domain):
            raise ValueError(f"{raw!r} is not an email domain such as example.org")
        if domain not in domains:
            domains.append(domain)
    return domains


ALLOWED_EMAIL_DOMAINS_DESCRIPTION = (
    "Email domains (such as `trust.nhs.uk`) whose people may ask for a sign-in link "
    "themselves and join this conversation, even when the staff list lacks them. Empty: "
    "only the imported staff list (and the platform-wide domains)."
)
MIN_GROUP_SIZE_DESCRIPTION = (
    f"Reports never show a group of participants (a staff group, a site) smaller than this; "
    f"at least {MIN_GROUP_SIZE_FLOOR}."
)
RETENTION_DAYS_DESCRIPTION = (
    "Days after the work is finished until participants' personal data is deleted. "
    "`null`: the platform's default."
)

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
    allowed_email_domains: list[str] = Field(
        default_factory=list, max_length=50, description=ALLOWED_EMAIL_DOMAINS_DESCRIPTION
    )
    min_group_size: int = Field(
        default=DEFAULT_MIN_GROUP_SIZE,
        ge=MIN_GROUP_SIZE_FLOOR,
        le=10_000,
        description=MIN_GROUP_SIZE_DESCRIPTION,
    )
    retention_days: int | None = Field(
        default=None, ge=0, le=3650, description=RETENTION_DAYS_DESCRIPTION
    )

    _zone = field_validator("time_zone")(_known_time_zone)
    _domains = field_validator("allowed_email_domains")(_email_domains)

    @model_validator(mode="after")
    def _window_ordered(self) -> ConversationCreate:
        if self.closes_at <= self.opens_at:
            raise ValueError("closes_at must be after opens_at")
        return self


class ConversationUpdate(PartialUpdate):
    """Only the fields sent change. The window that results must still be ordered.
    `retention_days` sent as null goes back to the platform's default."""

    nullable_fields: ClassVar[frozenset[str]] = frozenset({"retention_days"})

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
    allowed_email_domains: list[str] | None = Field(
        default=None, max_length=50, description=ALLOWED_EMAIL_DOMAINS_DESCRIPTION
    )
    min_group_size: int | None = Field(
        default=None, ge=MIN_GROUP_SIZE_FLOOR, le=10_000, description=MIN_GROUP_SIZE_DESCRIPTION
    )
    retention_days: int | None = Field(
        default=None, ge=0, le=3650, description=RETENTION_DAYS_DESCRIPTION
    )

    _zone = field_validator("time_zone")(_known_time_zone)
    _domains = field_validator("allowed_email_domains")(_email_domains)


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
    allowed_email_domains: list[str] = Field(description=ALLOWED_EMAIL_DOMAINS_DESCRIPTION)
    min_group_size: int = Field(description=MIN_GROUP_SIZE_DESCRIPTION)
    retention_days: int = Field(
        description="Days after the work is finished until participants' personal data is "
        "deleted (this conversation's own number, or the platform's default)."
    )
    retention_days_is_default: bool = Field(
        description="True when `retention_days` is the platform's default rather than set "
        "for this conversation."
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
