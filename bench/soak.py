"""A bounded soak: 200 simulated participants for ten minutes against two uvicorn workers.

    .venv/bin/python bench/generate.py --database candour_bench_soak --participants 1000 \\
        --sections 10 --ideas 3000 --comments 12000 --votes 60000 --comment-votes 30000
    .venv/bin/python bench/soak.py --json /tmp/soak.json            # ten minutes
    .venv/bin/python bench/soak.py --minutes 1 --warmup-minutes 0.25  # a smoke run

What it does, all on loopback (127.0.0.1):

1. starts the real app (``uvicorn candour.app:create_app --factory --workers 2``) on the
   soak database, with the product's own per-participant rate limits (30 posts an hour,
   120 votes a minute: the pace below stays well inside them, so a 429 is an error), the
   outbox worker and the retention scheduler off, the live-feed loops on;
2. signs in ``--participants`` people before the clock starts (argon2 is slow on purpose);
3. runs each participant as a person for ``--minutes``: one keep-alive connection of its
   own, one request at a time, pausing a random time (exponential, mean ``--think-seconds``)
   between actions. An action is one of: read a list (a section or the whole conversation,
   one of the four sorts, sometimes the next page), open an idea from the list it read
   (the idea, then its comments), like/dislike/withdraw a vote on an idea or on a comment
   it has seen, post a comment or a reply or (rarely) an idea with an ``Idempotency-Key``
   (one post in ten is sent twice with the same key, as a client retrying after a
   timeout: the second answer must be 200 with the same post), or search;
4. every ``--sample-seconds`` reads the resident memory (``VmRSS`` in ``/proc/<pid>/status``)
   of each uvicorn worker (the master's children) and of the embedded PostgreSQL (the
   postmaster and its backends);
5. afterwards, with the app stopped: every idea's and comment's ``like_count`` and
   ``dislike_count`` against the rows of ``idea_votes`` and ``comment_votes``, every idea's
   ``comment_count`` against its published comments, each participant's final vote on
   everything it voted on against the simulation's own ledger of its last vote, and each
   ``Idempotency-Key`` it used against exactly one post;
6. deletes what it posted (the counters of the ideas it commented on put back from the
   rows), so it can be repeated on the same data; the votes stay, as in ``load.py``.

Every response is checked: a 5xx, a transport error, any 4xx (429 included) or a vote's
answer that does not echo the vote just cast is an error. The run fails (exit status 1)
on any error, any count or ledger mismatch, an error in a worker's log, a worker that was
replaced, or a worker whose memory is not flat: its least-squares growth over the run
after ``--warmup-minutes`` must stay under the larger of ``--flat-mib`` (10 MiB) and
``--flat-percent`` (5 %) of its resident size at the end of the warm-up.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from common import COMMENT_COUNTERS_WRONG, IDEA_COUNTERS_WRONG, asyncpg_dsn, url_for
from generate import TOPICS
from load import (
    HOST,
    POSTED_TITLE,
    Result,
    Traffic,
    User,
    World,
    children_of,
    code_under_test,
    cpu_sample,
    cpu_seconds,
    load_world,
    logged_errors,
    postmaster_pid,
    process_cpu,
    remove_posted_ideas,
    sign_in,
    start_server,
    summary,
    wait_until_up,
)

from candour import migrate
from candour.core.settings import Settings

DATABASE = "candour_bench_soak"
OPERATIONS = (
    "list_ideas",
    "get_idea",
    "list_comments",
    "vote_idea",
    "vote_comment",
    "create_idea",
    "create_comment",
    "search_contributions",
)
# What a participant does next, by weight: mostly reading, a fifth voting, a little posting.
ACTIONS = {
    "browse": 36,
    "read": 28,
    "vote_idea": 16,
    "vote_comment": 9,
    "search": 6,
    "comment": 2,
    "idea": 0.7,
}
VOTES = (("like", 55), ("dislike", 30), ("none", 15))
VOTE_VALUE = {"like": 1, "dislike": -1, "none": 0}
SORTS = ("newest", "most_liked", "most_discussed", "most_divided")
POSTED_COMMENT = "Soak comment "  # the comments a run posts, removed at its end
REPLAY_SHARE = 0.1  # posts sent a second time with the same Idempotency-Key


# --- the participants --------------------------------------------------------------------


@dataclass
class Ledger:
    """What the simulation did, to check the database against afterwards."""

    votes: dict[tuple[str, uuid.UUID, bytes], int] = field(default_factory=dict)
    idempotency_keys: dict[str, dict[str, uuid.UUID]] = field(
        default_factory=lambda: {"idea": {}, "comment": {}}
    )
    replays: int = 0
    problems: Counter[str] = field(default_factory=Counter)


@dataclass
class Participant:
    user: User
    client: httpx.AsyncClient
    rng: random.Random
    seen_ideas: list[str] = field(default_factory=list)
    idea: str | None = None  # the idea it has open
    comments: list[tuple[str, bool]] = field(default_factory=list)  # (id, is top-level)
    posts: int = 0


class Simulation:
    """The participants' behaviour, the results and the ledger of one run."""

    def __init__(
        self, world: World, result: Result, ledger: Ledger, think: float, max_posts: int
    ) -> None:
        self.world = world
        self.traffic = Traffic(world, baseline=False)
        self.result = result
        self.ledger = ledger
        self.think = think
        self.max_posts = max_posts
        self.base = f"/api/conversations/{world.conversation_id}"
        self.deadline = 0.0

    async def run(self, person: Participant) -> None:
        """One participant until ``self.deadline``: act, pause, act …"""
        actions, weights = list(ACTIONS), list(ACTIONS.values())
        headers = {"Authorization": f"Bearer {person.user.token}"}
        person.client.headers.update(headers)
        # Arrive spread out over one pause, not all in the first millisecond.
        if not await self.pause(person, person.rng.uniform(0, self.think)):
            return
        while True:
            action = person.rng.choices(actions, weights)[0]
            await getattr(self, f"_{action}")(person)
            if not await self.pause(person):
                return

    async def pause(self, person: Participant, seconds: float | None = None) -> bool:
        """Think for a while (at most until the deadline); False once the time is up."""
        if seconds is None:
            seconds = person.rng.expovariate(1 / self.think)
        await asyncio.sleep(max(0.0, min(seconds, self.deadline - time.perf_counter())))
        return time.perf_counter() < self.deadline

    async def call(
        self,
        person: Participant,
        operation: str,
        method: str,
        url: str,
        expect: int = 200,
        **kwargs: Any,
    ) -> dict[str, Any] | None:
        """One timed request; its JSON if it answered ``expect``, else None (an error)."""
        started = time.perf_counter()
        try:
            response = await person.client.request(method, url, **kwargs)
        except httpx.HTTPError as error:
            self.result.record(operation, time.perf_counter() - started, repr(error))
            self.ledger.problems["transport error"] += 1
            return None
        elapsed = time.perf_counter() - started
        if response.status_code != expect:
            self.result.record(operation, elapsed, f"{response.status_code} {response.text[:200]}")
            self.ledger.problems[f"HTTP {response.status_code}"] += 1
            return None
        self.result.record(operation, elapsed, None)
        body: dict[str, Any] = response.json()
        return body

    def _wrong(self, operation: str, problem: str) -> None:
        """A response with the right status but the wrong content: an error too."""
        self.result.errors[operation] += 1
        if len(self.result.error_samples) < 10:
            self.result.error_samples.append(f"{operation}: {problem}")
        self.ledger.problems[problem.split(":")[0]] += 1

    async def _browse(self, person: Participant) -> None:
        rng = person.rng
        params = {"sort": rng.choice(SORTS)}
        if rng.random() < 0.75:
            params["section_id"] = rng.choice(self.traffic.sections)
        pages = 1 + (rng.randint(1, 2) if rng.random() < 0.3 else 0)
        for _ in range(pages):
            page = await self.call(person, "list_ideas", "GET", self.base + "/ideas", params=params)
            if page is None:
                return
            person.seen_ideas = [item["id"] for item in page["items"]] or person.seen_ideas
            if not page["next_cursor"]:
                return
            params = {**params, "cursor": page["next_cursor"]}
            if not await self.pause(person):
                return

    async def _read(self, person: Participant) -> None:
        rng = person.rng
        if person.seen_ideas and rng.random() < 0.85:
            idea = rng.choice(person.seen_ideas)
        else:
            idea = str(rng.choice(self.world.idea_ids))
        path = f"{self.base}/ideas/{idea}"
        if await self.call(person, "get_idea", "GET", path) is None:
            return
        page = await self.call(person, "list_comments", "GET", path + "/comments")
        if page is None:
            return
        person.idea = idea
        person.comments = [
            (c["id"], c["parent_id"] is None)
            for c in page["items"]
            if c["status"] == "published" and c["moderation"] == "visible"
        ]

    async def _vote(self, person: Participant, kind: str, item: str) -> None:
        choice = person.rng.choices([v for v, _ in VOTES], [w for _, w in VOTES])[0]
        path = f"{self.base}/{kind}s/{item}/vote"
        operation = f"vote_{kind}"
        tally = await self.call(person, operation, "PUT", path, json={"vote": choice})
        if tally is None:
            return
        self.ledger.votes[(kind, uuid.UUID(item), person.user.pseudonym)] = VOTE_VALUE[choice]
        expected = None if choice == "none" else choice
        if tally["my_vote"] != expected:
            self._wrong(operation, f"vote answer: sent {choice}, told {tally['my_vote']}")

    async def _vote_idea(self, person: Participant) -> None:
        if person.idea is not None and person.rng.random() < 0.7:
            await self._vote(person, "idea", person.idea)
        elif person.seen_ideas:
            await self._vote(person, "idea", person.rng.choice(person.seen_ideas))
        else:
            await self._browse(person)

    async def _vote_comment(self, person: Participant) -> None:
        if person.comments:
            await self._vote(person, "comment", person.rng.choice(person.comments)[0])
        else:
            await self._read(person)

    async def _search(self, person: Participant) -> None:
        words = person.rng.choice(TOPICS).removeprefix("the ")
        params: dict[str, str] = {"q": words}
        if person.rng.random() < 0.3:
            params["section_id"] = person.rng.choice(self.traffic.sections)
        page = await self.call(
            person, "search_contributions", "GET", self.base + "/search", params=params
        )
        if page is not None:
            found = [h["idea"]["id"] for h in page["items"] if h["kind"] == "idea"]
            person.seen_ideas = found or person.seen_ideas

    async def _post(
        self, person: Participant, kind: str, path: str, body: dict[str, Any] | bytes
    ) -> dict[str, Any] | None:
        """Post with a fresh Idempotency-Key; sometimes send it again, as after a timeout."""
        operation = f"create_{kind}"
        key = str(uuid.uuid4())
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = {"Idempotency-Key": key, "Content-Type": "application/json"}
        created = await self.call(
            person, operation, "POST", path, expect=201, content=content, headers=headers
        )
        if created is None:
            return None
        person.posts += 1
        self.ledger.idempotency_keys[kind][key] = uuid.UUID(created["id"])
        if person.rng.random() < REPLAY_SHARE:
            self.ledger.replays += 1
            person.posts += 1  # a replay counts against the hourly limit too
            again = await self.call(
                person, operation, "POST", path, expect=200, content=content, headers=headers
            )
            if again is not None and again["id"] != created["id"]:
                self._wrong(operation, f"replay: {again['id']} instead of {created['id']}")
        return created

    def _may_post(self, person: Participant) -> bool:
        # Each person's posts per run (replays included) stay well below the hourly limit,
        # even with two runs in one clock hour (its window is fixed).
        return person.posts < self.max_posts

    async def _comment(self, person: Participant) -> None:
        if person.idea is None or not self._may_post(person):
            await self._read(person)
            return
        rng = person.rng
        body: dict[str, Any] = {
            "body": f"{POSTED_COMMENT}{rng.randrange(1_000_000)}: the same happens on our "
            "ward, and the rota makes it worse at weekends."
        }
        top_level = [c for c, top in person.comments if top]
        if top_level and rng.random() < 0.3:
            body["parent_id"] = rng.choice(top_level)
        created = await self._post(
            person, "comment", f"{self.base}/ideas/{person.idea}/comments", body
        )
        if created is not None:
            person.comments.append((created["id"], created["parent_id"] is None))

    async def _idea(self, person: Participant) -> None:
        if not self._may_post(person):
            await self._browse(person)
            return
        created = await self._post(
            person, "idea", self.base + "/ideas", self.traffic.new_idea(person.rng)
        )
        if created is not None:
            person.idea, person.comments = created["id"], []


