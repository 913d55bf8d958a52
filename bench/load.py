"""Load the real app and the bare baseline with the same mixed traffic; report the figures.

    .venv/bin/python bench/load.py                         # after bench/generate.py
    .venv/bin/python bench/load.py --small-database candour_bench_small   # + list-cost check

What it does, all on loopback (127.0.0.1) and bounded in requests and seconds:

1. starts the real app (``uvicorn candour.app:create_app --factory``, one worker) and the
   baseline (``bench/baseline.py``, one worker) as subprocesses on free ports, both on the
   generated database;
2. signs in ``--users`` participants once (argon2 is slow on purpose), keeping their
   bearer tokens; the baseline is told the same people's pseudonyms instead;
3. runs phases against the app and the baseline, taking turns in ``--rounds`` slices so
   that other work on a shared machine falls on both alike, with ``--concurrency``
   workers (one httpx client and one keep-alive connection each):

   - ``mixed``: list ideas (by section or the whole conversation, newest or most liked,
     sometimes following ``next_cursor``), read one idea, vote, post — no pause between
     requests, so the server is saturated: this measures throughput;
   - ``list`` and ``vote``: one operation alone, for a clean throughput ratio;
   - ``paced``: the mixed traffic again, each worker pausing a random time (mean
     ``--think-ms``) between requests, as people do: this measures latency below
     saturation;

4. with ``--small-database``: the cost of a list page at that size against the main
   database's: ``EXPLAIN (ANALYZE, BUFFERS)`` of the page query (first and a deep page),
   single-client HTTP latency, saturated list throughput and server CPU per page.

Per operation it reports count, errors, throughput, p50/p95/p99 and the app/baseline
ratio, and the CPU each process used (client, server, PostgreSQL, anything else), since
everything shares one machine. It exits non-zero if any request failed. ``--json`` writes
every figure to a file; ``--py-spy DIR`` profiles the app in each phase (summarise with
``bench/spy_summary.py``); ``--wait-quiet MINUTES`` first waits for other work to leave a
shared machine. The ideas it posted are deleted at the end, so runs can be repeated on the
same data; it brings the databases to the migrations' head before it starts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from baseline import LISTED, page_sql
from common import (
    DEFAULT_DATABASE,
    PASSWORD,
    PGDATA,
    SERVER_URL_VARIABLE,
    asyncpg_dsn,
    bench_settings,
    url_for,
)

from candour import migrate
from candour.core.settings import PROJECT_ROOT
from candour.identity.pseudonyms import pseudonym_for

HOST = "127.0.0.1"
BENCH_DIR = Path(__file__).resolve().parent
OPERATIONS = ("list_ideas", "get_idea", "vote_idea", "create_idea")
MIXES = {
    "mixed": {"list_ideas": 45, "get_idea": 30, "vote_idea": 20, "create_idea": 5},
    "list": {"list_ideas": 1},
    "vote": {"vote_idea": 1},
}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
POSTED_TITLE = "Benchmark idea "  # the ideas a run posts, removed at its end


# --- the data the traffic is drawn from ------------------------------------------------


@dataclass
class User:
    email: str
    pseudonym: bytes
    token: str = ""


@dataclass
class World:
    conversation_id: uuid.UUID
    section_ids: list[uuid.UUID]
    idea_ids: list[uuid.UUID]
    hot_idea_ids: list[uuid.UUID]
    ideas: int
    users: list[User] = field(default_factory=list)


async def load_world(url: str, users: int) -> World:
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        conversation_id = await connection.fetchval("SELECT id FROM conversations LIMIT 1")
        if conversation_id is None:
            raise SystemExit("no conversation: run bench/generate.py first")
        sections = await connection.fetch(
            "SELECT id FROM sections WHERE conversation_id = $1 ORDER BY position", conversation_id
        )
        ideas = await connection.fetch(
            f"SELECT id FROM ideas WHERE {LISTED} AND conversation_id = $1",
            conversation_id,
        )
        hot = await connection.fetch(
            f"SELECT id FROM ideas WHERE {LISTED} AND conversation_id = $1 "
            "ORDER BY like_count DESC LIMIT 200",
            conversation_id,
        )
        accounts = await connection.fetch(
            "SELECT id, email FROM accounts WHERE role = 'participant' ORDER BY email LIMIT $1",
            users,
        )
    finally:
        await connection.close()
    settings = bench_settings(url)
    return World(
        conversation_id=conversation_id,
        section_ids=[r["id"] for r in sections],
        idea_ids=[r["id"] for r in ideas],
        hot_idea_ids=[r["id"] for r in hot],
        ideas=len(ideas),
        users=[
            User(a["email"], pseudonym_for(settings, conversation_id, a["id"])) for a in accounts
        ],
    )


# --- servers -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    base_url: str
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def server_environment(url: str, logs: Path) -> dict[str, str]:
    """The environment both servers run in (and ``instructions.py``'s in-process runs)."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "CANDOUR_ENVIRONMENT": "test",
        # Background loops are not what is measured here.
        "CANDOUR_RUN_OUTBOX_WORKER": "false",
        "CANDOUR_RUN_RETENTION_SCHEDULER": "false",
        "CANDOUR_AUTH_MIN_RESPONSE_MS": "0",
        "CANDOUR_DATA_DIR": str(logs),
        # Sign-ins all succeed; these only make sure nothing here is ever throttled.
        "CANDOUR_THROTTLE_MAX_FAILURES_PER_ACCOUNT": "1000000",
        "CANDOUR_THROTTLE_MAX_FAILURES_PER_CLIENT": "1000000",
        # A hundred people voting flat out would pass the per-person limits in seconds; the
        # limits are still checked (and counted) on every write, at the same cost.
        "CANDOUR_RATE_LIMIT_POSTS_PER_HOUR": "1000000000",
        "CANDOUR_RATE_LIMIT_VOTES_PER_MINUTE": "1000000000",
    }


