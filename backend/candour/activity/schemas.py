from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import Field

from candour.core.schemas import ResponseBody

_VOTES = (
    "Change in the votes held (likes and dislikes on ideas and comments) over the day: votes "
    "carry no time, so this is the difference between the day's last tally and the one "
    "before (tallied every few minutes; a vote withdrawn counts against it)."
)


class DayCounts(ResponseBody):
    day: date = Field(description="A calendar day in the conversation's time zone.")
    posters: int = Field(description="Distinct participants who wrote an idea or comment.")
    posts: int = Field(description="Ideas and comments written (online and from paper).")
    votes: int = Field(description=_VOTES)


class ConversationDay(DayCounts):
    visits: int = Field(description="Participants' sign-ins that day.")


class SectionParticipation(ResponseBody):
    section_id: uuid.UUID
    title: str
    posters: int = Field(description="Distinct participants who wrote in this section.")
    posts: int
    votes: int = Field(description="Votes held now on this section's ideas and comments.")
    days: list[DayCounts]


class ParticipationTotals(ResponseBody):
    members: int = Field(description="People who may take part (imported or joined).")
    visits: int = Field(description="Participants' sign-ins, all days together.")
    posters: int = Field(description="Distinct participants who wrote an idea or comment.")
    posts: int = Field(description="Ideas and comments written (online and from paper).")
    votes: int = Field(description="Votes held now (likes and dislikes).")


class Participation(ResponseBody):
    """How many took part, per day and per section; never who."""

    conversation_id: uuid.UUID
    time_zone: str
    counted_at: datetime
    totals: ParticipationTotals
    days: list[ConversationDay] = Field(
        description="Every day from the opening to today (or the close), oldest first."
    )
    sections: list[SectionParticipation]