# --- memory ------------------------------------------------------------------------------


def status_kib(pid: int) -> dict[str, int]:
    """``VmRSS`` and ``RssAnon`` of a process, in KiB (empty if it has gone)."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    values = {}
    for line in lines:
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "RssAnon"):
            values[name] = int(rest.split()[0])
    return values


def uvicorn_workers(master: int) -> list[int]:
    """The master's worker processes (not multiprocessing's resource tracker)."""
    workers = []
    for pid in children_of(master):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in command:
            workers.append(pid)
    return sorted(workers)


@dataclass
class MemorySample:
    minute: float
    workers: dict[int, float]  # MiB resident, by pid
    postgres: float | None  # MiB resident, postmaster and backends (shared memory in each)
    postgres_private: float | None  # MiB of their anonymous (private) memory
    postgres_processes: int
    requests: int  # answered so far


def memory_sample(master: int, started: float, requests: int) -> MemorySample:
    workers = {pid: status_kib(pid).get("VmRSS", 0) / 1024 for pid in uvicorn_workers(master)}
    postgres = private = None
    every = []
    postmaster = postmaster_pid()
    if postmaster is not None:
        every = [status_kib(pid) for pid in [postmaster, *children_of(postmaster)]]
        postgres = sum(s.get("VmRSS", 0) for s in every) / 1024
        private = sum(s.get("RssAnon", 0) for s in every) / 1024
    minute = (time.perf_counter() - started) / 60
    return MemorySample(minute, workers, postgres, private, len(every), requests)


def slope_per_minute(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (minute, MiB) points, in MiB per minute."""
    if len(points) < 2:
        return 0.0
    minutes, values = zip(*points, strict=True)
    return statistics.linear_regression(minutes, values).slope


