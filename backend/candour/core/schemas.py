"""Base classes for request and response bodies."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, model_validator


class RequestBody(BaseModel):
    """Request bodies refuse unknown fields: a client cannot set an author, a count or a
    moderation state by adding one."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ResponseBody(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class PartialUpdate(RequestBody):
    """A PATCH body: fields left out stay as they are; a field sent as null is refused,
    unless the body names it in ``nullable_fields`` (null then means "back to the default")."""

    nullable_fields: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _no_nulls(cls, data: Any) -> Any:
        if isinstance(data, dict):
            nulls = sorted(
                str(key)
                for key, value in data.items()
                if value is None and key not in cls.nullable_fields
            )
            if nulls:
                raise ValueError(
                    f"{', '.join(nulls)} may not be null; leave a field out to keep it"
                )
        return data
