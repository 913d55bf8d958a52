"""Time and memory of the opinion groups and of the full summary report on each shared
Pol.is export (and, with ``--generated``, of the report on the generated conversation).

Imports each export in ``../shared/data/polis`` into a database of its own on the
benchmark's PostgreSQL (see ``common.py``), then runs the same service call as
``get_opinion_groups`` — the votes out of PostgreSQL in one binary COPY, the numpy and
scikit-learn computation, the titles of the ideas named — several times, and prints the
median and slowest wall time; then once more under ``tracemalloc`` (which slows every
allocation, so that run is not timed) for the peak of memory it allocates, numpy's arrays
included; and the process's peak resident size. Exits non-zero when the largest export
takes 2 s or more (the target in issue 9).

The full report is timed the same way: the service call behind ``get_report``
(``analysis.reports.building.build_report``: every scope's figures as SQL aggregates, the
opinion groups, the attribute breakdowns, in one snapshot), with the same 2 s target on
the largest export. ``--generated`` then times it on the conversation that
``bench/generate.py`` built (2,000,000 votes at its default size; the database is
migrated to head first, as ``bench/load.py`` does), against a 30 s target.

    .venv/bin/python bench/analysis.py [--runs 7] [--generated [candour_bench]]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
import time
import tracemalloc
import uuid

import asyncpg
from common import DEFAULT_DATABASE, asyncpg_dsn, bench_settings, server_url, url_for
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from candour import migrate
from candour.analysis import interchange, opinion
from candour.analysis.reports.building import build_report
from candour.analysis.schemas import PolisImportRequest
from candour.core.database import create_engine, create_sessionmaker
from candour.core.settings import PROJECT_ROOT, Settings
from candour.identity import Caller, Role

DATABASE = "candour_bench_analysis"
POLIS = PROJECT_ROOT.parent / "shared" / "data" / "polis"
TARGET_SECONDS = 2.0
GENERATED_TARGET_SECONDS = 30.0


async def recreate(database: str) -> str:
    admin = await asyncpg.connect(asyncpg_dsn(server_url()))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{database}"')
    finally:
        await admin.close()
    return url_for(database)


async def measure(url: str, runs: int) -> bool:
    settings = bench_settings(url)
    engine = create_engine(settings, url)
    sessionmaker = create_sessionmaker(engine)
    # A staff caller without an account: the service checks the role, and staff read all.
    admin = Caller(Role.admin, uuid.uuid4(), settings)
    datasets = sorted(p for p in POLIS.iterdir() if (p / "votes.csv").is_file())
    results = []
    report_results: list[tuple[str, int, list[float], int]] = []
    try:
        for folder in datasets:
            async with sessionmaker() as session, session.begin():
                report = await interchange.import_polis(
                    session,
                    settings,
                    admin,
                    PolisImportRequest(
                        title=folder.name,
                        comments_csv=(folder / "comments.csv").read_text(),
                        votes_csv=(folder / "votes.csv").read_text(),
                    ),
                )
            times = []
            for _ in range(runs):
                async with sessionmaker() as session:
                    started = time.perf_counter()
                    groups = await opinion.get_opinion_groups(
                        session, admin, report.conversation_id
                    )
                    times.append(time.perf_counter() - started)
            # Memory in a run of its own: tracing slows every allocation down.
            async with sessionmaker() as session:
                tracemalloc.start()
                await opinion.get_opinion_groups(session, admin, report.conversation_id)
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
            report_times, report_peak = await time_report(
                sessionmaker, settings, admin, report.conversation_id, runs
            )
            results.append((folder.name, report, groups, times, peak))
            report_results.append((folder.name, report.votes, report_times, report_peak))
    finally:
        await engine.dispose()
    print(
        f"{'export':30} {'votes':>7} {'voters':>6} {'ideas':>5} {'groups':>12} "
        f"{'median':>8} {'slowest':>8} {'traced peak':>12}"
    )
    for name, report, groups, times, peak in results:
        sizes = "/".join(str(g.size) for g in groups.groups)
        print(
            f"{name:30} {report.votes:7d} {groups.participants:6d} {groups.ideas_analysed:5d} "
            f"{sizes:>12} {statistics.median(times) * 1000:6.0f}ms {max(times) * 1000:6.0f}ms "
            f"{peak / 2**20:9.1f} MiB"
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak resident size (imports included): {rss:.0f} MiB")
    largest = max(results, key=lambda r: r[1].votes)
    ok = max(largest[3]) < TARGET_SECONDS
    print(
        f"largest export ({largest[0]}): slowest run {max(largest[3]):.2f} s "
        f"{'<' if ok else '>='} {TARGET_SECONDS:.0f} s target"
    )
    print("\nthe full summary report (figures, opinion groups, breakdowns):")
    print(f"{'export':30} {'votes':>7} {'median':>8} {'slowest':>8} {'traced peak':>12}")
    for name, votes, times, peak in report_results:
        print(
            f"{name:30} {votes:7d} {statistics.median(times) * 1000:6.0f}ms "
            f"{max(times) * 1000:6.0f}ms {peak / 2**20:9.1f} MiB"
        )
    name, _, times, _ = max(report_results, key=lambda r: r[1])
    report_ok = max(times) < TARGET_SECONDS
    print(
        f"largest export ({name}): slowest report {max(times):.2f} s "
        f"{'<' if report_ok else '>='} {TARGET_SECONDS:.0f} s target"
    )
    return ok and report_ok


async def time_report(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    caller: Caller,
    conversation_id: uuid.UUID,
    runs: int,
) -> tuple[list[float], int]:
    """Wall times of ``runs`` reports, and the traced peak of one more."""
    times = []
    for _ in range(runs):
        async with sessionmaker() as session:
            started = time.perf_counter()
            await build_report(session, settings, caller, conversation_id)
            times.append(time.perf_counter() - started)
    async with sessionmaker() as session:
        tracemalloc.start()
        await build_report(session, settings, caller, conversation_id)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return times, peak


async def measure_generated(url: str, runs: int) -> bool:
    """The report on the generated database's conversation with the most votes."""
    settings = bench_settings(url)
    engine = create_engine(settings, url)
    sessionmaker = create_sessionmaker(engine)
    admin = Caller(Role.admin, uuid.uuid4(), settings)
    try:
        async with sessionmaker() as session:
            row = (
                await session.execute(
                    text(
                        "SELECT i.conversation_id, count(*) FROM idea_votes v "
                        "JOIN ideas i ON i.id = v.idea_id GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
                    )
                )
            ).one()
        conversation_id, votes = row
        times, peak = await time_report(sessionmaker, settings, admin, conversation_id, runs)
    finally:
        await engine.dispose()
    ok = max(times) < GENERATED_TARGET_SECONDS
    print(
        f"\ngenerated conversation: {votes:,} idea votes; report median "
        f"{statistics.median(times):.2f} s, slowest {max(times):.2f} s "
        f"{'<' if ok else '>='} {GENERATED_TARGET_SECONDS:.0f} s target; "
        f"traced peak {peak / 2**20:.1f} MiB; process peak resident size "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per export")
    parser.add_argument(
        "--generated",
        nargs="?",
        const=DEFAULT_DATABASE,
        metavar="DATABASE",
        help=f"also time the report on a database bench/generate.py built ({DEFAULT_DATABASE})",
    )
    args = parser.parse_args()
    if not POLIS.is_dir():
        sys.exit(f"no Pol.is exports at {POLIS}")
    url = asyncio.run(recreate(DATABASE))
    migrate.upgrade(url)  # runs its own event loop
    ok = asyncio.run(measure(url, args.runs))
    if args.generated:
        generated = url_for(args.generated)
        migrate.upgrade(generated)
        ok = asyncio.run(measure_generated(generated, max(1, min(args.runs, 3)))) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
