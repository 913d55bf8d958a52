"""What every participant-side call needs: the caller, their pseudonym in this
conversation, the check that they may write now, and whether a post takes responses."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from candour.contributions.errors import ContributionWithdrawn, OnlyParticipantsPost
from candour.contributions.models import Moderation, Status
from candour.conversations import service as conversations
from candour.conversations.service import Window
from candour.core.prepared import Executor
from candour.core.settings import Settings
from candour.core.time import coarsen
from candour.identity import Caller, RateLimitedAction, Role


class Context:
    """What every call needs: the caller, their pseudonym here, and the settings."""

    def __init__(self, settings: Settings, caller: Caller, conversation: Window) -> None:
        self.settings = settings
        self.caller = caller
        self.conversation = conversation
        self.pseudonym = caller.pseudonym_in(conversation.id)

    def coarse(self, moment: datetime) -> datetime:
        return coarsen(moment, self.settings.public_time_granularity_seconds)

    @property
    def secret(self) -> str:
        return self.settings.jwt_secret.get_secret_value()


async def context_for(
    session: AsyncSession, settings: Settings, caller: Caller, conversation_id: uuid.UUID
) -> Context:
    conversation = await conversations.get_conversation(session, caller, conversation_id)
    return Context(settings, caller, conversation)


async def require_writer(
    session: Executor, ctx: Context, action: RateLimitedAction | None = None
) -> None:
    """Participants only, inside the window, and within their rate limit for ``action``."""
    if ctx.caller.role != Role.participant:
        raise OnlyParticipantsPost(
            "Only participants post, comment and vote; facilitators enter paper forms."
        )
    conversations.require_open(ctx.conversation)
    if action is not None:
        await ctx.caller.spend(session, action)


def require_open_to_responses(status: str, moderation: str, responses: str) -> None:
    """Only what the public can see takes comments and votes."""
    if status != Status.published:
        raise ContributionWithdrawn(f"This post has been withdrawn; it takes no {responses}.")
    if moderation != Moderation.visible:
        raise ContributionWithdrawn(
            f"This post is not shown at the moment; it takes no {responses}."
        )
