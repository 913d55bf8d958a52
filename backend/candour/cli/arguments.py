"""Arguments several commands share, checked with a one-line reason rather than a usage
screen."""

from __future__ import annotations

import uuid
from typing import Annotated

import typer

from candour.cli.failures import CommandFailed

ConversationIdArgument = Annotated[
    str, typer.Argument(metavar="CONVERSATION_ID", help="The conversation's id (a UUID).")
]


def conversation_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        raise CommandFailed(f"{value!r} is not a conversation id (a UUID)") from None
