"""``export-report``: the summary report as one CSV table or as JSON
(``analysis.reports``), as the console's downloads give it."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from candour.analysis.reports import exports, service
from candour.cli.arguments import ConversationIdArgument, conversation_id
from candour.cli.database import in_transaction, operator
from candour.cli.failures import reports_failures
from candour.cli.files import write_bytes
from candour.cli.progress import working
from candour.core.settings import Settings


class ReportFormat(StrEnum):
    csv = "csv"
    json = "json"


@reports_failures
def export_report(
    conversation: ConversationIdArgument,
    file_format: Annotated[
        ReportFormat,
        typer.Option(
            "--format",
            help="csv: one row per figure (table, scope, scope_id, scope_name, item, "
            "measure, value); json: the report as the API returns it.",
        ),
    ] = ReportFormat.csv,
    version: Annotated[
        int | None,
        typer.Option(help="A published version; without it, the live draft.", min=1),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of stdout."),
    ] = None,
) -> None:
    """Export a conversation's summary report (the draft, or a published version).

    Figures only, never a person: groups smaller than the conversation's minimum group
    size are folded together or withheld, as in the console.
    """
    target = conversation_id(conversation)

    async def run(session: AsyncSession, settings: Settings) -> str:
        report = await service.report_for_download(
            session, settings, operator(settings), target, version
        )
        if file_format == ReportFormat.csv:
            return exports.report_csv(report)
        return exports.report_json(report) + "\n"

    with working("Building the report"):
        document = in_transaction(run)
    if output is None:
        sys.stdout.write(document)
    else:
        write_bytes(output, document.encode())
        typer.echo(f"{output}: {len(document.encode())} bytes")
