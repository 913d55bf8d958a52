from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from candour.core.schemas import RequestBody, ResponseBody
from candour.messaging.models import Direction
from candour.queue.models import TargetKind


class MessageAuthorRequest(RequestBody):
    target_kind: TargetKind
    target_id: uuid.UUID
    subject: str = Field(min_length=3, max_length=200)
    body: str = Field(min_length=1, max_length=10_000)


class ReplyRequest(RequestBody):
    body: str = Field(min_length=1, max_length=10_000)


class MessageOut(ResponseBody):
    id: uuid.UUID
    direction: Direction
    sender: str = Field(description="The facilitator's name; `You` or `The author` on replies.")
    body: str
    created_at: datetime
    unread: bool = Field(
        description="A message to the author that they have not yet marked read "
        "(`mark_my_thread_read`). Always false in the facilitators' view."
    )


class ThreadOut(ResponseBody):
    """A relay thread. The author sees the facilitators' names; the facilitators see only
    "the author", never an address or a name."""

    id: uuid.UUID
    conversation_id: uuid.UUID
    target_kind: TargetKind
    target_id: uuid.UUID
    subject: str
    post_excerpt: str = Field(description="The start of the post this thread is about.")
    created_at: datetime
    unread_count: int = Field(description="How many of `messages` are `unread`.")
    messages: list[MessageOut]


class UnreadOut(ResponseBody):
    """What the inbox badge needs, without fetching the threads."""

    unread: int = Field(description="Messages to the caller not yet marked read.")