def start_server(
    name: str,
    app: str,
    url: str,
    logs: Path,
    extra: list[str],
    workers: int = 1,
    environment: dict[str, str] | None = None,
) -> Server:
    """Serve ``app`` with uvicorn on a free loopback port; ``environment`` overrides (or
    adds to) ``server_environment``'s variables."""
    port = free_port()
    env = server_environment(url, logs) | (environment or {})
    log = logs / f"{name}.log"
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--factory",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
        *extra,
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603
            command, cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    return Server(name, process, f"http://{HOST}:{port}", log)


async def wait_until_up(server: Server, path: str, within: float = 60) -> None:
    deadline = time.monotonic() + within
    async with httpx.AsyncClient(base_url=server.base_url, trust_env=False) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise SystemExit(f"{server.name} exited:\n{server.log.read_text()[-3000:]}")
            try:
                if (await client.get(path, timeout=2)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit(f"{server.name} did not answer {path} within {within} s")


async def sign_in(server: Server, users: list[User]) -> None:
    """One sign-in per user, two at a time (argon2 is slow, and blocks the server's loop)."""
    started = time.perf_counter()
    gate = asyncio.Semaphore(2)

    async def one(client: httpx.AsyncClient, user: User) -> None:
        async with gate:
            response = await client.post(
                "/api/auth/login", json={"email": user.email, "password": PASSWORD}
            )
        if response.status_code != 200:
            raise SystemExit(f"sign-in of {user.email} failed: {response.status_code}")
        user.token = response.json()["access_token"]

    # A throwaway client: the session cookies it is given are never sent afterwards.
    async with httpx.AsyncClient(base_url=server.base_url, trust_env=False, timeout=60) as client:
        await asyncio.gather(*(one(client, user) for user in users))
    print(f"signed in {len(users)} participants in {time.perf_counter() - started:.1f} s")


@asynccontextmanager
async def app_and_baseline(
    url: str, logs: Path, world: World
) -> AsyncIterator[tuple[Server, Server]]:
    """The real app and the baseline, one uvicorn worker each on ``url``, both answering,
    with ``world.users`` signed in to the app; both stopped at the end."""
    servers: list[Server] = []
    try:
        app = start_server("app", "candour.app:create_app", url, logs, [])
        servers.append(app)
        base = start_server(
            "baseline", "baseline:create_app", url, logs, ["--app-dir", str(BENCH_DIR)]
        )
        servers.append(base)
        await wait_until_up(app, "/api/health")
        await wait_until_up(base, "/health")
        await sign_in(app, world.users)
        yield app, base
    finally:
        for server in servers:
            server.stop()


def logged_errors(servers: list[Server]) -> bool:
    """Print and return whether any (stopped) server logged a traceback or an error."""
    failed = False
    for server in servers:
        crashed = [
            line
            for line in server.log.read_text().splitlines()
            if "Traceback" in line or "ERROR" in line
        ]
        if crashed:
            print(f"\n{server.name} logged errors (see {server.log}):", *crashed[:5], sep="\n  ")
            failed = True
    return failed


# --- CPU accounting ----------------------------------------------------------------------


def _stat(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return []


def process_cpu(pid: int, children: bool = False) -> float:
    """utime + stime (+ cutime + cstime: the CPU of children it has reaped), in seconds."""
    fields = _stat(pid)
    if not fields:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / CLOCK_TICKS


def postgres_cpu() -> float:
    """The embedded server's CPU: its postmaster, the backends alive now, and the backends
    that have exited (reaped by the postmaster, so counted in its children's time)."""
    postmaster = postmaster_pid()
    if postmaster is None:
        return 0.0
    total = process_cpu(postmaster, children=True)
    for pid in children_of(postmaster):
        total += process_cpu(pid)
    return total


def postmaster_pid() -> int | None:
    """The embedded server's postmaster, if it runs (None with an external server)."""
    pid_file = PGDATA / "postmaster.pid"
    if os.environ.get(SERVER_URL_VARIABLE) or not pid_file.exists():
        return None
    return int(pid_file.read_text().split()[0])


def children_of(parent: int) -> list[int]:
    """The processes whose parent is ``parent`` now."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields and int(fields[1]) == parent:
                found.append(int(entry.name))
    return found


def machine_busy() -> tuple[float, float]:
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / CLOCK_TICKS, sum(values) / CLOCK_TICKS


@dataclass
class CpuSample:
    server: float
    postgres: float
    client: float
    busy: float
    total: float


def cpu_sample(server_pid: int) -> CpuSample:
    times = os.times()
    busy, total = machine_busy()
    return CpuSample(
        server=process_cpu(server_pid),
        postgres=postgres_cpu(),
        client=times.user + times.system,
        busy=busy,
        total=total,
    )


def cpu_seconds(before: CpuSample, after: CpuSample) -> dict[str, float]:
    """CPU seconds used between two samples, by whom."""
    return {
        "server": after.server - before.server,
        "postgres": after.postgres - before.postgres,
        "client": after.client - before.client,
        "busy": after.busy - before.busy,
        "total": after.total - before.total,
    }


async def wait_for_quiet(minutes: float, threshold: float = 0.3) -> float:
    """Wait (at most ``minutes``) until the machine is less than ``threshold`` busy over
    five seconds: on a shared machine, other work skews every figure. Returns the last
    busy fraction seen."""
    deadline = time.monotonic() + minutes * 60
    while True:
        before = machine_busy()
        await asyncio.sleep(5)
        after = machine_busy()
        busy = (after[0] - before[0]) / (after[1] - before[1])
        if busy < threshold or time.monotonic() >= deadline:
            return busy
        print(f"  machine {busy:.0%} busy with other work; waiting …", flush=True)


# --- traffic -----------------------------------------------------------------------------


@dataclass
class Result:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {o: [] for o in OPERATIONS})
    errors: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OPERATIONS, 0))
    error_samples: list[str] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: dict[str, float] = field(default_factory=dict)

    def record(self, operation: str, seconds: float, problem: str | None) -> None:
        self.latencies[operation].append(seconds)
        if problem is not None:
            self.errors[operation] += 1
            if len(self.error_samples) < 10:
                self.error_samples.append(f"{operation}: {problem}")

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    def add_time(self, seconds: float, used: dict[str, float]) -> None:
        self.seconds += seconds
        for key, value in used.items():
            self.cpu_seconds[key] = self.cpu_seconds.get(key, 0.0) + value

    @property
    def cpu(self) -> dict[str, float]:
        """Cores used on average, by whom; and how busy the whole machine was."""
        used = self.cpu_seconds
        if not self.seconds or not used:
            return {}
        mine = used["server"] + used["postgres"] + used["client"]
        return {
            "server": used["server"] / self.seconds,
            "postgres": used["postgres"] / self.seconds,
            "client": used["client"] / self.seconds,
            "other": max(0.0, used["busy"] - mine) / self.seconds,
            "machine_busy": used["busy"] / used["total"],
            "server_ms_per_request": used["server"] / max(1, self.requests) * 1000,
            "postgres_ms_per_request": used["postgres"] / max(1, self.requests) * 1000,
        }


class Budget:
    """At most ``limit`` requests, and none started after ``deadline``."""

    def __init__(self, limit: int, seconds: float) -> None:
        self.left = limit
        self.deadline = time.perf_counter() + seconds

    def take(self) -> bool:
        if self.left <= 0 or time.perf_counter() >= self.deadline:
            return False
        self.left -= 1
        return True


class Traffic:
    """Builds the requests of one target: the app (bearer tokens) or the baseline
    (``X-Bench-Pseudonym``); the same paths, bodies and random choices for both."""

    def __init__(self, world: World, baseline: bool) -> None:
        self.world = world
        self.ideas_path = f"/api/conversations/{world.conversation_id}/ideas"
        self.idea_paths = [f"{self.ideas_path}/{i}" for i in world.idea_ids]
        self.hot_paths = [f"{self.ideas_path}/{i}" for i in world.hot_idea_ids]
        self.sections = [str(s) for s in world.section_ids]
        self.votes = [json.dumps({"vote": v}).encode() for v in ("like", "dislike", "none")]
        self.headers = [
            {"X-Bench-Pseudonym": u.pseudonym.hex(), "Content-Type": "application/json"}
            if baseline
            else {"Authorization": f"Bearer {u.token}", "Content-Type": "application/json"}
            for u in world.users
        ]

    def idea_path(self, rng: random.Random) -> str:
        # Half the reads and votes go to the ideas at the top of the lists.
        return rng.choice(self.hot_paths if rng.random() < 0.5 else self.idea_paths)

    def list_params(self, rng: random.Random) -> dict[str, str]:
        params = {"sort": "newest" if rng.random() < 0.5 else "most_liked"}
        if rng.random() < 0.75:
            params["section_id"] = rng.choice(self.sections)
        return params

    def new_idea(self, rng: random.Random) -> bytes:
        number = rng.randrange(1_000_000)
        return json.dumps(
            {
                "section_id": rng.choice(self.sections),
                "title": f"{POSTED_TITLE}{number}: keep the staff room open at night",
                "body": "Night staff have nowhere to rest during breaks. "
                "Please keep the staff room open and stocked after eight in the evening.",
            }
        ).encode()


def _problem(response: httpx.Response) -> str | None:
    if response.status_code < 300:
        return None
    return f"{response.status_code} {response.text[:200]}"


async def worker(
    client: httpx.AsyncClient,
    traffic: Traffic,
    mix: dict[str, int],
    budget: Budget,
    result: Result,
    rng: random.Random,
    think_ms: float,
) -> None:
    operations, weights = list(mix), list(mix.values())
    users = len(traffic.headers)

    async def timed(operation: str, method: str, url: str, **kwargs: Any) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = await client.request(method, url, **kwargs)
        except httpx.HTTPError as error:
            result.record(operation, time.perf_counter() - started, repr(error))
            return None
        result.record(operation, time.perf_counter() - started, _problem(response))
        return response

    while budget.take():
        if think_ms:
            await asyncio.sleep(rng.expovariate(1000 / think_ms))
        operation = rng.choices(operations, weights)[0]
        headers = traffic.headers[rng.randrange(users)]
        if operation == "list_ideas":
            params = traffic.list_params(rng)
            # Three lists in ten read on: one to three pages more, by the cursor.
            more = rng.randint(1, 3) if rng.random() < 0.3 else 0
            for page in range(more + 1):
                response = await timed(
                    operation, "GET", traffic.ideas_path, params=params, headers=headers
                )
                if page == more or response is None or response.status_code != 200:
                    break
                cursor = response.json()["next_cursor"]
                if not cursor or not budget.take():
                    break
                params = {**params, "cursor": cursor}
        elif operation == "get_idea":
            await timed(operation, "GET", traffic.idea_path(rng), headers=headers)
        elif operation == "vote_idea":
            body = traffic.votes[rng.choices((0, 1, 2), (60, 25, 15))[0]]
            await timed(
                operation, "PUT", traffic.idea_path(rng) + "/vote", content=body, headers=headers
            )
        else:
            body = traffic.new_idea(rng)
            await timed(operation, "POST", traffic.ideas_path, content=body, headers=headers)


def clients(server: Server, n: int) -> list[httpx.AsyncClient]:
    return [
        httpx.AsyncClient(
            base_url=server.base_url,
            trust_env=False,
            timeout=httpx.Timeout(10.0),
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
        )
        for _ in range(n)
    ]


def start_profiler(pid: int, seconds: float, output: Path) -> subprocess.Popen[bytes]:
    """py-spy on a server for ``seconds``: collapsed stacks, one per line, into ``output``
    (summarise with ``bench/spy_summary.py``). py-spy writes nothing, and says so only on
    its standard error, which is not kept, when the folder does not exist: it is made here."""
    output.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).with_name("py-spy")),
            "record",
            "--pid",
            str(pid),
            "--rate",
            "200",
            "--nonblocking",
            "--format",
            "raw",
            "--duration",
            str(int(seconds)),
            "--output",
            str(output),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def run_phase(
    server: Server,
    pool: list[httpx.AsyncClient],
    traffic: Traffic,
    mix: dict[str, int],
    seconds: float,
    max_requests: int,
    seed: int,
    think_ms: float = 0,
    profile: Path | None = None,
    result: Result | None = None,
) -> Result:
    """Run ``mix`` for ``seconds`` (or ``max_requests``); add to ``result`` if given."""
    result = result or Result()
    budget = Budget(max_requests, seconds)
    spy = None if profile is None else start_profiler(server.process.pid, seconds, profile)
    before = cpu_sample(server.process.pid)
    started = time.perf_counter()
    await asyncio.gather(
        *(
            worker(client, traffic, mix, budget, result, random.Random(seed * 1000 + i), think_ms)
            for i, client in enumerate(pool)
        )
    )
    result.add_time(
        time.perf_counter() - started, cpu_seconds(before, cpu_sample(server.process.pid))
    )
    if spy is not None:
        await asyncio.to_thread(spy.wait, 30)
    return result


# --- reporting ---------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile, in milliseconds."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1] * 1000


def summary(result: Result) -> dict[str, dict[str, float]]:
    rows = {}
    for operation, latencies in result.latencies.items():
        if latencies:
            rows[operation] = {
                "count": len(latencies),
                "errors": result.errors[operation],
                "rps": len(latencies) / result.seconds,
                "p50": percentile(latencies, 0.50),
                "p95": percentile(latencies, 0.95),
                "p99": percentile(latencies, 0.99),
            }
    every = [s for latencies in result.latencies.values() for s in latencies]
    rows["all"] = {
        "count": len(every),
        "errors": sum(result.errors.values()),
        "rps": len(every) / result.seconds,
        "p50": percentile(every, 0.50),
        "p95": percentile(every, 0.95),
        "p99": percentile(every, 0.99),
    }
    return rows


def print_phase(name: str, app: Result, base: Result) -> dict[str, Any]:
    app_rows, base_rows = summary(app), summary(base)
    print(f"\n### {name}\n")
    print(
        "| operation | target | count | errors | req/s | p50 ms | p95 ms | p99 ms | "
        "app/baseline req/s |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for operation in [*OPERATIONS, "all"]:
        if operation not in app_rows:
            continue
        for target, rows in (("app", app_rows), ("baseline", base_rows)):
            row = rows[operation]
            ratio = ""
            if target == "app" and operation in base_rows:
                ratio = f"{row['rps'] / base_rows[operation]['rps']:.2f}"
            print(
                f"| {operation} | {target} | {row['count']:,} | {row['errors']} | "
                f"{row['rps']:.0f} | {row['p50']:.1f} | {row['p95']:.1f} | {row['p99']:.1f} | "
                f"{ratio} |"
            )
    for target, result in (("app", app), ("baseline", base)):
        cpu = result.cpu
        per_request = cpu["server_ms_per_request"]
        print(
            f"\n{target}: {result.seconds:.1f} s; cores used: server {cpu['server']:.2f}, "
            f"PostgreSQL {cpu['postgres']:.2f}, load client {cpu['client']:.2f}, "
            f"other processes {cpu['other']:.2f} (machine {cpu['machine_busy']:.0%} busy); "
            f"server CPU per request {per_request:.2f} ms"
        )
        if cpu["other"] > 0.25:
            print(
                f"  (other processes took {cpu['other']:.2f} of {os.cpu_count()} cores: "
                "these figures understate a machine of its own)"
            )
        for sample in result.error_samples:
            print(f"  error: {sample}")
    return {
        "app": {"operations": app_rows, "cpu": app.cpu, "seconds": app.seconds},
        "baseline": {"operations": base_rows, "cpu": base.cpu, "seconds": base.seconds},
    }


async def remove_posted_ideas(databases: list[str]) -> None:
    """Delete the ideas this run posted, so that the next run finds the same conversation
    (votes cast stay: they changed counts consistently, as people do)."""
    for database in databases:
        connection = await asyncpg.connect(asyncpg_dsn(url_for(database)))
        try:
            status = await connection.execute(
                "DELETE FROM ideas WHERE title LIKE $1", POSTED_TITLE + "%"
            )
            print(f"removed the {status.split()[-1]} ideas posted in {database}")
        finally:
            await connection.close()


# --- the cost of a list page: 1,000 ideas against 50,000 ---------------------------------


async def explain_list(url: str, repeats: int) -> dict[str, dict[str, float]]:
    """EXPLAIN (ANALYZE, BUFFERS) of the service's page query on the largest section:
    the first page and the sixth (five cursors deep), newest and most liked."""
    connection = await asyncpg.connect(asyncpg_dsn(url))
    figures: dict[str, dict[str, float]] = {}
    try:
        section_id = await connection.fetchval(
            f"SELECT section_id FROM ideas WHERE {LISTED} "
            "GROUP BY section_id ORDER BY count(*) DESC LIMIT 1"
        )
        for sort, key in (("newest", "created_at"), ("most_liked", "like_count")):
            # Walk five pages of 20 to find the sixth page's cursor.
            after: tuple[Any, uuid.UUID] | None = None
            for _ in range(5):
                sql = page_sql(sort, "section_id", after is not None, 21)
                rows = await connection.fetch(sql, section_id, *(after or ()))
                last = rows[19] if len(rows) > 20 else rows[-1]
                after = (last[key], last["id"])
            for page, arguments in (("page 1", ()), ("page 6", after or ())):
                sql = page_sql(sort, "section_id", bool(arguments), 21)
                times, buffers = [], 0
                for _ in range(repeats):
                    plan = await connection.fetchval(
                        f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}",
                        section_id,
                        *arguments,
                    )
                    top = json.loads(plan)[0]
                    times.append(top["Execution Time"])
                    node = top["Plan"]
                    buffers = node.get("Shared Hit Blocks", 0) + node.get("Shared Read Blocks", 0)
                figures[f"{sort}, {page}"] = {
                    "ms": statistics.median(times),
                    "buffers": buffers,
                }
    finally:
        await connection.close()
    return figures


async def count_ideas(url: str) -> int:
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        count: int = await connection.fetchval(f"SELECT count(*) FROM ideas WHERE {LISTED}")
        return count
    finally:
        await connection.close()


async def list_probe(
    server: Server, traffic: Traffic, requests: int, seed: int
) -> dict[str, float]:
    """One client, one request at a time: what a list page costs when nobody queues."""
    rng = random.Random(seed)
    latencies = []
    errors = 0
    async with httpx.AsyncClient(base_url=server.base_url, trust_env=False, timeout=10) as client:
        for _ in range(requests):
            params = traffic.list_params(rng)
            headers = traffic.headers[rng.randrange(len(traffic.headers))]
            started = time.perf_counter()
            response = await client.get(traffic.ideas_path, params=params, headers=headers)
            latencies.append(time.perf_counter() - started)
            errors += response.status_code != 200
    return {
        "count": requests,
        "errors": errors,
        "p50": percentile(latencies, 0.5),
        "mean": statistics.fmean(latencies) * 1000,
        "p95": percentile(latencies, 0.95),
    }


# --- main --------------------------------------------------------------------------------


def code_under_test() -> str:
    """Which candour is served: the checkout the package is imported from, and its commit."""
    try:
        described = subprocess.run(  # noqa: S603
            ["git", "-C", str(PROJECT_ROOT), "describe", "--always", "--dirty"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        # A snapshot made as bench/README.md says records its commit in COMMIT.
        stamp = PROJECT_ROOT / "COMMIT"
        described = stamp.read_text().strip() if stamp.exists() else "not a git checkout"
    return f"{PROJECT_ROOT} ({described})"


async def bench(args: argparse.Namespace, logs: Path, report: dict[str, Any]) -> int:
    url = url_for(args.database)
    report["code"] = code_under_test()
    report["machine"] = {"cpus": os.cpu_count(), "load_average": os.getloadavg()}
    print(f"code under test: {report['code']}; {os.cpu_count()} CPUs")
    world = await load_world(url, args.users)
    print(
        f"database {args.database}: {world.ideas:,} listed ideas, "
        f"{len(world.section_ids)} sections; {len(world.users)} participants will sign in"
    )
    report.update(arguments=vars(args), phases={})
    failed = False
    try:
        async with app_and_baseline(url, logs, world) as (app, base):
            failed |= await _phases(args, logs, url, world, app, base, report)
    finally:
        await remove_posted_ideas([d for d in (args.database, args.small_database) if d])
    failed |= logged_errors([app, base])
    print("\nFAILED: some requests errored" if failed else "\nno errors")
    return 1 if failed else 0


async def _phases(
    args: argparse.Namespace,
    logs: Path,
    url: str,
    world: World,
    app: Server,
    base: Server,
    report: dict[str, Any],
) -> bool:
    """The warm-up, the phases and the list-cost runs; True if a request failed."""
    failed = False
    if args.wait_quiet:
        busy = await wait_for_quiet(args.wait_quiet)
        print(f"machine {busy:.0%} busy before the first phase")
    targets = {
        "app": (app, Traffic(world, baseline=False), clients(app, args.concurrency)),
        "baseline": (base, Traffic(world, baseline=True), clients(base, args.concurrency)),
    }
    print(f"warming up for {args.warmup:g} s each …", flush=True)
    for server, traffic, pool in targets.values():
        warm = await run_phase(
            server, pool, traffic, MIXES["mixed"], args.warmup, args.max_requests, 1
        )
        failed |= sum(warm.errors.values()) > 0
        for sample in warm.error_samples:
            print(f"  warm-up error: {sample}")
    phases: list[tuple[str, str, float]] = [
        ("mixed", "mixed", 0.0),
        ("list", "list", 0.0),
        ("vote", "vote", 0.0),
        ("paced", "mixed", args.think_ms),
    ]
    titles = {
        "mixed": f"Mixed traffic, {args.concurrency} clients, no pause (saturated)",
        "list": f"list_ideas alone, {args.concurrency} clients, no pause",
        "vote": f"vote_idea alone, {args.concurrency} clients, no pause",
        "paced": f"Mixed traffic, {args.concurrency} clients pausing "
        f"{args.think_ms:g} ms on average between requests",
    }
    for number, (name, mix, think) in enumerate(phases, start=2):
        if name not in args.phases:
            continue
        slice_seconds = args.seconds / args.rounds
        print(
            f"\nphase {name}: {args.seconds:g} s each, in {args.rounds} alternating "
            f"slices of {slice_seconds:g} s …",
            flush=True,
        )
        results = {target: Result() for target in targets}
        # App and baseline take turns, so that other work on a shared machine falls on
        # both alike.
        for turn in range(args.rounds):
            for target, (server, traffic, pool) in targets.items():
                profile = None
                if args.py_spy and target == "app":
                    profile = Path(args.py_spy) / f"app-{name}-{turn + 1}.txt"
                await run_phase(
                    server,
                    pool,
                    traffic,
                    MIXES[mix],
                    slice_seconds,
                    args.max_requests // args.rounds,
                    number * 100 + turn,
                    think,
                    profile,
                    results[target],
                )
        for result in results.values():
            failed |= sum(result.errors.values()) > 0
        report["phases"][name] = print_phase(titles[name], results["app"], results["baseline"])
    for _server, _, pool in targets.values():
        for client in pool:
            await client.aclose()
    if args.small_database:
        # The same conversation as generated: without the ideas the phases posted.
        await remove_posted_ideas([args.database])
        report["list_cost"] = await list_cost(args, logs, url, app, world)
        failed |= any(r["http"]["errors"] for r in report["list_cost"].values())
    return failed


async def list_cost(
    args: argparse.Namespace, logs: Path, url: str, app: Server, world: World
) -> dict[str, Any]:
    """The same list measurements on the main and the small database."""
    results: dict[str, Any] = {}
    small_url = url_for(args.small_database)
    small_world = await load_world(small_url, 10)
    small_app = start_server("app-small", "candour.app:create_app", small_url, logs, [])
    try:
        await wait_until_up(small_app, "/api/health")
        await sign_in(small_app, small_world.users)
        for label, server, db_url, data in (
            ("main", app, url, world),
            ("small", small_app, small_url, small_world),
        ):
            traffic = Traffic(data, baseline=False)
            await list_probe(server, traffic, 50, 99)  # warm
            http = await list_probe(server, traffic, args.probe_requests, 7)
            pool = clients(server, args.concurrency)
            saturated = await run_phase(
                server, pool, traffic, MIXES["list"], args.seconds, args.max_requests, 11
            )
            for client in pool:
                await client.aclose()
            rows = summary(saturated)["list_ideas"]
            results[label] = {
                "ideas": await count_ideas(db_url),
                "explain": await explain_list(db_url, 21),
                "http": http,
                "saturated": rows
                | {
                    "server_cpu_ms": saturated.cpu["server_ms_per_request"],
                    "postgres_cpu_ms": saturated.cpu["postgres_ms_per_request"],
                    "other_cores": saturated.cpu["other"],
                },
            }
    finally:
        small_app.stop()
    main, small = results["main"], results["small"]
    print(f"\n### The cost of a list page: {main['ideas']:,} ideas against {small['ideas']:,}\n")
    print(f"| measure | {small['ideas']:,} ideas | {main['ideas']:,} ideas | ratio |")
    print("|---|---:|---:|---:|")
    rows: list[tuple[str, Callable[[dict[str, Any]], float], str]] = []
    for query in main["explain"]:
        rows.append(
            (f"PostgreSQL execution, {query} (ms)", lambda r, q=query: r["explain"][q]["ms"], ".3f")
        )
        rows.append(
            (f"buffers touched, {query}", lambda r, q=query: r["explain"][q]["buffers"], ".0f")
        )
    rows += [
        ("HTTP p50, one client (ms)", lambda r: r["http"]["p50"], ".2f"),
        ("HTTP mean, one client (ms)", lambda r: r["http"]["mean"], ".2f"),
        (f"list req/s, {args.concurrency} clients", lambda r: r["saturated"]["rps"], ".0f"),
        (f"list p95, {args.concurrency} clients (ms)", lambda r: r["saturated"]["p95"], ".1f"),
        ("server CPU per page (ms)", lambda r: r["saturated"]["server_cpu_ms"], ".2f"),
        ("PostgreSQL CPU per page (ms)", lambda r: r["saturated"]["postgres_cpu_ms"], ".2f"),
    ]
    for label, get, spec in rows:
        big_value, small_value = get(main), get(small)
        ratio = big_value / small_value if small_value else float("nan")
        print(f"| {label} | {small_value:{spec}} | {big_value:{spec}} | {ratio:.2f} |")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument(
        "--small-database", help="also compare the cost of a list page with this database"
    )
    parser.add_argument("--users", type=int, default=100, help="participants signed in")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20, help="per phase and target")
    parser.add_argument(
        "--rounds", type=int, default=4, help="alternating app/baseline slices per phase"
    )
    parser.add_argument("--warmup", type=float, default=5, help="seconds, per target")
    parser.add_argument("--max-requests", type=int, default=100_000, help="per phase and target")
    parser.add_argument("--think-ms", type=float, default=500, help="mean pause, paced phase")
    parser.add_argument("--probe-requests", type=int, default=400)
    parser.add_argument(
        "--phases", default="mixed,list,vote,paced", type=lambda s: set(s.split(","))
    )
    parser.add_argument("--json", help="write every figure to this file")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        metavar="MINUTES",
        help="first wait, at most this long, until other work leaves the machine (< 30%% busy)",
    )
    parser.add_argument(
        "--py-spy",
        metavar="DIR",
        help="profile the app in each phase with py-spy (pip install py-spy) into DIR",
    )
    args = parser.parse_args()
    if not 1 <= args.concurrency <= 500 or args.seconds > 600 or args.users < 1:
        parser.error("concurrency 1–500, at most 600 s per phase, at least one user")
    if not 1 <= args.rounds <= args.seconds:
        parser.error("between one round and one round per second")
    logs = Path(tempfile.mkdtemp(prefix="candour-bench-"))
    print(f"server logs in {logs}")
    # The product's migrations move on; bring the generated databases up to date.
    for database in filter(None, (args.database, args.small_database)):
        migrate.upgrade(url_for(database))
    report: dict[str, Any] = {}
    code = asyncio.run(bench(args, logs, report))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=str) + "\n")
    sys.exit(code)


if __name__ == "__main__":
    main()
