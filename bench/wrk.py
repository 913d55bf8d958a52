"""Load the real app and the bare baseline with wrk, a load generator written in C.

    .venv/bin/python bench/wrk.py                  # after bench/generate.py; needs `wrk`
    .venv/bin/python bench/wrk.py --phases list --seconds 40

``load.py``'s client is Python: on a two-core machine it takes most of a core, the same
core the servers and PostgreSQL need, and so compresses the app/baseline ratio. wrk sends
the same requests for a small fraction of that. What it does, all on loopback:

1. starts the app and the baseline as ``load.py`` does (one uvicorn worker each, the same
   environment) and signs ``--users`` participants in;
2. writes, per phase and target, a file of complete HTTP requests that ``wrk.lua`` sends in
   turn, so that each request is another participant, idea or page, as from ``load.py``:

   - ``list``: ``list_ideas`` with ``load.py``'s mix (newest or most liked, a section or,
     a quarter of the time, the whole conversation; three lists in ten followed by one to
     three pages more, with cursors the target itself issued before the phase);
   - ``vote``: ``vote_idea``, like 60 % / dislike 25 % / none 15 %, half of them on the 200
     most liked ideas;

3. runs wrk (``--connections`` keep-alive connections) against the app and the baseline in
   turn, ``--rounds`` slices each after a warm-up slice, so that other work on a shared
   machine falls on both alike;
4. reports, per phase and target: requests a second, latency p50/p95/p99 (from wrk's whole
   histogram, merged over the slices), answers outside 2xx and socket errors — any of
   which fails the run — the app/baseline ratio, and the cores each party used: wrk, the
   server, PostgreSQL, this script, and anything else on the machine.

The vote requests of the app and the baseline are drawn alike but independently (``--seed``,
random by default): both write to the same database, and the baseline replaying the app's
very votes would find each one already cast and write nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from common import DEFAULT_DATABASE, url_for
from load import (
    Server,
    Traffic,
    World,
    app_and_baseline,
    code_under_test,
    cpu_sample,
    cpu_seconds,
    load_world,
    logged_errors,
    start_profiler,
    wait_for_quiet,
)

from candour import migrate

LUA = Path(__file__).resolve().with_name("wrk.lua")
PHASES = ("list", "vote")
TARGETS = ("app", "baseline")
MAX_DEPTH = 3  # pages followed beyond the first, at most
PARTIES = ("wrk", "server", "postgres", "harness", "other")


# --- what is sent --------------------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    """One request, before it is written for a target."""

    method: str
    path: str
    user: int
    body: bytes = b""
    query: tuple[tuple[str, str], ...] = ()
    depth: int = 0  # a list page: how many pages after the first (by cursor)


def list_plan(traffic: Traffic, rng: random.Random, count: int) -> list[Planned]:
    """``load.py``'s list traffic: one participant reads a list, and three times in ten
    reads on, one to three pages more."""
    plan: list[Planned] = []
    users = len(traffic.headers)
    while len(plan) < count:
        query = tuple(sorted(traffic.list_params(rng).items()))
        user = rng.randrange(users)
        more = rng.randint(1, MAX_DEPTH) if rng.random() < 0.3 else 0
        plan += [
            Planned("GET", traffic.ideas_path, user, query=query, depth=d) for d in range(more + 1)
        ]
    return plan[:count]


def vote_plan(traffic: Traffic, rng: random.Random, count: int) -> list[Planned]:
    """``load.py``'s votes: like 60 %, dislike 25 %, none 15 %; half on the most liked."""
    users = len(traffic.headers)
    return [
        Planned(
            "PUT",
            traffic.idea_path(rng) + "/vote",
            rng.randrange(users),
            body=traffic.votes[rng.choices((0, 1, 2), (60, 25, 15))[0]],
        )
        for _ in range(count)
    ]


Cursors = dict[tuple[tuple[str, str], ...], list[str]]


async def fetch_cursors(server: Server, traffic: Traffic, plan: list[Planned]) -> Cursors:
    """For each list the plan reads on, the cursors of its next pages, as this target
    issues them (the app's are sealed, the baseline's plain), walked before the phase."""
    deepest: dict[tuple[tuple[str, str], ...], int] = {}
    for planned in plan:
        deepest[planned.query] = max(deepest.get(planned.query, 0), planned.depth)
    cursors: Cursors = {}
    async with httpx.AsyncClient(base_url=server.base_url, trust_env=False, timeout=10) as client:
        for query, depth in deepest.items():
            found: list[str] = []
            while len(found) < depth:
                params = dict(query) | ({"cursor": found[-1]} if found else {})
                response = await client.get(
                    traffic.ideas_path, params=params, headers=traffic.headers[0]
                )
                response.raise_for_status()
                cursor = response.json()["next_cursor"]
                if not cursor:
                    break
                found.append(cursor)
            cursors[query] = found
    return cursors


