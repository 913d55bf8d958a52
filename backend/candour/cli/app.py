"""The ``candour`` command: one Typer app, its commands kept in modules by topic."""

from __future__ import annotations

import logging
import sys

import typer

# Typer's own copy of click; its usage errors are TyperExceptions with these shapes.
from typer._click.exceptions import ClickException, NoArgsIsHelpError

from candour.cli import backup, conversations, participants, polis, privacy, reports, server

app = typer.Typer(
    name="candour",
    help="Run Candour and operate it: conversations, staff, invitations, Pol.is files, "
    "retention. Commands act on DATABASE_URL, or on the embedded database as `serve` does.",
    no_args_is_help=True,
    # Docstrings are Markdown: paragraphs re-flow, ``` blocks (the file examples) do not.
    rich_markup_mode="markdown",
    add_completion=False,
    # A failure is one line on stderr (failures.py); never a traceback, pretty or not.
    pretty_exceptions_enable=False,
)

app.command()(server.serve)
app.command()(server.migrate)
app.command()(server.worker)
app.command()(server.openapi)
app.command("create-conversation")(conversations.create_conversation)
app.command("import-participants")(participants.import_participants)
app.command("send-invitations")(participants.send_invitations)
app.command("create-admin")(participants.create_admin)
app.command("polis-import")(polis.polis_import)
app.command("polis-export")(polis.polis_export)
app.command("run-retention")(privacy.run_retention)
app.command("export-report")(reports.export_report)
app.command()(backup.backup)
app.command()(backup.restore)
# The name the README used before run-retention.
app.command("retention", hidden=True)(privacy.run_retention)


def main(argv: list[str] | None = None) -> None:
    """The entry point: usage mistakes, like failures, are one line on stderr."""
    # Libraries' warnings and info stay out of an operator's output; serve and the other
    # long-running commands turn the log up themselves.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    command = typer.main.get_command(app)
    try:
        status = command.main(args=argv, prog_name="candour", standalone_mode=False)
    except NoArgsIsHelpError as help_screen:
        help_screen.show()
        sys.exit(2)
    except ClickException as mistake:
        context = getattr(mistake, "ctx", None)  # usage errors know their command
        where = context.command_path if context is not None else "candour"
        typer.echo(f"{where}: {mistake.format_message()} (see {where} --help)", err=True)
        sys.exit(mistake.exit_code)
    except typer.Abort:
        typer.echo("candour: aborted", err=True)
        sys.exit(1)
    sys.exit(status if isinstance(status, int) else 0)
