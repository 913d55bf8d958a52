"""The app with Python's allocation tracing on, for finding what a soak's workers keep.

``soak.py --trace-memory DIR`` serves ``traced_app:create_app`` instead of the product's
factory. Each worker starts ``tracemalloc`` (``CANDOUR_TRACE_FRAMES`` frames a trace,
default 8) and, on every ``SIGUSR1``, writes a snapshot to
``DIR/<pid>-<n>.tracemalloc``; the soak signals the workers at the end of the warm-up and
again at the end of the run, and :func:`growth` compares the two. Tracing slows the
workers (about twice the CPU a request), so a traced run's latencies are not the soak's
figures: it answers only *what* grows.
"""

from __future__ import annotations

import itertools
import os
import signal
import tracemalloc
from pathlib import Path
from types import FrameType

from fastapi import FastAPI

from candour.app import create_app as create_product_app

SNAPSHOT_DIR = "CANDOUR_TRACE_DIR"


def create_app() -> FastAPI:
    directory = Path(os.environ[SNAPSHOT_DIR])
    tracemalloc.start(int(os.environ.get("CANDOUR_TRACE_FRAMES", "8")))
    numbers = itertools.count(1)

    def dump(signum: int, frame: FrameType | None) -> None:
        snapshot = tracemalloc.take_snapshot()
        snapshot.dump(str(directory / f"{os.getpid()}-{next(numbers)}.tracemalloc"))

    signal.signal(signal.SIGUSR1, dump)
    return create_product_app()


def growth(first: Path, second: Path, top: int = 12) -> list[str]:
    """The ``top`` places whose live allocations grew most between two snapshots, each
    with its growth, its size at the end, and the innermost frames of candour's own code
    or the library that allocated."""
    ignore = [
        tracemalloc.Filter(False, tracemalloc.__file__),
        tracemalloc.Filter(False, "<frozen importlib._bootstrap>"),
        tracemalloc.Filter(False, "<unknown>"),
    ]
    before = tracemalloc.Snapshot.load(str(first)).filter_traces(ignore)
    after = tracemalloc.Snapshot.load(str(second)).filter_traces(ignore)
    lines = [
        f"traced memory {sum(s.size for s in before.statistics('filename')) / 2**20:.1f}"
        f" → {sum(s.size for s in after.statistics('filename')) / 2**20:.1f} MiB"
    ]
    for stat in after.compare_to(before, "traceback")[:top]:
        frames = " ← ".join(
            f"{_short(f.filename)}:{f.lineno}" for f in list(stat.traceback)[::-1][:4]
        )
        lines.append(
            f"{stat.size_diff / 1024:+9.1f} KiB ({stat.count_diff:+,} blocks), now"
            f" {stat.size / 1024:,.1f} KiB: {frames}"
        )
    return lines


def _short(filename: str) -> str:
    for marker in ("site-packages/", "backend/", "lib/python3"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename
