"""``candour create-conversation``: a whole conversation from a file, or one clear line
saying what is wrong with it and nothing written."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from tests.cli.conftest import Cli, one_line_failure

CONVERSATION = """\
title: Our hospital, our say
introduction: What would make this a better place to work?
opens_at: 2027-03-01 09:00
closes_at: 2027-03-22T17:00:00+00:00
time_zone: Europe/London
moderation_mode: pre
sections:
  - Staffing and workload
  - title: Wellbeing
    description: Breaks, rest and support
pages:
  faq:
    title: Questions
    body_html: "<p>Is it anonymous? Yes.</p><script>alert(1)</script>"
"""


async def _conversations(db: asyncpg.Connection) -> int:
    return int(await db.fetchval("SELECT count(*) FROM conversations"))


async def test_a_yaml_file_makes_the_conversation_its_sections_in_order_and_pages(
    cli: Cli, db: asyncpg.Connection, tmp_path: Path
) -> None:
    file = tmp_path / "conversation.yaml"
    file.write_text(CONVERSATION)
    result = await cli("create-conversation", str(file))
    assert result.exit_code == 0, result.stderr
    conversation_id = uuid.UUID(result.stdout.strip())

    row = await db.fetchrow("SELECT * FROM conversations WHERE id = $1", conversation_id)
    assert row["title"] == "Our hospital, our say"
    assert row["moderation_mode"] == "pre"
    # 09:00 in London in March is 09:00 UTC (no summer time yet); the close had an offset.
    assert row["opens_at"] == datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    assert row["closes_at"] == datetime(2027, 3, 22, 17, 0, tzinfo=UTC)
    sections = await db.fetch(
        "SELECT title, description FROM sections WHERE conversation_id = $1 ORDER BY position",
        conversation_id,
    )
    assert [(s["title"], s["description"]) for s in sections] == [
        ("Staffing and workload", ""),
        ("Wellbeing", "Breaks, rest and support"),
    ]
    page = await db.fetchrow(
        "SELECT title, body_html FROM pages WHERE conversation_id = $1", conversation_id
    )
    assert page["title"] == "Questions"
    assert "script" not in page["body_html"], "sanitised as the API does"


async def test_a_time_without_offset_is_read_in_the_conversations_zone(
    cli: Cli, db: asyncpg.Connection, tmp_path: Path
) -> None:
    file = tmp_path / "summer.json"
    file.write_text(
        json.dumps(
            {
                "title": "Summer",
                "opens_at": "2027-07-01T09:00:00",
                "closes_at": "2027-07-02T09:00:00",
                "time_zone": "Europe/Paris",
            }
        )
    )
    result = await cli("create-conversation", str(file))
    assert result.exit_code == 0, result.stderr
    opens = await db.fetchval(
        "SELECT opens_at FROM conversations WHERE id = $1", uuid.UUID(result.stdout.strip())
    )
    assert opens == datetime(2027, 7, 1, 7, 0, tzinfo=UTC), "09:00 in Paris in summer"


async def test_a_window_that_closes_before_it_opens_is_refused_in_one_line(
    cli: Cli, db: asyncpg.Connection, tmp_path: Path
) -> None:
    file = tmp_path / "backwards.yaml"
    file.write_text(CONVERSATION.replace("2027-03-22T17:00:00+00:00", "2027-02-01 09:00"))
    line = one_line_failure(await cli("create-conversation", str(file)))
    assert "backwards.yaml is not a valid conversation" in line
    assert "closes_at must be after opens_at" in line
    assert await _conversations(db) == 0


async def test_every_problem_in_the_file_is_summarised_and_nothing_is_written(
    cli: Cli, db: asyncpg.Connection, tmp_path: Path
) -> None:
    file = tmp_path / "bad.yaml"
    file.write_text(
        CONVERSATION.replace("Europe/London", "Mars/Olympus")
        .replace("  - Staffing and workload\n", "  - {title: ab}\n")
        .replace("  faq:", "  menu:")
    )
    line = one_line_failure(await cli("create-conversation", str(file)))
    assert "time_zone: Value error, unknown time zone 'Mars/Olympus'" in line
    assert "sections.0.title: String should have at least 3 characters" in line
    assert "pages.menu: unknown page" in line
    assert await _conversations(db) == 0


async def test_bad_yaml_a_missing_file_and_a_list_are_one_line_each(
    cli: Cli, db: asyncpg.Connection, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("title: [unclosed\nopens_at: 2027-01-01\n")
    line = one_line_failure(await cli("create-conversation", str(broken)))
    assert "broken.yaml is not valid YAML" in line and "line 2" in line

    line = one_line_failure(await cli("create-conversation", str(tmp_path / "nowhere.yaml")))
    assert line.endswith("nowhere.yaml: no such file")

    bad_json = tmp_path / "bad.json"
    bad_json.write_text('{"title": "x",}')
    assert "bad.json is not valid JSON" in one_line_failure(
        await cli("create-conversation", str(bad_json))
    )

    listed = tmp_path / "list.yaml"
    listed.write_text("- title: A list\n")
    assert "must hold the conversation's fields" in one_line_failure(
        await cli("create-conversation", str(listed))
    )
    assert await _conversations(db) == 0


async def test_an_unreachable_database_is_one_line(cli: Cli, tmp_path: Path) -> None:
    file = tmp_path / "conversation.yaml"
    file.write_text(CONVERSATION)
    nowhere = "postgresql://candour:secret@127.0.0.1:9/candour"
    line = one_line_failure(
        await cli("create-conversation", str(file), env={"DATABASE_URL": nowhere})
    )
    assert "cannot reach the database (candour on 127.0.0.1)" in line
    assert "secret" not in line
