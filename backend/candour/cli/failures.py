"""How a command fails: one line on stderr and a non-zero exit status, never a traceback.

Operators run these commands from scripts and cron, so the last line of stderr must say
what went wrong in words they can act on. Messages of unexpected errors are not shown (a
database error's DETAIL may quote a row, as ``core.errors.describe_unexpected`` explains):
only their type and the SQLSTATE or constraint they concern.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from candour.core.errors import DomainError, FieldProblem

P = ParamSpec("P")
R = TypeVar("R")

FAILED = 1
INTERRUPTED = 130
_SHOWN_PROBLEMS = 5
# SQLSTATE 42P01: a table is missing, so the database was never migrated.
_UNDEFINED_TABLE = "42P01"


class CommandFailed(Exception):
    """A refusal with a reason for the operator (a missing file, a bad id …)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def summarise(problems: list[tuple[str, str]]) -> str:
    """``field: message; …`` for the first few problems, as the API's 422 detail reads."""
    shown = "; ".join(
        f"{field}: {message}" if field else message for field, message in problems[:_SHOWN_PROBLEMS]
    )
    if len(problems) > _SHOWN_PROBLEMS:
        shown += f" (and {len(problems) - _SHOWN_PROBLEMS} more)"
    return shown


def validation_problems(error: ValidationError) -> list[tuple[str, str]]:
    # Messages only, as the API gives them: pydantic's ``input`` echo is left out.
    return [
        (".".join(str(part) for part in e.get("loc", ())), str(e.get("msg", "invalid value")))
        for e in error.errors()
    ]


def field_problems(errors: list[FieldProblem]) -> list[tuple[str, str]]:
    return [(e.field, e.message) for e in errors]


def _safe_facts(exc: BaseException) -> str:
    facts = []
    for current in (exc, getattr(exc, "orig", None)):
        for name in ("sqlstate", "constraint_name", "table_name"):
            value = getattr(current, name, None)
            if isinstance(value, str) and value:
                facts.append(f"{name}={value}")
    return f" ({', '.join(facts)})" if facts else ""


def reason_for(exc: BaseException) -> str:
    """The one line that explains ``exc`` to an operator."""
    if isinstance(exc, CommandFailed):
        return exc.reason
    if isinstance(exc, DomainError):
        problems = field_problems(exc.errors)
        detail = exc.detail
        return f"{detail} {summarise(problems)}" if problems else detail
    if isinstance(exc, ValidationError):
        what = "settings" if exc.title == "Settings" else exc.title
        return f"invalid {what}: {summarise(validation_problems(exc))}"
    if isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", None) == _UNDEFINED_TABLE:
        return "the database has no Candour tables yet: run `candour migrate` first"
    if isinstance(exc, OperationalError | InterfaceError | OSError):
        return f"cannot reach the database: {type(exc).__name__}{_safe_facts(exc)}"
    return f"unexpected error: {type(exc).__module__}.{type(exc).__qualname__}{_safe_facts(exc)}"


def fail(exc: BaseException) -> typer.Exit:
    """Print the reason for ``exc`` as one line on stderr; the exit to raise."""
    reason = " ".join(reason_for(exc).split())  # one line, whatever the message held
    typer.echo(f"candour: {reason}", err=True)
    return typer.Exit(FAILED)


def reports_failures(command: Callable[P, R]) -> Callable[P, R]:
    """Wrap a command so that any failure ends it with one line on stderr and status 1."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except KeyboardInterrupt:
            typer.echo("candour: interrupted", err=True)
            raise typer.Exit(INTERRUPTED) from None
        except Exception as exc:
            raise fail(exc) from None

    return run
