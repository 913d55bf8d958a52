from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Literal

from pydantic import Field

from candour.core.schemas import RequestBody, ResponseBody

MAX_COMMENTS_CSV_CHARS = 10_000_000
MAX_VOTES_CSV_CHARS = 60_000_000  # about a million rows of a Pol.is votes.csv


class PolisImportRequest(RequestBody):
    """A Pol.is open-data export, as the text of its two CSV files."""

    title: str = Field(min_length=3, max_length=200)
    introduction: str = Field(default="", max_length=20_000)
    section_title: str = Field(
        default="Statements",
        min_length=3,
        max_length=200,
        description="The one section the statements go into.",
    )
    attribution: str = Field(
        default="",
        max_length=5_000,
        description="Where the data came from and under what licence. Pol.is open data is "
        "CC BY 4.0: give its attribution statement and case-study links here.",
    )
    comments_csv: str = Field(
        max_length=MAX_COMMENTS_CSV_CHARS,
        description="`comments.csv`: a header row with at least `comment-id`, `author-id`, "
        "`moderated` (-1 moderated out, 0 not yet moderated, 1 accepted) and `comment-body`; "
        "`timestamp` (milliseconds since 1970) when known.",
    )
    votes_csv: str = Field(
        max_length=MAX_VOTES_CSV_CHARS,
        description="`votes.csv`: a log with at least `comment-id`, `voter-id` and `vote` "
        "(1 agree, -1 disagree, 0 pass), and `timestamp` when known; a later vote of the "
        "same person on the same statement replaces an earlier one.",
    )


class PolisImportReport(ResponseBody):
    conversation_id: uuid.UUID
    section_id: uuid.UUID
    statements: int = Field(description="Ideas created, one per row of comments.csv.")
    hidden_statements: int = Field(description="Of those, moderated out in Pol.is: hidden.")
    participants: int = Field(description="Distinct Pol.is participants (voters and authors).")
    votes: int = Field(description="Votes kept: each person's latest on each statement.")
    passes: int = Field(description="Of those, passes (kept as votes of 0).")
    superseded_votes: int = Field(description="Rows of votes.csv replaced by a later vote.")


class GroupingStatus(StrEnum):
    grouped = "grouped"
    too_few_votes = "too_few_votes"


class GroupVotes(ResponseBody):
    """How one opinion group voted on one idea."""

    group: str = Field(description="The group's label, `A`, `B` …")
    agrees: int = Field(description="Likes (Pol.is: agrees) in the group.")
    disagrees: int = Field(description="Dislikes (Pol.is: disagrees) in the group.")
    seen: int = Field(description="The group's votes on the idea, passes included.")
    agree_rate: float = Field(description="Smoothed: (agrees + 1) / (seen + 2).")


class RepresentativeIdea(ResponseBody):
    """An idea that sets a group apart from the other groups."""

    idea_id: uuid.UUID
    title: str
    stance: Literal["agree", "disagree"] = Field(
        description="Whether the group stands out by agreeing or by disagreeing."
    )
    count: int = Field(description="The group's agrees (or disagrees) on the idea.")
    seen: int = Field(description="The group's votes on the idea, passes included.")
    rate: float = Field(description="Smoothed: (count + 1) / (seen + 2).")
    rate_z: float = Field(description="One-proportion z of `rate` against one half.")
    representativeness: float = Field(
        description="`rate` divided by the same smoothed rate among the other groups."
    )
    representativeness_z: float = Field(
        description="Two-proportion z of the group against the other groups."
    )
    significant: bool = Field(
        description="Both z-tests pass at 90% (z > 1.2816). False only for the single best "
        "idea shown for a group that has no significant one."
    )


class OpinionGroup(ResponseBody):
    label: str = Field(description="`A` for the largest group, then `B` …")
    size: int = Field(description="Participants in the group.")
    representative_ideas: list[RepresentativeIdea]


class IdeaAcrossGroups(ResponseBody):
    idea_id: uuid.UUID
    title: str
    score: float = Field(
        description="For broad agreement: the product of every group's `agree_rate`. For "
        "divisive ideas: the largest difference between two groups' `agree_rate`."
    )
    groups: list[GroupVotes]


class OpinionGroups(ResponseBody):
    """Groups of participants who vote alike, and the ideas that unite or divide them.

    Counts and rates only: no participant appears, not even as a number."""

    conversation_id: uuid.UUID
    status: GroupingStatus = Field(
        description="`too_few_votes` when the votes do not yet spread into two groups."
    )
    participants: int = Field(description="People who voted on any idea.")
    grouped_participants: int = Field(
        description="Those the groups are made of: at least min(7, ideas) votes."
    )
    ideas_analysed: int = Field(description="Shown ideas with at least one vote.")
    ideas_left_out: int = Field(
        description="Ideas with votes that are hidden, removed, withdrawn or held."
    )
    votes: int = Field(description="Votes on the analysed ideas, passes included.")
    silhouette: float | None = Field(
        description="How well the groups separate (-1 … 1), over the base clusters."
    )
    groups: list[OpinionGroup]
    consensus_ideas: list[IdeaAcrossGroups] = Field(
        description="Broad agreement across groups: highest group-informed consensus first."
    )
    divisive_ideas: list[IdeaAcrossGroups] = Field(
        description="Where the groups differ most: largest difference first."
    )
