from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import AwareDatetime, Field, field_validator, model_validator

from candour.core.schemas import RequestBody, ResponseBody


class ConversationCreate(RequestBody):
    title: str = Field(min_length=3, max_length=200)
    introduction: str = Field(default="", max_length=20_000)
    opens_at: AwareDatetime = Field(description="When posting opens (with a UTC offset).")
    closes_at: AwareDatetime = Field(description="When posting closes; after `opens_at`.")
    time_zone: str = Field(
        default="Europe/London", max_length=64, description="IANA time zone name."
    )

    @field_validator("time_zone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        if value not in available_timezones():
            raise ValueError(f"unknown time zone {value!r}")
        return value

    @model_validator(mode="after")
    def _window_ordered(self) -> ConversationCreate:
        if self.closes_at <= self.opens_at:
            raise ValueError("closes_at must be after opens_at")
        return self


class ConversationOut(ResponseBody):
    id: uuid.UUID
    title: str
    introduction: str
    opens_at: datetime
    closes_at: datetime
    time_zone: str
    is_open: bool = Field(description="True while posting, commenting and voting are allowed.")
