"""Pol.is open data: ``polis-import`` and ``polis-export`` (``analysis.interchange``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from candour.analysis import interchange
from candour.analysis.schemas import PolisImportReport, PolisImportRequest
from candour.cli.arguments import ConversationIdArgument, conversation_id
from candour.cli.database import in_transaction, operator
from candour.cli.failures import CommandFailed, reports_failures, summarise, validation_problems
from candour.cli.files import read_text, write_bytes
from candour.cli.progress import progress_bar, working
from candour.core.settings import Settings


@reports_failures
def polis_import(
    comments: Annotated[
        Path, typer.Argument(metavar="COMMENTS.csv", help="Pol.is's comments.csv.")
    ],
    votes: Annotated[Path, typer.Argument(metavar="VOTES.csv", help="Pol.is's votes.csv.")],
    title: Annotated[str, typer.Option(help="The new conversation's title.")] = (
        "Imported from Pol.is"
    ),
    introduction: Annotated[str, typer.Option(help="Its introduction.")] = "",
    section_title: Annotated[
        str, typer.Option(help="The one section the statements go into.")
    ] = "Statements",
    attribution: Annotated[
        str,
        typer.Option(help="Where the data came from and its licence (Pol.is: CC BY 4.0)."),
    ] = "",
) -> None:
    """Create a closed conversation from a Pol.is export and print its id.

    Statements become ideas in one section (hidden where Pol.is moderated them out),
    Pol.is participants become pseudonyms no account has, each person's latest vote is
    kept. All or nothing: a bad file is refused with its bad lines named.
    """
    with progress_bar() as progress:
        reading = progress.add_task("Reading the files", total=2)
        comments_csv = read_text(comments)
        progress.advance(reading)
        votes_csv = read_text(votes)
        progress.advance(reading)
    try:
        request = PolisImportRequest(
            title=title,
            introduction=introduction,
            section_title=section_title,
            attribution=attribution,
            comments_csv=comments_csv,
            votes_csv=votes_csv,
        )
    except ValidationError as exc:
        raise CommandFailed(
            f"the import is not valid: {summarise(validation_problems(exc))}"
        ) from None

    async def run(session: AsyncSession, settings: Settings) -> PolisImportReport:
        return await interchange.import_polis(session, settings, operator(settings), request)

    with working("Importing statements and votes"):
        report = in_transaction(run)
    typer.echo(str(report.conversation_id))
    typer.echo(
        f"{report.statements} statements ({report.hidden_statements} hidden), "
        f"{report.participants} participants, {report.votes} votes ({report.passes} passes), "
        f"{report.superseded_votes} superseded"
    )


@reports_failures
def polis_export(
    conversation: ConversationIdArgument,
    out: Annotated[
        Path, typer.Argument(metavar="OUT.zip", help="The zip to write (replaced if it exists).")
    ],
) -> None:
    """Write a conversation as Pol.is open-data files (comments.csv, votes.csv, README).

    Statements and voters are numbered in an order that reveals nothing, times are
    coarsened, and withdrawn or moderated words are replaced by a note.
    """
    target = conversation_id(conversation)

    async def run(session: AsyncSession, settings: Settings) -> bytes:
        return await interchange.export_polis(session, settings, operator(settings), target)

    with working("Exporting"):
        archive = in_transaction(run)
    write_bytes(out, archive)
    typer.echo(f"{out}: {len(archive)} bytes")
