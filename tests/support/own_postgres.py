"""A PostgreSQL server of a test's own, which it may stop and start (to play an outage).

The shared test server (``tests/conftest.py``) must never go down: other tests use it. This
one runs pgserver's bundled binaries (``initdb``, ``pg_ctl``) on a data folder in the test's
temp dir, listening on a loopback TCP port that stays the same across restarts, so the app's
``DATABASE_URL`` keeps pointing at it.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from tests.support.smtp import free_port


def _pgserver_bin() -> Path:
    # Found without importing pgserver, whose import warns about the runtime dir.
    spec = importlib.util.find_spec("pgserver")
    assert spec is not None and spec.submodule_search_locations, "pgserver is not installed"
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


class OwnPostgres:
    """``start()``, ``stop()`` (``fast``: clients are disconnected; ``immediate``: as a crash)
    and ``start()`` again, same port, same data."""

    def __init__(self, folder: Path) -> None:
        self.pgdata = folder / "pgdata"
        self.log = folder / "postgres.log"
        self.port = free_port()
        self._bin = _pgserver_bin()
        self._run_as: dict[str, Any] = {}
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root; pgserver keeps a user for it. Its import
            # wants a runtime dir, named as core/embedded_pg.py names it.
            runtime_dir = Path(tempfile.gettempdir()) / f"candour-runtime-{os.getuid()}"
            runtime_dir.mkdir(mode=0o700, exist_ok=True)
            os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime_dir))
            from pgserver.utils import (  # type: ignore[import-untyped]
                ensure_prefix_permissions,
                ensure_user_exists,
            )

            ensure_user_exists("pgserver")
            folder.mkdir(parents=True, exist_ok=True)
            ensure_prefix_permissions(folder)
            folder.chmod(0o777)
            self._run_as = {"user": "pgserver"}

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url_of(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, name: str, *args: str, timeout: float = 60) -> None:
        result = subprocess.run(
            [str(self._bin / name), *args],
            check=False,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            **self._run_as,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{name} {' '.join(args)} failed: {result.stdout}{result.stderr}")

    def init(self) -> None:
        self._run(
            "initdb", "-D", str(self.pgdata), "-U", "postgres", "--auth=trust", "--encoding=utf8"
        )

    def start(self) -> None:
        # No Unix socket (``-k ""``): only the port, which a restart keeps.
        options = f"-h 127.0.0.1 -p {self.port} -k '' -c fsync=off -c max_connections=60"
        self._run(
            "pg_ctl", "-D", str(self.pgdata), "-l", str(self.log), "-o", options, "-w", "start"
        )

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.pgdata), "-m", mode, "-w", "stop")

    def is_running(self) -> bool:
        result = subprocess.run(
            [str(self._bin / "pg_ctl"), "-D", str(self.pgdata), "status"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
            **self._run_as,
        )
        return result.returncode == 0
