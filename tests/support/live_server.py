"""A real uvicorn serving the app in a subprocess, for tests that need real workers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from candour.core.settings import PROJECT_ROOT
from tests.support.smtp import free_port


@contextmanager
def live_server(
    database_url: str, *, workers: int = 1, extra_env: dict[str, str] | None = None
) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CANDOUR_ENVIRONMENT": "test",
        "CANDOUR_RUN_OUTBOX_WORKER": "false",
        "CANDOUR_RUN_RETENTION_SCHEDULER": "false",
        "CANDOUR_AUTH_MIN_RESPONSE_MS": "0",
        **(extra_env or {}),
    }
    command = [sys.executable, "-m", "uvicorn", "candour.app:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    command += ["--no-access-log", "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base_url}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the live server did not start")
            time.sleep(0.1)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
