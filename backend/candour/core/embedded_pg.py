"""The embedded PostgreSQL (the ``pgserver`` wheel) used when no DATABASE_URL is set.

It keeps its data in ``<data_dir>/pgdata`` so a restart keeps everything, listens only on
a Unix socket, and stops when the process that started it exits.
"""

from __future__ import annotations

import logging
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

logger = logging.getLogger("candour.embedded_pg")

_servers: dict[Path, Any] = {}


def start_embedded_postgres(pgdata: Path, database: str = "candour") -> str:
    """Start (or reuse) the server in ``pgdata``; create ``database``; return its URL."""
    # pgserver keeps a lock file under the runtime dir; name one rather than let
    # platformdirs warn and guess.
    runtime_dir = Path(tempfile.gettempdir()) / f"candour-runtime-{os.getuid()}"
    runtime_dir.mkdir(mode=0o700, exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime_dir))
    import pgserver  # imported here: production deployments never load it

    pgdata = pgdata.resolve()
    pgdata.mkdir(parents=True, exist_ok=True)
    server = _servers.get(pgdata)
    if server is None:
        server = pgserver.get_server(pgdata, cleanup_mode="stop")  # type: ignore[attr-defined]
        _servers[pgdata] = server
    if not database.isidentifier():
        raise ValueError(f"not a plain database name: {database!r}")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")  # noqa: S608
    if "(1 row)" not in exists:
        try:
            server.psql(f'CREATE DATABASE "{database}";')
        except subprocess.CalledProcessError:
            logger.info("database %s was created by another process", database)
    url: str = server.get_uri(database)
    logger.info("embedded PostgreSQL running in %s", pgdata)
    return url
