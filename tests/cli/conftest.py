"""Running the ``candour`` command in process (Typer's CliRunner) against the test
database, as an operator would with DATABASE_URL set."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import asyncpg
import pytest
from typer.testing import CliRunner, Result

from candour.cli import app
from candour.core.settings import get_settings

Cli = Callable[..., Awaitable[Result]]


@pytest.fixture
def cli_env(database_url: str, tmp_path: Path) -> dict[str, str]:
    """What an operator's shell holds: the database, and settings for a test database."""
    return {
        "DATABASE_URL": database_url,
        "CANDOUR_ENVIRONMENT": "test",
        "CANDOUR_PUBLIC_URL": "https://candour.example",
        "CANDOUR_DATA_DIR": str(tmp_path),
    }


@pytest.fixture
def cli(cli_env: dict[str, str], db: asyncpg.Connection) -> Iterator[Cli]:
    """``await cli("command", "arg", …)``: the command's Result (exit code, stdout, stderr).

    Run in a thread: each command runs its own event loop, as it does from a shell, while
    the test's loop keeps the ``db`` connection for looking at the tables afterwards."""

    async def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        runner = CliRunner(env={**cli_env, **(env or {})})
        get_settings.cache_clear()
        try:
            return await asyncio.to_thread(runner.invoke, app, list(args))
        finally:
            get_settings.cache_clear()

    yield invoke
    os.environ.pop("CANDOUR_EMBEDDED_DATABASE_URL", None)
    get_settings.cache_clear()


def one_line_failure(result: Result) -> str:
    """A failed command: status 1, and one line on stderr (no traceback); that line."""
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert lines[0].startswith("candour: ")
    return lines[0]
