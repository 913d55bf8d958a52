from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import EmailStr, Field

from candour.core.schemas import RequestBody, ResponseBody


class PostsChoice(StrEnum):
    keep = "keep"
    withdraw = "withdraw"


POSTS_FIELD = Field(
    description=(
        "`keep`: your ideas, comments, likes and dislikes stay, anonymous, and can never be "
        "changed again. `withdraw`: your ideas and comments are withdrawn and your likes and "
        "dislikes are taken out of the counts."
    )
)


class EraseMeRequest(RequestBody):
    posts: PostsChoice = POSTS_FIELD
    confirm: bool = Field(description="Must be true: erasure cannot be undone.")


class EraseParticipantRequest(RequestBody):
    email: EmailStr
    posts: PostsChoice = POSTS_FIELD


class Erased(ResponseBody):
    detail: str
    posts: PostsChoice
    conversations: int = Field(description="How many conversations the person took part in.")


class RetentionRunOut(ResponseBody):
    conversation_id: uuid.UUID
    trigger: str
    ran_at: datetime
    accounts_deleted: int
    memberships_deleted: int
    links_deleted: int
    mails_deleted: int


class ConversationRetention(ResponseBody):
    conversation_id: uuid.UUID
    title: str
    completed_at: datetime
    retention_days: int = Field(
        description="This conversation's days from completion to deletion (its own number, "
        "or the platform's default)."
    )
    retention_due_at: datetime = Field(
        description="When the scheduled job deletes the personal data."
    )
    retention_done_at: datetime | None
    runs: list[RetentionRunOut]


class RetentionStatus(ResponseBody):
    retention_days: int = Field(
        description="The platform's default, for conversations that set no number of their own."
    )
    conversations: list[ConversationRetention]


_HIDDEN_TEXT = (
    "Empty when the text is no longer shown in the conversation: withdrawn by its author, "
    "or hidden, removed or merged by the facilitators (someone else's held post too) — the "
    "same rule as the conversation's own pages."
)


class ExportedIdea(ResponseBody):
    id: uuid.UUID
    conversation_id: uuid.UUID
    section: str
    title: str | None = Field(description=_HIDDEN_TEXT)
    body: str | None = Field(description=_HIDDEN_TEXT)
    status: str = Field(description="`published` or `withdrawn` (by you).")
    moderation: str = Field(
        description="What the facilitators decided: `visible`, `held`, `hidden`, `removed` "
        "or `merged`."
    )
    created_at: datetime
    like_count: int
    dislike_count: int
    comment_count: int


class ExportedComment(ResponseBody):
    id: uuid.UUID
    conversation_id: uuid.UUID
    idea_id: uuid.UUID
    idea_title: str | None = Field(description=_HIDDEN_TEXT)
    parent_id: uuid.UUID | None
    body: str | None = Field(description=_HIDDEN_TEXT)
    status: str = Field(description="`published` or `withdrawn` (by you).")
    moderation: str = Field(
        description="What the facilitators decided: `visible`, `held`, `hidden`, `removed` "
        "or `merged`."
    )
    created_at: datetime


class ExportedVote(ResponseBody):
    conversation_id: uuid.UUID
    kind: str = Field(description="`idea` or `comment`.")
    item_id: uuid.UUID
    item_text: str | None = Field(
        description="The idea's title, or the comment's text. " + _HIDDEN_TEXT
    )
    vote: str = Field(description="`like` or `dislike` (`pass` only on imported votes).")


class ExportedProfile(ResponseBody):
    email: str
    display_name: str | None
    role: str
    attributes: dict[str, str]


class MyDataExport(ResponseBody):
    """Everything Candour holds that is yours: your profile, posts and votes."""

    exported_at: datetime
    profile: ExportedProfile
    ideas: list[ExportedIdea]
    comments: list[ExportedComment]
    votes: list[ExportedVote]
