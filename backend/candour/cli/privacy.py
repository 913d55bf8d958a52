"""``run-retention``: delete the personal data that is due now (``privacy.service``)."""

from __future__ import annotations

import typer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from candour.cli.database import with_sessions
from candour.cli.failures import reports_failures
from candour.cli.progress import working
from candour.core.settings import Settings
from candour.privacy.models import RetentionRun
from candour.privacy.service import run_due


@reports_failures
def run_retention() -> None:
    """Delete the personal data that is due now and print what went (counts only).

    Retention is due a set number of days after a conversation's work is finished. Every
    app process also does this hourly. Each conversation is done once, even with several
    processes at it; content, votes and counts stay.
    """

    async def run(
        sessions: async_sessionmaker[AsyncSession], settings: Settings
    ) -> list[RetentionRun]:
        return await run_due(sessions, settings, trigger="command")

    with working("Deleting personal data that is due"):
        runs = with_sessions(run)
    for done in runs:
        typer.echo(
            f"conversation {done.conversation_id}: {done.accounts_deleted} accounts, "
            f"{done.memberships_deleted} memberships, {done.links_deleted} author links, "
            f"{done.mails_deleted} emails deleted"
        )
    typer.echo(f"retention: {len(runs)} conversation(s) done")