def memory_verdict(
    samples: list[MemorySample], warmup: float, flat_mib: float, flat_percent: float
) -> dict[str, Any]:
    """Per worker: resident size after the warm-up, in the middle and at the end, the
    least-squares slope after the warm-up, and whether its fitted growth is under the
    threshold (the larger of ``flat_mib`` and ``flat_percent`` of the starting size)."""
    after = [s for s in samples if s.minute >= warmup] or samples[-1:]
    workers: dict[str, Any] = {}
    for pid in sorted({p for s in samples for p in s.workers}):
        points = [(s.minute, s.workers[pid]) for s in after if pid in s.workers]
        if not points:
            continue
        start, end = points[0], points[-1]
        middle = min(points, key=lambda p: abs(p[0] - (start[0] + end[0]) / 2))
        slope = slope_per_minute(points)
        growth = slope * (end[0] - start[0])
        threshold = max(flat_mib, start[1] * flat_percent / 100)
        workers[str(pid)] = {
            "first_mib": samples[0].workers.get(pid),
            "start": {"minute": start[0], "mib": start[1]},
            "middle": {"minute": middle[0], "mib": middle[1]},
            "end": {"minute": end[0], "mib": end[1]},
            "peak_mib": max(v for _, v in points),
            "slope_mib_per_minute": slope,
            "fitted_growth_mib": growth,
            "threshold_mib": threshold,
            "flat": growth < threshold,
        }
    postgres: list[tuple[float, float]] = []
    private: list[tuple[float, float]] = []
    for s in after:
        if s.postgres is not None and s.postgres_private is not None:
            postgres.append((s.minute, s.postgres))
            private.append((s.minute, s.postgres_private))
    return {
        "workers": workers,
        "postgres": {
            "start_mib": postgres[0][1] if postgres else None,
            "end_mib": postgres[-1][1] if postgres else None,
            "slope_mib_per_minute": slope_per_minute(postgres),
            "private_start_mib": private[0][1] if private else None,
            "private_end_mib": private[-1][1] if private else None,
            "private_slope_mib_per_minute": slope_per_minute(private),
        },
        "flat": bool(workers) and all(w["flat"] for w in workers.values()),
    }


