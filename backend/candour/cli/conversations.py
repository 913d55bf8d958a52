"""``create-conversation``: a conversation, its sections and pages from a YAML or JSON file.

The file holds what an admin types into the console, checked by the same schemas as the
API (``ConversationCreate``, ``SectionCreate``, ``PageUpdate``), so a mistake reads the way
the API would put it. Everything is checked before anything is written.
"""

from __future__ import annotations

import inspect
from datetime import date, datetime, time
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from candour.cli.database import in_transaction, operator
from candour.cli.failures import CommandFailed, reports_failures, summarise, validation_problems
from candour.cli.files import read_document
from candour.cli.progress import working
from candour.conversations import service
from candour.conversations.models import PageKind
from candour.conversations.schemas import ConversationCreate, PageUpdate, SectionCreate
from candour.core.settings import Settings

EXAMPLE = """\
title: Our hospital, our say
introduction: What would make this a better place to work?
opens_at: 2027-03-01 09:00       # in time_zone unless it carries an offset
closes_at: 2027-03-22 17:00
time_zone: Europe/London
moderation_mode: post            # or pre
sections:
  - Staffing and workload        # a title, or {title: …, description: …}
  - title: Wellbeing
    description: Breaks, rest and support
pages:                           # faq, privacy, support
  faq: {title: Questions, body_html: "<p>Is it anonymous? Yes.</p>"}
"""
_TIMES = ("opens_at", "closes_at")
Problems = list[tuple[str, str]]


def _in_zone(value: object, zone_name: object) -> object:
    """A time without an offset is read in the conversation's time zone, as the console
    reads the window an admin types; anything else is left for the schema to judge."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time())
    if not isinstance(value, datetime) or value.tzinfo is not None:
        return value
    try:
        return value.replace(tzinfo=ZoneInfo(str(zone_name)))
    except (ValueError, KeyError, OSError):
        return value  # an unknown zone: the schema names it


def _validated(model: Any, data: object, where: str, problems: Problems) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(
            (".".join(part for part in (where, field) if part), message)
            for field, message in validation_problems(exc)
        )
        return None


def _parse(
    path: Path,
) -> tuple[ConversationCreate, list[SectionCreate], dict[PageKind, PageUpdate]]:
    document = read_document(path)
    if not isinstance(document, dict):
        raise CommandFailed(
            f"{path} must hold the conversation's fields (title, opens_at, closes_at …), "
            "not a list or a single value"
        )
    fields = dict(document)
    sections = fields.pop("sections", []) or []
    pages = fields.pop("pages", {}) or {}
    zone = fields.get("time_zone", "Europe/London")
    for name in _TIMES:
        if name in fields:
            fields[name] = _in_zone(fields[name], zone)
    problems: Problems = []
    conversation = _validated(ConversationCreate, fields, "", problems)
    if not isinstance(sections, list):
        problems.append(("sections", "must be a list of section titles"))
        sections = []
    parsed_sections = [
        _validated(
            SectionCreate, {"title": s} if isinstance(s, str) else s, f"sections.{n}", problems
        )
        for n, s in enumerate(sections)
    ]
    parsed_pages: dict[PageKind, PageUpdate] = {}
    if not isinstance(pages, dict):
        problems.append(("pages", "must map faq, privacy or support to a title and body_html"))
        pages = {}
    for kind, page in pages.items():
        if kind not in PageKind.__members__:
            problems.append((f"pages.{kind}", "unknown page; use faq, privacy or support"))
            continue
        parsed = _validated(PageUpdate, page, f"pages.{kind}", problems)
        if parsed is not None:
            parsed_pages[PageKind(kind)] = parsed
    if problems:
        raise CommandFailed(f"{path} is not a valid conversation: {summarise(problems)}")
    return conversation, parsed_sections, parsed_pages


@reports_failures
def create_conversation(
    file: Annotated[
        Path, typer.Argument(help="A YAML (or .json) file describing the conversation.")
    ],
) -> None:
    """Create a conversation from a YAML or JSON file and print its id.

    The file gives title, introduction, opens_at, closes_at, time_zone, moderation_mode
    (post or pre) and any other setting the API accepts, then its sections in order and
    its pages. Times without an offset are read in time_zone. For example:
    """
    conversation, sections, pages = _parse(file)

    async def create(session: AsyncSession, settings: Settings) -> str:
        caller = operator(settings)
        created = await service.create_conversation(session, conversation)
        for section in sections:
            await service.create_section(session, caller, created.id, section)
        for kind, page in pages.items():
            await service.update_page(session, caller, created.id, kind, page)
        return str(created.id)

    with working("Creating the conversation"):
        conversation_id = in_transaction(create)
    typer.echo(conversation_id)


create_conversation.__doc__ = (
    inspect.cleandoc(create_conversation.__doc__ or "") + "\n\n```yaml\n" + EXAMPLE + "```\n"
)