def write_requests(
    path: Path, server: Server, traffic: Traffic, plan: list[Planned], cursors: Cursors
) -> None:
    """The plan as complete HTTP/1.1 requests for ``wrk.lua``: "<length>\\n<request>" each."""
    host = server.base_url.removeprefix("http://")
    with path.open("wb") as out:
        for planned in plan:
            query = list(planned.query)
            if planned.depth:
                found = cursors[planned.query]
                if not found:
                    continue  # a list with a single page: nothing to read on
                query.append(("cursor", found[min(planned.depth, len(found)) - 1]))
            target = planned.path + (f"?{urlencode(query)}" if query else "")
            lines = [f"{planned.method} {target} HTTP/1.1", f"Host: {host}"]
            lines += [f"{name}: {value}" for name, value in traffic.headers[planned.user].items()]
            if planned.body:
                lines.append(f"Content-Length: {len(planned.body)}")
            request = ("\r\n".join(lines) + "\r\n\r\n").encode() + planned.body
            out.write(b"%d\n" % len(request) + request)


# --- running wrk -----------------------------------------------------------------------------


@dataclass
class Tally:
    """One target's figures over the slices of a phase."""

    requests: int = 0
    seconds: float = 0.0  # wrk's own measured duration
    wall: float = 0.0  # the CPU accounting's window: wrk's start to its exit
    statuses: Counter[int] = field(default_factory=Counter)
    socket_errors: int = 0
    samples: list[str] = field(default_factory=list)
    latency_us: Counter[int] = field(default_factory=Counter)
    cpu_seconds: Counter[str] = field(default_factory=Counter)

    def add(self, output: str, used: dict[str, float], wall: float) -> None:
        seen = False
        for line in output.splitlines():
            if not line.startswith("candour-wrk "):
                continue
            seen = True
            key, _, rest = line.removeprefix("candour-wrk ").partition(" ")
            values = rest.split()
            if key == "requests":
                self.requests += int(values[0])
            elif key == "duration_us":
                self.seconds += int(values[0]) / 1e6
            elif key == "socket_errors":
                self.socket_errors += sum(int(v) for v in values)
            elif key == "status":
                self.statuses[int(float(values[0]))] += int(float(values[1]))
            elif key == "sample" and len(self.samples) < 5:
                self.samples.append(rest)
            elif key == "latency_us":
                self.latency_us[int(values[0])] += int(values[1])
        if not seen:
            raise SystemExit(f"wrk gave no figures:\n{output[-2000:]}")
        self.wall += wall
        self.cpu_seconds.update(used)

    @property
    def failures(self) -> int:
        """Answers outside 2xx, and requests that got no answer."""
        bad = sum(n for status, n in self.statuses.items() if not 200 <= status < 300)
        return bad + self.socket_errors

    def percentile(self, fraction: float) -> float:
        """Nearest-rank percentile of the merged histogram, in milliseconds."""
        total = sum(self.latency_us.values())
        if not total:
            return float("nan")
        rank = max(1, min(total, round(fraction * total + 0.5)))
        seen = 0
        for value in sorted(self.latency_us):
            seen += self.latency_us[value]
            if seen >= rank:
                return value / 1000
        raise AssertionError("unreachable")

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def cores(self) -> dict[str, float]:
        """Cores used on average over the slices, by whom."""
        used, wall = self.cpu_seconds, self.wall or 1.0
        mine = sum(used[p] for p in PARTIES if p != "other")
        cores = {p: used[p] / wall for p in PARTIES if p != "other"}
        cores["other"] = max(0.0, used["busy"] - mine) / wall
        return cores

    def figures(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "seconds": self.seconds,
            "rps": self.rps,
            "p50_ms": self.percentile(0.50),
            "p95_ms": self.percentile(0.95),
            "p99_ms": self.percentile(0.99),
            "statuses": dict(self.statuses),
            "non_2xx": self.failures - self.socket_errors,
            "socket_errors": self.socket_errors,
            "cores": self.cores(),
            "server_cpu_ms_per_request": self.cpu_seconds["server"] / max(1, self.requests) * 1000,
            "postgres_cpu_ms_per_request": self.cpu_seconds["postgres"]
            / max(1, self.requests)
            * 1000,
            "machine_busy": self.cpu_seconds["busy"] / max(1e-9, self.cpu_seconds["total"]),
        }