async def sample_memory(
    master: int,
    started: float,
    every: float,
    samples: list[MemorySample],
    result: Result,
    stop: asyncio.Event,
) -> None:
    """Sample until ``stop``; print a progress line about once a minute."""
    printed, last_requests = 0.0, 0
    while True:
        sample = memory_sample(master, started, result.requests)
        samples.append(sample)
        if sample.minute - printed >= 1 or stop.is_set():
            requests = result.requests
            rate = (requests - last_requests) / max(1e-9, (sample.minute - printed) * 60)
            rss = ", ".join(f"{mib:.1f}" for mib in sample.workers.values())
            pg = f"{sample.postgres:.0f}" if sample.postgres is not None else "?"
            print(
                f"  {sample.minute:5.1f} min: {requests:,} requests ({rate:.0f}/s), "
                f"{sum(result.errors.values())} errors; workers {rss} MiB; PostgreSQL {pg} MiB",
                flush=True,
            )
            printed, last_requests = sample.minute, requests
        if stop.is_set():
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)


# --- checks afterwards -------------------------------------------------------------------


async def check_counts(connection: asyncpg.Connection) -> dict[str, Any]:
    """Every maintained counter against the rows it counts."""
    ideas = await connection.fetch(IDEA_COUNTERS_WRONG)
    comments = await connection.fetch(COMMENT_COUNTERS_WRONG)
    totals = await connection.fetchrow(
        "SELECT (SELECT count(*) FROM ideas) AS ideas, (SELECT count(*) FROM comments) "
        "AS comments, (SELECT count(*) FROM idea_votes) AS idea_votes, "
        "(SELECT count(*) FROM comment_votes) AS comment_votes"
    )
    return {
        "checked": dict(totals or {}),
        "ideas_wrong": len(ideas),
        "comments_wrong": len(comments),
        "samples": [dict(r) for r in [*ideas, *comments][:10]],
    }


