"""The summary report as the API sends it, and as a published version stores it (the JSON
of :class:`SummaryReport`). Every figure is a count or a rate over shown content (published
and visible); nothing names or numbers a participant."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from candour.analysis.schemas import OpinionGroups
from candour.core.schemas import ResponseBody


class ReportStatus(StrEnum):
    draft = "draft"
    published = "published"


class ScopeKind(StrEnum):
    conversation = "conversation"
    section = "section"
    theme = "theme"


class TopIdea(ResponseBody):
    idea_id: uuid.UUID
    title: str
    likes: int
    dislikes: int
    net_support: int = Field(description="Likes minus dislikes.")
    comments: int = Field(description="Shown comments under the idea.")
    agreement: float | None = Field(description="likes / (likes + dislikes); null without votes.")


class Quote(ResponseBody):
    """Words of a shown post, chosen as representative: the posts whose agreement is
    surest (the highest lower bound of the Wilson interval), so a post needs both broad
    and strong support to be quoted."""

    kind: str = Field(description="`idea` or `comment`.")
    post_id: uuid.UUID = Field(description="The idea or the comment.")
    idea_id: uuid.UUID = Field(description="The idea, or the idea the comment is under.")
    text: str = Field(description="The post's text, shortened to 400 characters.")
    likes: int
    dislikes: int


class ScopeFigures(ResponseBody):
    """The figures of one scope: the whole conversation, a section or a theme."""

    kind: ScopeKind
    scope_id: uuid.UUID | None = Field(description="The section or code; null for the whole.")
    name: str
    parent_id: uuid.UUID | None = Field(default=None, description="A theme's parent theme, if any.")
    posts: int = Field(description="Shown ideas and comments.")
    ideas: int
    comments: int
    paper_posts: int = Field(description="Of the posts, those typed in from paper forms.")
    contributors: int = Field(
        description="Distinct people who wrote the shown posts online (paper posts have no "
        "author and are not counted)."
    )
    voters: int = Field(description="Distinct people who liked or disliked a shown post.")
    likes: int = Field(description="Likes on the shown ideas and comments.")
    dislikes: int = Field(description="Dislikes on the shown ideas and comments.")
    net_support: int = Field(description="Likes minus dislikes.")
    agreement: float | None = Field(
        description="Agreement ratio likes / (likes + dislikes); null without votes."
    )
    agreement_low: float | None = Field(
        description="Lower end of the 95% Wilson score interval of the agreement ratio."
    )
    agreement_high: float | None = Field(
        description="Upper end of the 95% Wilson score interval of the agreement ratio."
    )
    divisiveness: float | None = Field(
        description="How divided opinion is, 0 (every post liked or disliked by all its "
        "voters alike) to 1 (every post split evenly): each post's 1 - |likes - dislikes| / "
        "(likes + dislikes), averaged weighted by its votes, which is "
        "2 * sum(min(likes, dislikes)) / sum(likes + dislikes). Null without votes."
    )
    top_ideas: list[TopIdea] = Field(description="Up to five ideas by net support.")
    quotes: list[Quote] = Field(description="Up to three representative posts.")


class DayActivity(ResponseBody):
    """One day in the conversation's time zone. Candour keeps no time for votes, so a vote
    is counted on the day of the post it was cast on (the earliest it could have been
    cast)."""

    day: date
    ideas: int
    comments: int
    votes: int = Field(description="Likes and dislikes on the posts written that day.")


class AttributeGroup(ResponseBody):
    value: str = Field(description="The attribute's value, e.g. a site's name.")
    contributors: int
    posts: int


class AttributeBreakdownOut(ResponseBody):
    """Contributors and (online) posts per value of one participant attribute. Groups
    below the minimum group size are never shown; they are folded, always two or more
    together, into the `suppressed_*` figures, so none can be worked out by subtraction."""

    attribute: str = Field(description="The attribute, as named in the staff import.")
    groups: list[AttributeGroup] = Field(description="Groups shown, largest first.")
    suppressed_groups: int = Field(description="How many groups are folded together (0 or ≥ 2).")
    suppressed_contributors: int
    suppressed_posts: int
    withheld: bool = Field(
        description="The conversation has fewer contributors than the minimum group size: "
        "no breakdown at all."
    )


class SummaryReport(ResponseBody):
    """A conversation's summary report: the live draft, or a published version."""

    conversation_id: uuid.UUID
    title: str
    time_zone: str
    status: ReportStatus
    version: int | None = Field(description="The published version's number; null for a draft.")
    published_at: datetime | None
    computed_at: datetime = Field(description="When the figures were read.")
    min_group_size: int = Field(description="The smallest attribute group the report shows.")
    overall: ScopeFigures
    sections: list[ScopeFigures] = Field(description="In the facilitators' order.")
    themes: list[ScopeFigures] = Field(
        description="Live codes with their confirmed codings, in name order."
    )
    participation: list[DayActivity] = Field(description="Days with any post, in order.")
    opinion_groups: OpinionGroups
    breakdowns: list[AttributeBreakdownOut] = Field(description="One per attribute, by name.")


class ReportVersionInfo(ResponseBody):
    version: int
    published_at: datetime
    published_by: str | None = Field(
        description="The member of staff who published it; shown to facilitators and "
        "admins only (null for sponsors)."
    )
