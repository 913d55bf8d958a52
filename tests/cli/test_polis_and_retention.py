"""``polis-import``, ``polis-export`` and ``run-retention`` end to end."""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path

import asyncpg
from fastapi import FastAPI

from tests.cli.conftest import Cli, one_line_failure
from tests.privacy.conftest import complete_long_ago, make_activity

COMMENTS = """timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body
1000,x,0,7,1,0,1,Longer breaks on night shifts
2000,x,1,8,0,1,-1,Name and shame the ward manager
"""
VOTES = """timestamp,datetime,comment-id,voter-id,vote
1500,x,0,7,1
1600,x,0,8,-1
2500,x,1,9,0
"""


def _files(tmp_path: Path, comments: str = COMMENTS) -> tuple[str, str]:
    (tmp_path / "comments.csv").write_text(comments)
    (tmp_path / "votes.csv").write_text(VOTES)
    return str(tmp_path / "comments.csv"), str(tmp_path / "votes.csv")


async def test_polis_files_make_a_conversation_that_exports_back(
    cli: Cli, db: asyncpg.Connection, tmp_path: Path
) -> None:
    comments, votes = _files(tmp_path)
    result = await cli("polis-import", comments, votes, "--title", "Night shifts")
    assert result.exit_code == 0, result.stderr
    first, summary = result.stdout.splitlines()
    conversation = uuid.UUID(first)
    assert summary.startswith("2 statements (1 hidden), 3 participants, 3 votes (1 passes)")
    assert await db.fetchval("SELECT title FROM conversations WHERE id = $1", conversation) == (
        "Night shifts"
    )
    assert await db.fetchval("SELECT count(*) FROM ideas") == 2

    out = tmp_path / "export.zip"
    exported = await cli("polis-export", str(conversation), str(out))
    assert exported.exit_code == 0, exported.stderr
    with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as archive:
        assert sorted(archive.namelist()) == ["README.txt", "comments.csv", "votes.csv"]
        assert "Longer breaks on night shifts" in archive.read("comments.csv").decode()
        assert len(archive.read("votes.csv").decode().splitlines()) == 4


async def test_a_bad_polis_file_or_conversation_is_one_line_and_writes_nothing(
    cli: Cli, db: asyncpg.Connection, tmp_path: Path
) -> None:
    comments, votes = _files(tmp_path, COMMENTS.replace("comment-body", "words"))
    line = one_line_failure(await cli("polis-import", comments, votes))
    assert "Nothing was imported" in line
    assert await db.fetchval("SELECT count(*) FROM conversations") == 0

    unknown = uuid.uuid4()
    line = one_line_failure(await cli("polis-export", str(unknown), str(tmp_path / "x.zip")))
    assert "No such conversation" in line
    assert not (tmp_path / "x.zip").exists()


async def test_run_retention_deletes_what_is_due_and_prints_counts(
    cli: Cli, app: FastAPI, db: asyncpg.Connection
) -> None:
    activity = await make_activity(app)
    await complete_long_ago(app, activity.conversation_id)
    result = await cli("run-retention")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"conversation {activity.conversation_id}: 2 accounts, 2 memberships, "
        "2 author links, 0 emails deleted",
        "retention: 1 conversation(s) done",
    ]
    assert await db.fetchval("SELECT count(*) FROM accounts") == 0
    assert await db.fetchval("SELECT trigger FROM retention_runs") == "command"
    again = await cli("retention")  # the name it had before run-retention
    assert again.stdout.splitlines() == ["retention: 0 conversation(s) done"]