async def check_ledger(connection: asyncpg.Connection, ledger: Ledger) -> dict[str, Any]:
    """Each participant's final vote on each item it voted on, against the ledger; and
    each Idempotency-Key used against exactly one post, the one first answered."""
    voters = list({voter for _, _, voter in ledger.votes})
    stored: dict[tuple[str, uuid.UUID, bytes], int] = {}
    for kind, table, column in (
        ("idea", "idea_votes", "idea_id"),
        ("comment", "comment_votes", "comment_id"),
    ):
        rows = await connection.fetch(
            f"SELECT {column} AS item, voter_pseudonym, value FROM {table} "
            "WHERE voter_pseudonym = ANY($1::bytea[])",
            voters,
        )
        for row in rows:
            stored[(kind, row["item"], bytes(row["voter_pseudonym"]))] = row["value"]
    wrong = [
        (kind, str(item), value, stored.get((kind, item, voter), 0))
        for (kind, item, voter), value in ledger.votes.items()
        if stored.get((kind, item, voter), 0) != value
    ]
    keys_wrong = []
    for kind, table in (("idea", "ideas"), ("comment", "comments")):
        used = ledger.idempotency_keys[kind]
        rows = await connection.fetch(
            f"SELECT idempotency_key, array_agg(id) AS ids FROM {table} "
            "WHERE idempotency_key = ANY($1::text[]) GROUP BY idempotency_key",
            list(used),
        )
        found = {r["idempotency_key"]: r["ids"] for r in rows}
        keys_wrong += [
            (kind, key, [str(i) for i in found.get(key, [])])
            for key, first in used.items()
            if found.get(key) != [first]
        ]
    return {
        "votes_checked": len(ledger.votes),
        "votes_wrong": len(wrong),
        "vote_samples": wrong[:10],
        "keys_checked": sum(len(k) for k in ledger.idempotency_keys.values()),
        "keys_wrong": len(keys_wrong),
        "key_samples": keys_wrong[:10],
    }


