"""Importing staff from a CSV: one row per person, all or nothing.

The admin's roster is checked line by line before anything is written, so a bad file
changes nothing and every problem is reported against its line. New addresses become
accounts, everyone named is enrolled in the chosen conversation, and newcomers may be
invited by a sign-in link.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from candour.core.errors import FieldProblem
from candour.core.settings import Settings
from candour.identity.enrolment import enrol, require_conversation
from candour.identity.errors import ImportRejected
from candour.identity.links import INVITATION, issue_links
from candour.identity.models import Account, Role
from candour.identity.schemas import ImportedRow, ImportReport

MAX_IMPORT_ROWS = 50_000
# Told (step, done, total) as an import goes, for a progress bar (the command line):
# "checking" counts the file's lines, then "saving" the three writes (accounts, enrolments,
# invitations).
ImportProgress = Callable[[str, int, int], None]
_PROGRESS_EVERY_LINES = 500
_NAME_COLUMNS = ("name", "display_name")
_RESERVED_COLUMNS = {"email", "role", *_NAME_COLUMNS}


@dataclass
class _ParsedRow:
    line: int
    email: str
    display_name: str | None
    role: str
    attributes: dict[str, str]


def _ignore_progress(step: str, done: int, total: int) -> None:
    pass


def _parse_import(csv_text: str, progress: ImportProgress = _ignore_progress) -> list[_ParsedRow]:
    try:
        return _parse_rows(csv_text, progress)
    except csv.Error as exc:
        # The csv module refuses a cell past its size limit (128 KiB) or a stray NUL: the
        # file's fault, and a 422 like every other problem with it, not a 500.
        raise ImportRejected(
            "The CSV could not be read; nothing was imported.",
            errors=[FieldProblem(field="csv", message=str(exc), code="unreadable_csv")],
        ) from None


def _parse_rows(csv_text: str, progress: ImportProgress) -> list[_ParsedRow]:
    lines = csv_text.count("\n") + (0 if csv_text.endswith("\n") else 1)
    reader = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))
    headers = [(h or "").strip().lower() for h in reader.fieldnames or []]
    if "email" not in headers:
        raise ImportRejected(
            "The CSV needs a header row with an `email` column.",
            errors=[FieldProblem(field="csv.line.1", message="no `email` column", code="missing")],
        )
    reader.fieldnames = headers
    rows: list[_ParsedRow] = []
    problems: list[FieldProblem] = []
    seen: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        if line % _PROGRESS_EVERY_LINES == 0:
            progress("checking", line, lines)
        if len(rows) + len(problems) >= MAX_IMPORT_ROWS:
            raise ImportRejected(f"An import holds at most {MAX_IMPORT_ROWS} rows.")
        if None in record:
            problems.append(
                FieldProblem(
                    field=f"csv.line.{line}", message="more cells than headers", code="extra_cells"
                )
            )
            continue
        values = {k: (v or "").strip() for k, v in record.items()}
        if not any(values.values()):
            continue
        try:
            email = validate_email(values["email"], check_deliverability=False).normalized.lower()
        except EmailNotValidError as exc:
            problems.append(
                FieldProblem(field=f"csv.line.{line}.email", message=str(exc), code="invalid_email")
            )
            continue
        if email in seen:
            problems.append(
                FieldProblem(
                    field=f"csv.line.{line}.email",
                    message=f"{email} already appears on line {seen[email]}",
                    code="duplicate_email",
                )
            )
            continue
        seen[email] = line
        role = values.get("role") or Role.participant.value
        if role not in Role.__members__:
            problems.append(
                FieldProblem(
                    field=f"csv.line.{line}.role",
                    message=f"unknown role {role!r}; use one of {', '.join(Role.__members__)}",
                    code="invalid_role",
                )
            )
            continue
        name = next((values[c] for c in _NAME_COLUMNS if values.get(c)), None)
        too_long = [k for k, v in values.items() if len(v) > 200]
        if too_long:
            problems.append(
                FieldProblem(
                    field=f"csv.line.{line}.{too_long[0]}",
                    message="longer than 200 characters",
                    code="too_long",
                )
            )
            continue
        attributes = {k: v for k, v in values.items() if k not in _RESERVED_COLUMNS and k and v}
        rows.append(_ParsedRow(line, email, name, role, attributes))
    if problems:
        raise ImportRejected(
            f"{len(problems)} row(s) could not be imported; nothing was imported.", errors=problems
        )
    if not rows:
        raise ImportRejected("The CSV holds no rows to import.")
    progress("checking", lines, lines)
    return rows


async def import_participants(
    session: AsyncSession,
    settings: Settings,
    *,
    csv_text: str,
    conversation_id: uuid.UUID | None,
    send_invitations: bool,
    progress: ImportProgress = _ignore_progress,
) -> ImportReport:
    """Create accounts for new addresses, enrol everyone, invite the new ones.

    All or nothing: any bad row refuses the whole import, line by line.
    """
    if conversation_id is not None:
        await require_conversation(session, conversation_id)
    rows = _parse_import(csv_text, progress)
    emails = [r.email for r in rows]
    found = await session.execute(
        select(Account.email, Account.id).where(Account.email.in_(emails))
    )
    existing = {email: account_id for email, account_id in found}
    new_rows = [r for r in rows if r.email not in existing]
    created: dict[str, uuid.UUID] = {}
    if new_rows:
        result = await session.execute(
            insert(Account).returning(Account.email, Account.id),
            [
                {
                    "id": uuid.uuid4(),
                    "email": r.email,
                    "display_name": r.display_name,
                    "role": r.role,
                    "attributes": r.attributes,
                }
                for r in new_rows
            ],
        )
        created = {email: account_id for email, account_id in result}
    progress("saving", 1, 3)
    enrolled = 0
    if conversation_id is not None:
        enrolled = await enrol(
            session, settings, [*existing.values(), *created.values()], conversation_id
        )
    progress("saving", 2, 3)
    invited = 0
    if send_invitations and created:
        await issue_links(
            session, settings, list(created.items()), INVITATION, conversation_id=conversation_id
        )
        invited = len(created)
    progress("saving", 3, 3)
    return ImportReport(
        created=len(created),
        existing=len(existing),
        invited=invited,
        enrolled=enrolled,
        rows=[
            ImportedRow(
                line=r.line, email=r.email, outcome="existing" if r.email in existing else "created"
            )
            for r in rows
        ],
    )
