"""``candour backup`` and ``candour restore`` fail with one line an operator can act on."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import Result

from candour.cli.backup import client_program
from candour.cli.failures import CommandFailed
from candour.core.settings import Settings
from tests.backup.conftest import Cli, backup_file, table_fingerprints

# Nothing listens on port 1 of the loopback.
UNREACHABLE = "postgresql://candour@127.0.0.1:1/candour"


def _files_named(folder: Path, pattern: str) -> list[Path]:
    return list(folder.glob(pattern))


def one_line_failure(result: Result) -> str:
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert lines[0].startswith("candour: ")
    return lines[0]


async def test_restoring_a_missing_file(cli: Cli, db: object, tmp_path: Path) -> None:
    line = one_line_failure(await cli("restore", str(tmp_path / "nowhere.dump")))
    assert "nowhere.dump: no such file" in line


async def test_restoring_a_file_that_is_not_a_backup(cli: Cli, db: object, tmp_path: Path) -> None:
    notes = tmp_path / "notes.dump"
    notes.write_text("SELECT 1;\n")
    line = one_line_failure(await cli("restore", str(notes)))
    assert "is not a backup made by `candour backup`" in line


async def test_an_unreachable_database(cli: Cli, db: object, tmp_path: Path) -> None:
    line = one_line_failure(
        await cli("backup", "--output", str(tmp_path / "b.dump"), database=UNREACHABLE)
    )
    assert "cannot reach the database (candour on 127.0.0.1)" in line
    assert not _files_named(tmp_path, "b.dump*"), "no file that looks like a backup"
    archive = await backup_file(cli, tmp_path)
    line = one_line_failure(await cli("restore", str(archive), database=UNREACHABLE))
    assert "cannot reach the database (candour on 127.0.0.1)" in line


async def test_a_database_in_use_is_replaced_only_with_clean(
    cli: Cli, db: object, settings: Settings, tmp_path: Path
) -> None:
    archive = await backup_file(cli, tmp_path)
    before = await table_fingerprints(str(settings.database_url))
    line = one_line_failure(await cli("restore", str(archive)))
    assert "the database is not empty" in line and "--clean" in line
    assert await table_fingerprints(str(settings.database_url)) == before


async def test_an_existing_output_file_is_not_overwritten(
    cli: Cli, db: object, tmp_path: Path
) -> None:
    kept = tmp_path / "kept.dump"
    kept.write_bytes(b"precious")
    line = one_line_failure(await cli("backup", "--output", str(kept)))
    assert "already exists" in line
    assert kept.read_bytes() == b"precious"


def test_client_programs_are_never_older_than_the_server() -> None:
    assert client_program("pg_dump", 16).exists()
    with pytest.raises(CommandFailed, match="no pg_restore of PostgreSQL 99 or newer"):
        client_program("pg_restore", 99)
