"""Backups made and restored by the ``candour`` command itself, with the real pg_dump and
pg_restore, against databases on the test server."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import asyncpg
import pytest
from typer.testing import CliRunner, Result

from candour.cli import app as cli_app
from candour.core.settings import Settings, get_settings

Cli = Callable[..., Awaitable[Result]]


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def _sibling(server_url: str, name: str) -> str:
    base, _, query = server_url.partition("?")
    return base.rsplit("/", 1)[0] + "/" + name + (f"?{query}" if query else "")


@pytest.fixture
async def empty_database(server_url: str) -> AsyncIterator[Callable[[], Awaitable[str]]]:
    """``await empty_database()``: the URL of a new, empty database, dropped afterwards."""
    names: list[str] = []

    async def admin(sql: str) -> None:
        connection = await asyncpg.connect(_dsn(server_url))
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    async def create() -> str:
        name = f"candour_restore_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        await admin(f'CREATE DATABASE "{name}"')
        names.append(name)
        return _sibling(server_url, name)

    yield create
    for name in names:
        await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def cli(settings: Settings) -> Iterator[Cli]:
    """``await cli("backup", …, database=url)``: run the command as an operator would, with
    the app's data folder (so the same erasure ledger file) and DATABASE_URL set."""

    async def invoke(*args: str, database: str | None = None) -> Result:
        env = {
            "DATABASE_URL": database or str(settings.database_url),
            "CANDOUR_ENVIRONMENT": "test",
            "CANDOUR_DATA_DIR": str(settings.data_dir),
        }
        runner = CliRunner(env=env)
        get_settings.cache_clear()
        try:
            return await asyncio.to_thread(runner.invoke, cli_app, list(args))
        finally:
            get_settings.cache_clear()

    yield invoke
    os.environ.pop("CANDOUR_EMBEDDED_DATABASE_URL", None)
    get_settings.cache_clear()


async def backup_file(cli: Cli, folder: Path, name: str = "backup.dump") -> Path:
    path = folder / name
    result = await cli("backup", "--output", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"backup written: {path} (")
    return path


async def restore_into(cli: Cli, path: Path, database: str) -> str:
    result = await cli("restore", str(path), database=database)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result.stdout


async def table_fingerprints(url: str) -> dict[str, tuple[int, str | None]]:
    """Every table's row count and a checksum of its rows, in a stable order."""
    connection = await asyncpg.connect(_dsn(url))
    try:
        tables = [
            r["tablename"]
            for r in await connection.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        fingerprints: dict[str, tuple[int, str | None]] = {}
        for table in tables:
            row = await connection.fetchrow(
                f"SELECT count(*) AS n, md5(string_agg(t::text, '' ORDER BY t::text)) AS sum "
                f'FROM "{table}" t'
            )
            assert row is not None
            fingerprints[table] = (row["n"], row["sum"])
        return fingerprints
    finally:
        await connection.close()


async def connect(url: str) -> asyncpg.Connection:
    return await asyncpg.connect(_dsn(url))