async def remove_posts(database: str) -> None:
    """Delete the comments and ideas this run posted, and their queue entries; the comment
    counts of the ideas commented on are set from the rows again."""
    connection = await asyncpg.connect(asyncpg_dsn(url_for(database)))
    try:
        async with connection.transaction():
            await connection.execute(
                "DELETE FROM moderation_items WHERE target_id IN "
                "(SELECT id FROM comments WHERE body LIKE $1 "
                " UNION ALL SELECT id FROM ideas WHERE title LIKE $2)",
                POSTED_COMMENT + "%",
                POSTED_TITLE + "%",
            )
            ideas = await connection.fetch(
                "DELETE FROM comments WHERE body LIKE $1 RETURNING idea_id", POSTED_COMMENT + "%"
            )
            await connection.execute(
                "UPDATE ideas SET comment_count = (SELECT count(*) FROM comments "
                "WHERE comments.idea_id = ideas.id AND status = 'published') "
                "WHERE id = ANY($1::uuid[])",
                list({r["idea_id"] for r in ideas}),
            )
        print(f"removed the {len(ideas)} comments posted in {database}")
    finally:
        await connection.close()
    await remove_posted_ideas([database])


# --- the run -----------------------------------------------------------------------------


def soak_environment() -> dict[str, str]:
    """The product's own rate limits (``load.py`` raises them out of reach)."""
    fields = Settings.model_fields
    return {
        "CANDOUR_RATE_LIMIT_POSTS_PER_HOUR": str(fields["rate_limit_posts_per_hour"].default),
        "CANDOUR_RATE_LIMIT_VOTES_PER_MINUTE": str(fields["rate_limit_votes_per_minute"].default),
    }


def offered_load(think: float) -> float:
    """Requests a second one participant offers, about: an action per pause, a list read
    1.3 pages on average (each page after a pause of its own), a read two requests, a post
    one in ten sent twice."""
    weights = sum(ACTIONS.values())
    requests = (
        ACTIONS["browse"] * 1.45
        + ACTIONS["read"] * 2
        + ACTIONS["vote_idea"]
        + ACTIONS["vote_comment"]
        + ACTIONS["search"]
        + (ACTIONS["comment"] + ACTIONS["idea"]) * (1 + REPLAY_SHARE)
    ) / weights
    pauses = 1 + ACTIONS["browse"] / weights * 0.45
    return requests / (think * pauses)


