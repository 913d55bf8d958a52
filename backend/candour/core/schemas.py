"""Base classes for request and response bodies."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, field_validator, model_validator


def _storable(value: Any) -> bool:
    """Can PostgreSQL keep this text? Its ``text`` holds no NUL character, and UTF-8 has
    no unpaired surrogate (which JSON can spell as ``\\ud800``)."""
    if isinstance(value, str):
        return "\x00" not in value and (value.isascii() or _encodes(value))
    if isinstance(value, list | tuple | set | frozenset):
        return all(_storable(item) for item in value)
    if isinstance(value, dict):
        return all(_storable(k) and _storable(v) for k, v in value.items())
    return True


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class RequestBody(BaseModel):
    """Request bodies refuse unknown fields: a client cannot set an author, a count or a
    moderation state by adding one; and text the database cannot store (NUL, unpaired
    surrogates) is a 422 naming the field, not a failed statement."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _only_storable_text(cls, value: Any) -> Any:
        if not _storable(value):
            raise ValueError("must not contain NUL characters or unpaired surrogates")
        return value


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