def run_wrk(command: list[str], seconds: int, output: Path) -> tuple[str, float]:
    """Run wrk to its end; its output and the CPU it used (user + system, from the kernel's
    account of the reaped process)."""
    with output.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    # wrk stops itself after ``seconds``; kill it if it has not well after that.
    watchdog = threading.Timer(seconds + 30, process.kill)
    watchdog.start()
    try:
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        watchdog.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    text = output.read_text(errors="replace")
    if process.returncode != 0:
        raise SystemExit(f"wrk exited with {process.returncode}:\n{text[-2000:]}")
    return text, usage.ru_utime + usage.ru_stime


async def run_slice(
    server: Server,
    requests_file: Path,
    start: int,
    args: argparse.Namespace,
    work: Path,
    tally: Tally,
    profile: Path | None = None,
) -> None:
    seconds = args.seconds // args.rounds
    command = [
        args.wrk,
        "--threads",
        str(args.threads),
        "--connections",
        str(args.connections),
        "--duration",
        f"{seconds}s",
        "--timeout",
        "10s",
        "--script",
        str(LUA),
        server.base_url,
        "--",
        str(requests_file),
        str(start),
        str(args.threads),
    ]
    spy = None if profile is None else start_profiler(server.process.pid, seconds, profile)
    harness = os.times()
    before = cpu_sample(server.process.pid)
    started = time.perf_counter()
    output, wrk_cpu = await asyncio.to_thread(run_wrk, command, seconds, work / "wrk.out")
    wall = time.perf_counter() - started
    used = cpu_seconds(before, cpu_sample(server.process.pid))
    now = os.times()
    # cpu_sample's "client" is this process; with wrk, that is only the harness.
    used.pop("client")
    used |= {"wrk": wrk_cpu, "harness": now.user + now.system - harness.user - harness.system}
    tally.add(output, used, wall)
    if spy is not None:
        await asyncio.to_thread(spy.wait, 30)


# --- reporting -------------------------------------------------------------------------------