async def soak(args: argparse.Namespace, logs: Path, report: dict[str, Any]) -> int:
    url = url_for(args.database)
    report["code"] = code_under_test()
    report["machine"] = {"cpus": os.cpu_count(), "load_average_before": os.getloadavg()}
    world = await load_world(url, args.participants)
    if len(world.users) < args.participants:
        raise SystemExit(f"{args.database} has only {len(world.users)} participants")
    rate = offered_load(args.think_seconds) * args.participants
    limits = soak_environment()
    print(
        f"code under test: {report['code']}\ndatabase {args.database}: {world.ideas:,} listed "
        f"ideas, {len(world.section_ids)} sections; {args.participants} participants, "
        f"{args.think_seconds:g} s mean pause: about {rate:.0f} requests/s offered\n"
        f"rate limits as in production: {limits}"
    )
    report["offered_requests_per_second"] = rate
    report["rate_limits"] = limits
    server = start_server(
        "app", "candour.app:create_app", url, logs, [], workers=2, environment=limits
    )
    result = Result(latencies={o: [] for o in OPERATIONS}, errors=dict.fromkeys(OPERATIONS, 0))
    ledger = Ledger()
    samples: list[MemorySample] = []
    failures: list[str] = []
    try:
        await wait_until_up(server, "/api/health")
        await sign_in(server, world.users)
        workers = uvicorn_workers(server.process.pid)
        if len(workers) != 2:
            raise SystemExit(f"expected two uvicorn workers, found {workers}")
        simulation = Simulation(world, result, ledger, args.think_seconds, args.max_posts)
        people = [
            Participant(
                user,
                httpx.AsyncClient(
                    base_url=server.base_url,
                    trust_env=False,
                    timeout=httpx.Timeout(10.0),
                    # A connection idle for 4 s is dropped and a new one opened, as
                    # browsers do: uvicorn closes idle ones after 5 s, and a request sent
                    # just as it closes one would fail on the client's side.
                    limits=httpx.Limits(
                        max_connections=1, max_keepalive_connections=1, keepalive_expiry=4.0
                    ),
                ),
                random.Random(args.seed * 1000 + i),
            )
            for i, user in enumerate(world.users)
        ]
        print(f"running for {args.minutes:g} minutes (workers {workers}) …", flush=True)
        stop = asyncio.Event()
        started = time.perf_counter()
        before = cpu_sample(server.process.pid)
        workers_cpu = sum(process_cpu(pid) for pid in workers)
        sampler = asyncio.create_task(
            sample_memory(server.process.pid, started, args.sample_seconds, samples, result, stop)
        )
        simulation.deadline = started + args.minutes * 60
        await asyncio.gather(*(simulation.run(person) for person in people))
        elapsed = time.perf_counter() - started
        used = cpu_seconds(before, cpu_sample(server.process.pid))
        used["server"] = sum(process_cpu(pid) for pid in workers) - workers_cpu
        result.add_time(elapsed, used)
        stop.set()
        await sampler
        for person in people:
            await person.client.aclose()
        if uvicorn_workers(server.process.pid) != workers:
            failures.append(
                f"the workers changed: {workers} → {uvicorn_workers(server.process.pid)}"
            )
    finally:
        server.stop()
    if logged_errors([server]):
        failures.append(f"the app logged errors ({server.log})")
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        counts = await check_counts(connection)
        votes = await check_ledger(connection, ledger)
    finally:
        await connection.close()
    await remove_posts(args.database)
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        after_cleanup = await check_counts(connection)
    finally:
        await connection.close()
    memory = memory_verdict(samples, args.warmup_minutes, args.flat_mib, args.flat_percent)
    report.update(
        arguments=vars(args),
        seconds=result.seconds,
        operations=summary(result),
        cpu=result.cpu,
        problems=dict(ledger.problems),
        error_samples=result.error_samples,
        replays=ledger.replays,
        counts=counts,
        ledger=votes,
        counts_after_cleanup=after_cleanup,
        memory=memory,
        samples=[vars(s) for s in samples],
    )
    report["machine"]["load_average_after"] = os.getloadavg()
    errors = sum(result.errors.values())
    if errors:
        failures.append(f"{errors} requests failed: {dict(ledger.problems)}")
    if counts["ideas_wrong"] or counts["comments_wrong"]:
        failures.append(
            f"counters wrong on {counts['ideas_wrong']} ideas and "
            f"{counts['comments_wrong']} comments: {counts['samples']}"
        )
    if votes["votes_wrong"] or votes["keys_wrong"]:
        failures.append(
            f"{votes['votes_wrong']} final votes differ from the ledger "
            f"({votes['vote_samples']}); {votes['keys_wrong']} idempotency keys wrong "
            f"({votes['key_samples']})"
        )
    if after_cleanup["ideas_wrong"] or after_cleanup["comments_wrong"]:
        failures.append("the clean-up left counters wrong")
    if not memory["flat"]:
        failures.append("worker memory is not flat")
    print_report(args, result, ledger, counts, votes, memory)
    report["failures"] = failures
    for failure in failures:
        print(f"FAILED: {failure}")
    if not failures:
        print("\nPASSED: no errors, exact counts, flat memory")
    return 1 if failures else 0


