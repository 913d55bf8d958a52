"""``candour export-report``: the summary report's CSV and JSON, as the downloads give them."""

from __future__ import annotations

import csv
import io
import json
import uuid
from pathlib import Path

import asyncpg
from fastapi import FastAPI

from candour.analysis.reports.exports import COLUMNS
from tests.analysis.reports.conftest import Planter
from tests.cli.conftest import Cli, one_line_failure
from tests.support.factories import make_conversation, make_section


async def _planted(app: FastAPI, db: asyncpg.Connection) -> uuid.UUID:
    conversation = await make_conversation(app, title="Reported")
    section = await make_section(app, conversation)
    planter = Planter(app, db, conversation)
    await planter.idea(section, None, title="Longer breaks", likes=3, dislikes=1)
    await planter.idea(section, None, title="Free parking", likes=1)
    return conversation


async def test_the_report_exports_as_csv_and_json(
    cli: Cli, app: FastAPI, db: asyncpg.Connection, tmp_path: Path
) -> None:
    conversation = await _planted(app, db)
    result = await cli("export-report", str(conversation), "--format", "csv")
    assert result.exit_code == 0, result.stderr
    reader = csv.DictReader(io.StringIO(result.stdout))
    assert tuple(reader.fieldnames or ()) == COLUMNS
    overall = {
        r["measure"]: r["value"]
        for r in reader
        if r["table"] == "figures" and r["scope"] == "conversation"
    }
    assert (overall["ideas"], overall["likes"], overall["dislikes"]) == ("2", "4", "1")

    out = tmp_path / "report.json"
    written = await cli("export-report", str(conversation), "--format", "json", "-o", str(out))
    assert written.exit_code == 0, written.stderr
    report = json.loads(out.read_text())
    assert report["title"] == "Reported"
    assert report["status"] == "draft"
    assert [i["title"] for i in report["overall"]["top_ideas"]][:2] == [
        "Longer breaks",
        "Free parking",
    ]


async def test_an_unknown_conversation_or_version_is_one_line(
    cli: Cli, app: FastAPI, db: asyncpg.Connection
) -> None:
    unknown = uuid.uuid4()
    line = one_line_failure(await cli("export-report", str(unknown)))
    assert "No such conversation" in line
    conversation = await _planted(app, db)
    line = one_line_failure(await cli("export-report", str(conversation), "--version", "2"))
    assert "This report has no version 2" in line