def print_phase(phase: str, tallies: dict[str, Tally], connections: int) -> dict[str, Any]:
    figures = {target: tally.figures() for target, tally in tallies.items()}
    app, base = figures["app"], figures["baseline"]
    ratio = app["rps"] / base["rps"] if base["rps"] else float("nan")
    operation = {"list": "list_ideas", "vote": "vote_idea"}[phase]
    print(f"\n### {operation} alone, wrk, {connections} connections\n")
    print("| target | requests | req/s | p50 ms | p95 ms | p99 ms | non-2xx | socket errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for target, row in figures.items():
        print(
            f"| {target} | {row['requests']:,} | {row['rps']:.0f} | {row['p50_ms']:.1f} | "
            f"{row['p95_ms']:.1f} | {row['p99_ms']:.1f} | {row['non_2xx']} | "
            f"{row['socket_errors']} |"
        )
    print(f"\napp/baseline req/s: **{ratio:.2f}**\n")
    cpus = os.cpu_count() or 1
    print(
        f"| target | wrk | server | PostgreSQL | this script | other | machine busy "
        f"| server CPU per request |  (cores of {cpus})"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for target, row in figures.items():
        cores = row["cores"]
        print(
            f"| {target} | {cores['wrk']:.2f} | {cores['server']:.2f} | {cores['postgres']:.2f} | "
            f"{cores['harness']:.2f} | {cores['other']:.2f} | {row['machine_busy']:.0%} | "
            f"{row['server_cpu_ms_per_request']:.2f} ms |"
        )
    for target, tally in tallies.items():
        for sample in tally.samples:
            print(f"  {target} answered: {sample}")
    return {"ratio": ratio, **figures}


# --- main ------------------------------------------------------------------------------------


async def bench(args: argparse.Namespace, work: Path, report: dict[str, Any]) -> int:
    url = url_for(args.database)
    report.update(code=code_under_test(), arguments=vars(args), phases={})
    report["machine"] = {"cpus": os.cpu_count(), "load_average": os.getloadavg()}
    print(f"code under test: {report['code']}; {os.cpu_count()} CPUs; seed {args.seed}")
    world = await load_world(url, args.users)
    print(
        f"database {args.database}: {world.ideas:,} listed ideas; {len(world.users)} participants"
    )
    failed = False
    async with app_and_baseline(url, work, world) as (app, base):
        servers = {"app": app, "baseline": base}
        traffic = {t: Traffic(world, baseline=t == "baseline") for t in TARGETS}
        files = await write_plans(args, work, world, servers, traffic)
        if args.wait_quiet:
            busy = await wait_for_quiet(args.wait_quiet)
            print(f"machine {busy:.0%} busy before the first phase")
        for phase in PHASES:
            if phase not in args.phases:
                continue
            print(
                f"\nphase {phase}: a {args.seconds // args.rounds} s warm-up, then "
                f"{args.seconds} s each in {args.rounds} alternating slices …",
                flush=True,
            )
            tallies = {t: Tally() for t in TARGETS}
            warm = {t: Tally() for t in TARGETS}
            slices = args.rounds + 1
            for turn in range(slices):
                for target in TARGETS:
                    profile = None
                    if args.py_spy and target == "app" and turn:
                        profile = Path(args.py_spy) / f"app-wrk-{phase}-{turn}.txt"
                    start = turn * args.plan // slices
                    await run_slice(
                        servers[target],
                        files[phase, target],
                        start,
                        args,
                        work,
                        tallies[target] if turn else warm[target],
                        profile,
                    )
            for tally in (*tallies.values(), *warm.values()):
                failed |= tally.failures > 0
            for target, tally in warm.items():
                for sample in tally.samples:
                    print(f"  warm-up: {target} answered: {sample}")
            report["phases"][phase] = print_phase(phase, tallies, args.connections)
    failed |= logged_errors([app, base])
    print("\nFAILED: some requests were not answered with 2xx" if failed else "\nno errors")
    return 1 if failed else 0


async def write_plans(
    args: argparse.Namespace,
    work: Path,
    world: World,
    servers: dict[str, Server],
    traffic: dict[str, Traffic],
) -> dict[tuple[str, str], Path]:
    files: dict[tuple[str, str], Path] = {}
    for number, target in enumerate(TARGETS):
        # The same lists for both; votes drawn alike but apart (see the module's notes).
        lists = list_plan(traffic[target], random.Random(args.seed), args.plan)
        votes = vote_plan(traffic[target], random.Random(args.seed * 10 + number), args.plan)
        cursors = await fetch_cursors(servers[target], traffic[target], lists)
        for phase, plan in (("list", lists), ("vote", votes)):
            path = files[phase, target] = work / f"{phase}-{target}.requests"
            write_requests(path, servers[target], traffic[target], plan, cursors)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--users", type=int, default=100, help="participants signed in")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=1, help="wrk's threads")
    parser.add_argument(
        "--seconds", type=int, default=20, help="per phase and target (whole seconds a slice)"
    )
    parser.add_argument(
        "--rounds", type=int, default=4, help="alternating app/baseline slices per phase"
    )
    parser.add_argument("--phases", default="list,vote", type=lambda s: set(s.split(",")))
    parser.add_argument(
        "--plan", type=int, default=50_000, help="distinct requests per phase and target"
    )
    parser.add_argument("--seed", type=int, default=random.randrange(1_000_000))
    parser.add_argument("--json", help="write every figure to this file")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        metavar="MINUTES",
        help="first wait, at most this long, until other work leaves the machine (< 30%% busy)",
    )
    parser.add_argument(
        "--py-spy", metavar="DIR", help="profile the app's slices with py-spy into DIR"
    )
    parser.add_argument("--wrk", default=shutil.which("wrk"), help="the wrk binary")
    args = parser.parse_args()
    if not args.wrk:
        parser.error("no wrk: apt-get install wrk (or --wrk PATH)")
    if not args.threads <= args.connections <= 1000 or args.users < 1 or args.plan < 100:
        parser.error("threads ≤ connections ≤ 1000, at least one user, a plan of 100 or more")
    if args.seconds % args.rounds or args.seconds < args.rounds or args.seconds > 600:
        parser.error("--seconds: a whole number of seconds a slice, at most 600 s a phase")
    if not args.phases <= set(PHASES):
        parser.error(f"phases among {', '.join(PHASES)}")
    work = Path(tempfile.mkdtemp(prefix="candour-wrk-"))
    print(f"server logs and request files in {work}")
    migrate.upgrade(url_for(args.database))
    report: dict[str, Any] = {}
    code = asyncio.run(bench(args, work, report))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=str) + "\n")
    sys.exit(code)


if __name__ == "__main__":
    main()