def print_report(
    args: argparse.Namespace,
    result: Result,
    ledger: Ledger,
    counts: dict[str, Any],
    votes: dict[str, Any],
    memory: dict[str, Any],
) -> None:
    rows = summary(result)
    print(f"\n### {args.participants} participants, {result.seconds / 60:.1f} minutes\n")
    print("| operation | requests | errors | req/s | p50 ms | p95 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for operation in [*OPERATIONS, "all"]:
        if operation in rows:
            r = rows[operation]
            print(
                f"| {operation} | {r['count']:,} | {r['errors']} | {r['rps']:.1f} | "
                f"{r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} |"
            )
    cpu = result.cpu
    print(
        f"\ncores used: workers {cpu['server']:.2f}, PostgreSQL {cpu['postgres']:.2f}, "
        f"load client {cpu['client']:.2f}, other processes {cpu['other']:.2f} "
        f"(machine {cpu['machine_busy']:.0%} busy); "
        f"workers' CPU per request {cpu['server_ms_per_request']:.2f} ms"
    )
    print(f"posts sent twice with the same Idempotency-Key: {ledger.replays}")
    for sample in result.error_samples:
        print(f"  error: {sample}")
    checked = counts["checked"]
    print(
        f"\ncounters: {checked['ideas']:,} ideas and {checked['comments']:,} comments against "
        f"{checked['idea_votes']:,} idea votes and {checked['comment_votes']:,} comment votes: "
        f"{counts['ideas_wrong']} ideas and {counts['comments_wrong']} comments wrong"
    )
    print(
        f"ledger: {votes['votes_checked']:,} final votes checked, {votes['votes_wrong']} "
        f"wrong; {votes['keys_checked']:,} idempotency keys checked, {votes['keys_wrong']} wrong"
    )
    print(
        f"\nmemory after the {args.warmup_minutes:g}-minute warm-up "
        "(MiB resident; flat below the larger of "
        f"{args.flat_mib:g} MiB and {args.flat_percent:g} % growth, fitted):\n"
    )
    print(
        "| process | first | start | middle | end | peak | slope MiB/min | fitted growth | flat |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for number, (pid, w) in enumerate(memory["workers"].items(), start=1):
        first = w["first_mib"]
        print(
            f"| worker {number} (pid {pid}) | {first:.1f} | {w['start']['mib']:.1f} | "
            f"{w['middle']['mib']:.1f} | {w['end']['mib']:.1f} | {w['peak_mib']:.1f} | "
            f"{w['slope_mib_per_minute']:+.3f} | {w['fitted_growth_mib']:+.1f} | "
            f"{'yes' if w['flat'] else 'NO'} |"
        )
    pg = memory["postgres"]
    if pg["start_mib"] is not None:
        print(
            f"| PostgreSQL (all processes) | | {pg['start_mib']:.0f} | | {pg['end_mib']:.0f} | "
            f"| {pg['slope_mib_per_minute']:+.2f} | | |"
        )
        print(
            f"| PostgreSQL, private memory only | | {pg['private_start_mib']:.0f} | | "
            f"{pg['private_end_mib']:.0f} | | {pg['private_slope_mib_per_minute']:+.2f} | | |"
        )
    print(f"\nmemory verdict: {'flat' if memory['flat'] else 'NOT FLAT'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument(
        "--think-seconds", type=float, default=2.0, help="mean pause between actions"
    )
    parser.add_argument("--warmup-minutes", type=float, default=1.0)
    parser.add_argument("--sample-seconds", type=float, default=10.0)
    parser.add_argument("--flat-mib", type=float, default=10.0)
    parser.add_argument("--flat-percent", type=float, default=5.0)
    parser.add_argument(
        "--max-posts",
        type=int,
        default=10,
        help="posts per participant per run, replays included, at most",
    )
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--json", help="write every figure to this file")
    args = parser.parse_args()
    if not 1 <= args.participants <= 1000 or not 0 < args.minutes <= 60:
        parser.error("1–1,000 participants, at most 60 minutes")
    if args.think_seconds < 0.5 or args.warmup_minutes >= args.minutes:
        parser.error("a mean pause of at least 0.5 s, and a warm-up shorter than the run")
    logs = Path(tempfile.mkdtemp(prefix="candour-soak-"))
    print(f"server logs in {logs}; traffic to {HOST} only")
    migrate.upgrade(url_for(args.database))
    report: dict[str, Any] = {}
    code = asyncio.run(soak(args, logs, report))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=str) + "\n")
    sys.exit(code)


if __name__ == "__main__":
    main()
