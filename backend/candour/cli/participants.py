"""Staff: ``import-participants``, ``send-invitations`` and ``create-admin``.

The same identity services as the admin API's import and invitation routes, on a session
of our own. Counts only come back about invitations; which addresses failed stays in the
outbox.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, TaskID
from sqlalchemy.ext.asyncio import AsyncSession

from candour import identity
from candour.cli.arguments import ConversationIdArgument, conversation_id
from candour.cli.database import in_transaction
from candour.cli.failures import reports_failures
from candour.cli.files import read_text
from candour.cli.progress import progress_bar, working
from candour.core.errors import DomainError
from candour.core.settings import Settings

_STEPS = {"checking": "Checking the file's lines", "saving": "Saving"}


class _ImportBar:
    """The import service's progress callback, drawn as one bar per step."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, step: str, done: int, total: int) -> None:
        if step not in self.tasks:
            self.tasks[step] = self.progress.add_task(_STEPS.get(step, step), total=total)
        self.progress.update(self.tasks[step], completed=done, total=total)


def _refused_lines(error: DomainError) -> None:
    """Every refused line, on stdout: the whole report, where the reason on stderr has the
    first few."""
    for problem in error.errors:
        where = problem.field.removeprefix("csv.").replace("line.", "line ", 1)
        typer.echo(f"refused {where}: {problem.message}")


@reports_failures
def import_participants(
    conversation: ConversationIdArgument,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE.csv",
            help="UTF-8 CSV with a header row: email (required), name, role, and any other "
            "column as a non-identifying attribute (staff_group, site …).",
        ),
    ],
    invite: Annotated[
        bool,
        typer.Option(
            "--invite/--no-invite",
            help="Email each new person a one-time link to set a password "
            "(later: send-invitations).",
        ),
    ] = True,
    show_rows: Annotated[
        bool, typer.Option("--rows", help="Print each line's outcome (created or existing).")
    ] = False,
) -> None:
    """Import staff from a CSV file into a conversation.

    All or nothing: a bad line refuses the whole file, and every refused line is printed
    with its reason. Importing the same file again changes nothing.
    """
    target = conversation_id(conversation)
    csv_text = read_text(file)

    with progress_bar() as progress:
        bar = _ImportBar(progress)

        async def run(session: AsyncSession, settings: Settings) -> identity.ImportReport:
            return await identity.import_participants(
                session,
                settings,
                csv_text=csv_text,
                conversation_id=target,
                send_invitations=invite,
                progress=bar,
            )

        try:
            report = in_transaction(run)
        except DomainError as error:
            progress.stop()
            _refused_lines(error)
            raise
    if show_rows:
        for row in report.rows:
            typer.echo(f"line {row.line}: {row.email} {row.outcome}")
    typer.echo(
        f"{report.created} created, {report.existing} already known, "
        f"{report.enrolled} newly enrolled, {report.invited} invited"
    )


def _totals(totals: identity.InvitationTotals) -> str:
    return (
        f"invitations: {totals.queued} queued ({totals.retrying} retrying), "
        f"{totals.sent} sent, {totals.failed} failed"
    )


@reports_failures
def send_invitations(
    conversation: ConversationIdArgument,
    resend_failed: Annotated[
        bool,
        typer.Option(
            "--resend-failed",
            help="Instead, invite again (with a fresh link) those whose invitation failed.",
        ),
    ] = False,
) -> None:
    """Invite the conversation's members who cannot sign in yet, and print the totals.

    Members with no password and no live sign-in link are sent an invitation; running it
    again invites nobody twice. The app's outbox worker (or `candour worker`) delivers
    them. Counts only: no address is printed.
    """
    target = conversation_id(conversation)

    async def run(session: AsyncSession, settings: Settings) -> tuple[str, str]:
        if resend_failed:
            resent = await identity.resend_failed_invitations(session, settings, target)
            done = (
                f"{resent.requeued} invited again, {resent.cleared} failed invitation(s) "
                "dropped (password set since, or no longer taking part)"
            )
        else:
            done = f"{await identity.invite_members(session, settings, target)} invited"
        return done, _totals(await identity.invitation_totals(session, target))

    with working("Queueing invitations"):
        done, totals = in_transaction(run)
    typer.echo(done)
    typer.echo(totals)


@reports_failures
def create_admin(
    email: Annotated[str, typer.Argument(help="The administrator's email address.")],
    name: Annotated[
        str | None, typer.Option(help="Their name, for a new account (shown in audit logs).")
    ] = None,
) -> None:
    """Make someone an administrator and print a one-time link to set their password.

    A new address becomes an admin account; an existing one is promoted (their other
    sessions end). Nothing is emailed: hand the link over yourself. It works once and
    expires after CANDOUR_REQUESTED_LINK_MINUTES (60); run the command again for a new one.
    """

    async def run(session: AsyncSession, settings: Settings) -> identity.AdminAccess:
        return await identity.admin_sign_in_link(session, settings, email, display_name=name)

    access = in_transaction(run)
    said = {
        "created": "created as an administrator",
        "promoted": "is now an administrator",
        "unchanged": "was already an administrator",
    }[access.outcome]
    typer.echo(f"{access.email} {said}")
    typer.echo(f"Set a password with this link (once, by {access.expires_at:%Y-%m-%d %H:%M} UTC):")
    typer.echo(access.link)
