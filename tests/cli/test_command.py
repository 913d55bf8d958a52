"""The command itself: every command's --help, the installed entry point and
``python -m candour`` run as real processes, and a usage mistake in one line."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import asyncpg
import pytest
import typer

from candour.cli import app
from candour.core.settings import PROJECT_ROOT
from tests.cli.conftest import Cli, one_line_failure

CANDOUR = Path(sys.executable).with_name("candour")
COMMANDS = [
    "serve",
    "migrate",
    "worker",
    "openapi",
    "create-conversation",
    "import-participants",
    "send-invitations",
    "create-admin",
    "polis-import",
    "polis-export",
    "run-retention",
    "export-report",
    "backup",
    "restore",
]


def test_the_app_has_exactly_the_documented_commands() -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    assert [name for name, c in group.commands.items() if not c.hidden] == COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
async def test_every_command_has_help(cli: Cli, command: str) -> None:
    result = await cli(command, "--help")
    assert result.exit_code == 0, result.stderr
    assert f"candour {command}" in result.stdout
    assert len(result.stdout.splitlines()) > 5


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=PROJECT_ROOT,
        env={**os.environ, **(env or {}), "COLUMNS": "100"},
        check=False,
    )


def test_the_installed_entry_point_and_python_m_answer_help() -> None:
    installed = _run(str(CANDOUR), "--help")
    assert installed.returncode == 0, installed.stderr
    assert "create-conversation" in installed.stdout
    module = _run(sys.executable, "-m", "candour", "--help")
    assert module.returncode == 0, module.stderr
    assert module.stdout == installed.stdout


def test_a_usage_mistake_is_one_line_too() -> None:
    result = _run(str(CANDOUR), "import-participants", str(uuid.uuid4()))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "candour import-participants: Missing argument 'FILE.csv'. "
        "(see candour import-participants --help)"
    ]


async def test_the_installed_command_creates_a_conversation_in_the_database(
    cli_env: dict[str, str], db: asyncpg.Connection, tmp_path: Path
) -> None:
    file = tmp_path / "conversation.yaml"
    file.write_text(
        "title: From a real process\nopens_at: 2027-01-04 09:00\ncloses_at: 2027-01-25 17:00\n"
        "sections: [Pay, Rotas]\n"
    )
    result = _run(str(CANDOUR), "create-conversation", str(file), env=cli_env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", "no progress or log lines off a terminal"
    conversation = uuid.UUID(result.stdout.strip())
    sections = await db.fetchval(
        "SELECT count(*) FROM sections WHERE conversation_id = $1", conversation
    )
    assert sections == 2

    missing = _run(str(CANDOUR), "create-conversation", str(tmp_path / "gone.yaml"), env=cli_env)
    assert missing.returncode == 1
    assert missing.stderr.splitlines() == [f"candour: {tmp_path / 'gone.yaml'}: no such file"]


async def test_settings_that_would_not_start_the_server_are_one_line(cli: Cli) -> None:
    result = await cli("run-retention", env={"CANDOUR_ENVIRONMENT": "production"})
    line = one_line_failure(result)
    assert line.startswith("candour: invalid settings: ")
    assert "CANDOUR_JWT_SECRET must be set to a private random value" in line


async def test_serve_migrates_and_runs_uvicorn_without_its_banner_or_access_log(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    from candour.cli import server

    started: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: started.update(kwargs))
    # Its logging setup would point the root logger at the runner's stream, closed later.
    monkeypatch.setattr(server, "log_progress", lambda: None)
    result = await cli("serve", "--no-demo", "--port", "8123", "--workers", "2")
    assert result.exit_code == 0, result.output
    assert "serving on http://127.0.0.1:8123/" in result.output
    assert started["server_header"] is False, "no 'server: uvicorn' banner"
    assert started["access_log"] is False, "uvicorn's access log prints client addresses"
    assert (started["port"], started["workers"]) == (8123, 2)
