"""Build a realistic benchmark conversation by bulk SQL, in minutes, without the API.

    .venv/bin/python bench/generate.py                 # the issue's size, database candour_bench
    .venv/bin/python bench/generate.py --small         # 1,000 ideas, database candour_bench_small

The database is dropped and created afresh, migrated by Alembic (``candour.migrate``) and
loaded with asyncpg ``COPY`` and ``INSERT … SELECT generate_series``:

- one conversation, open now, that opened three weeks ago; 20 sections;
- participants (``p00001@bench.example`` …, role participant, all with the password in
  ``bench/common.py``, hashed once with argon2) with their memberships and sealed author
  links, exactly as ``candour.identity.enrolment.enrol`` writes them;
- ideas with text drawn from a small vocabulary of NHS staff topics, spread over the
  sections with skewed popularity, written by participants' pseudonyms (a few are paper
  submissions or withdrawn), created over the three weeks;
- comments, about a third of them replies (one level), mostly on the popular ideas;
- idea votes, unique per (idea, voter), many on the popular ideas;
- then the maintained counters (likes, dislikes, comments) are set from the rows by
  set-based ``UPDATE … FROM (SELECT … GROUP BY)`` and checked, and the tables analysed.

The server must use the same settings for pseudonyms to match: development secrets
(``CANDOUR_ENVIRONMENT=test``), as ``bench/load.py`` starts it. Random choices are seeded.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import random
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
from common import (
    COMMENT_COUNTERS_WRONG,
    DEFAULT_DATABASE,
    EMAIL_FORMAT,
    IDEA_COUNTERS_WRONG,
    PASSWORD,
    SMALL_DATABASE,
    asyncpg_dsn,
    bench_settings,
    server_url,
    url_for,
)

from candour import migrate
from candour.core.security import hash_password
from candour.core.settings import Settings
from candour.core.time import coarsen
from candour.identity.pseudonyms import pseudonym_for, seal_account_id


@dataclass(frozen=True)
class Sizes:
    participants: int = 10_000
    sections: int = 20
    ideas: int = 50_000
    comments: int = 200_000
    votes: int = 2_000_000
    comment_votes: int = 0


SMALL = Sizes(participants=1_000, sections=20, ideas=1_000, comments=4_000, votes=40_000)

# --- text ---------------------------------------------------------------------------------

TOPICS = [
    "the staff car park",
    "night shift cover",
    "the e-rostering system",
    "agency staffing",
    "the staff canteen",
    "the break rooms",
    "handover on the wards",
    "mandatory training",
    "the appraisal process",
    "bank shift rates",
    "flexible working requests",
    "the electronic patient record",
    "discharge planning",
    "the bed management meetings",
    "infection control audits",
    "occupational health",
    "staff wellbeing support",
    "the pharmacy queue",
    "porter availability",
    "theatre scheduling",
    "outpatient clinic letters",
    "the hospital Wi-Fi",
    "computer log-in times",
    "the bleep system",
    "uniform laundry",
    "locker space",
    "on-site childcare",
    "the staff shuttle bus",
    "cycle storage",
    "recognition of good work",
    "communication from the board",
    "the incident reporting system",
    "hot food at night",
    "the lifts in the main building",
    "the sickness absence policy",
    "overtime payments",
    "support for student nurses",
    "induction for new starters",
    "annual leave requests",
    "patient transport bookings",
]
PLACES = [
    "On my ward",
    "In the emergency department",
    "In theatres",
    "On night shifts",
    "In outpatients",
    "In maternity",
    "In pharmacy",
    "In the labs",
    "In radiology",
    "On the surgical floor",
    "Across the trust",
    "In the community teams",
    "In estates and facilities",
    "In the admin office",
    "In critical care",
    "On the children's ward",
]
PROBLEMS = [
    "is a constant source of stress",
    "takes far too long",
    "has not improved in years",
    "wastes hours every week",
    "makes it hard to take a proper break",
    "leaves new starters confused",
    "is often out of action",
    "puts patients at risk",
    "is not fair to part-time staff",
    "is much better than it used to be",
    "works well when managers get involved",
    "depends far too much on goodwill",
    "needs more people behind it",
    "could be fixed quickly and cheaply",
    "feels like nobody owns it",
]
WHEN = [
    "at weekends",
    "during winter pressures",
    "after eight in the evening",
    "at handover",
    "when we are short-staffed",
    "at the start of every month",
    "over bank holidays",
    "when the wards are full",
]
SUGGEST = [
    "We could",
    "I would like the trust to",
    "Please could we",
    "It would really help to",
    "Managers should",
    "Why not",
    "The board should",
]
ACTIONS = [
    "trial a new rota pattern",
    "publish the rules clearly",
    "ask the staff who actually use it",
    "fund two more posts",
    "keep it open at night as well",
    "move it online",
    "simplify the forms",
    "set up a working group with frontline staff",
    "copy what worked at the other site",
    "give us protected time for it",
    "fix the basics first",
    "review it every quarter",
    "pay staff for the extra time",
    "add more spaces",
    "extend the current arrangement",
]
TITLE_VERBS = [
    "Fix",
    "Improve",
    "Rethink",
    "Invest in",
    "Simplify",
    "Protect",
    "Review",
    "Sort out",
]
COMMENT_OPENERS = [
    "Agree.",
    "Completely agree with this.",
    "Not sure this would work everywhere.",
    "This happens to us too.",
    "Good idea, but who would pay for it?",
    "We tried something like this before and it helped.",
    "Yes please!",
    "I see the point, but the real problem is elsewhere.",
    "",
    "",
]
SECTION_TITLES = [
    "Staffing and workload",
    "Rotas and shifts",
    "Pay and recognition",
    "Training and development",
    "Health and wellbeing",
    "Facilities and estates",
    "Parking and travel",
    "IT and digital systems",
    "Communication and leadership",
    "Patient safety",
    "Patient experience",
    "Equality, diversity and inclusion",
    "Food and rest areas",
    "Flexible working",
    "Bullying and harassment",
    "Teamwork across departments",
    "Discharge and patient flow",
    "Environment and sustainability",
    "Career progression",
    "Anything else",
]
STAFF_GROUPS = ["Nursing", "Medical", "Allied health", "Admin", "Estates", "Healthcare science"]
SITES = ["Main hospital", "North site", "Community"]


class Text:
    """Sentences from the vocabulary above: enough variety for full-text search and for
    rows of a realistic width."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def sentence(self, topic: str | None = None) -> str:
        r = self.rng
        topic = topic or r.choice(TOPICS)
        form = r.randrange(5)
        if form == 0:
            return f"{r.choice(PLACES)}, {topic} {r.choice(PROBLEMS)}."
        if form == 1:
            return f"{r.choice(SUGGEST)} {r.choice(ACTIONS)} for {topic}."
        if form == 2:
            return (
                f"{topic[0].upper()}{topic[1:]} {r.choice(PROBLEMS)}, especially {r.choice(WHEN)}."
            )
        if form == 3:
            years = r.randint(1, 30)
            return f"I have worked here for {years} years and {topic} {r.choice(PROBLEMS)}."
        return f"{r.choice(PLACES)} we need to talk about {topic} {r.choice(WHEN)}."

    def idea(self) -> tuple[str, str]:
        topic = self.rng.choice(TOPICS)
        title = f"{self.rng.choice(TITLE_VERBS)} {topic}"
        sentences = [self.sentence(topic) for _ in range(self.rng.randint(2, 6))]
        return title, " ".join(sentences)

    def comment(self) -> str:
        opener = self.rng.choice(COMMENT_OPENERS)
        sentences = [self.sentence() for _ in range(self.rng.randint(1, 3))]
        return " ".join(filter(None, [opener, *sentences]))


# --- helpers ------------------------------------------------------------------------------


@contextmanager
def step(name: str) -> Iterator[None]:
    started = time.perf_counter()
    print(f"{name} …", flush=True)
    yield
    print(f"  {name}: {time.perf_counter() - started:.1f} s", flush=True)


def random_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def skewed_weights(rng: random.Random, n: int, sigma: float) -> list[float]:
    """Log-normal popularity: most items get a little attention, a few get a lot."""
    return [rng.lognormvariate(0.0, sigma) for _ in range(n)]


def apportion(weights: Sequence[float], total: int, cap: int) -> list[int]:
    """Split ``total`` in proportion to ``weights``, no share above ``cap``; exact sum."""
    if total > cap * len(weights):
        raise SystemExit(f"cannot place {total} votes: at most {cap} per item")
    shares = [0] * len(weights)
    open_items = list(range(len(weights)))
    left = total
    while left > 0 and open_items:
        weight = sum(weights[i] for i in open_items)
        still_open = []
        for i in open_items:
            add = min(cap - shares[i], math.floor(left * weights[i] / weight))
            shares[i] += add
            if shares[i] < cap:
                still_open.append(i)
        placed = sum(shares)
        progress = left - (total - placed)
        left = total - placed
        open_items = still_open
        # Rounding leaves a remainder: one more each for the most popular open items.
        if left and open_items and (left < len(open_items) or not progress):
            for i in sorted(open_items, key=lambda i: -weights[i])[:left]:
                shares[i] += 1
            left = total - sum(shares)
            open_items = [i for i in open_items if shares[i] < cap]
    return shares


def coprime_step(rng: random.Random, modulus: int) -> int:
    while True:
        candidate = rng.randrange(1, modulus) if modulus > 1 else 1
        if math.gcd(candidate, modulus) == 1:
            return candidate


# --- the steps ----------------------------------------------------------------------------


async def recreate_database(database: str) -> str:
    admin = await asyncpg.connect(asyncpg_dsn(server_url()))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{database}"')
    finally:
        await admin.close()
    return url_for(database)


async def load(url: str, sizes: Sizes, seed: int) -> None:
    rng = random.Random(seed)
    text = Text(rng)
    settings = bench_settings(url)
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await connection.execute(
            "SET synchronous_commit = off; SET work_mem = '256MB'; "
            "SET maintenance_work_mem = '512MB'"
        )
        await connection.execute(f"SELECT setseed({(seed % 1000) / 1000})")
        now = datetime.now(UTC).replace(microsecond=0)
        opens_at = now - timedelta(days=21)
        conversation_id = random_uuid(rng)
        with step("conversation and sections"):
            section_ids = await _conversation(connection, rng, conversation_id, sizes, opens_at)
        with step(f"{sizes.participants:,} participants, memberships and author links"):
            pseudonyms = await _participants(connection, rng, settings, conversation_id, sizes)
        # A few people write a lot; most write little or nothing.
        author_weights = list(itertools.accumulate(skewed_weights(rng, len(pseudonyms), 1.5)))
        with step(f"{sizes.ideas:,} ideas"):
            ideas = await _ideas(
                connection,
                rng,
                text,
                conversation_id,
                section_ids,
                pseudonyms,
                author_weights,
                sizes,
                opens_at,
                now,
            )
        popularity = skewed_weights(rng, len(ideas), 1.3)
        with step(f"{sizes.comments:,} comments"):
            comment_ids = await _comments(
                connection,
                rng,
                text,
                conversation_id,
                ideas,
                popularity,
                pseudonyms,
                author_weights,
                sizes,
                now,
            )
        voters = len(pseudonyms)
        await connection.execute(
            "CREATE TEMP TABLE bench_voters (idx integer PRIMARY KEY, pseudonym bytea NOT NULL)"
        )
        await connection.copy_records_to_table(
            "bench_voters", records=list(enumerate(pseudonyms)), columns=["idx", "pseudonym"]
        )
        with step(f"{sizes.votes:,} idea votes"):
            await _votes(
                connection,
                rng,
                "idea_votes",
                "idea_id",
                [idea_id for idea_id, *_ in ideas],
                popularity,
                sizes.votes,
                voters,
            )
        if sizes.comment_votes:
            with step(f"{sizes.comment_votes:,} comment votes"):
                await _votes(
                    connection,
                    rng,
                    "comment_votes",
                    "comment_id",
                    comment_ids,
                    skewed_weights(rng, len(comment_ids), 1.3),
                    sizes.comment_votes,
                    voters,
                )
        with step("maintained counters (set-based UPDATE … FROM)"):
            await _counters(connection, sizes)
        with step("check the counters"):
            await _check_counters(connection)
    finally:
        await connection.close()
    # VACUUM cannot run in a transaction block, and needs a connection of its own settings.
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        with step("VACUUM ANALYZE"):
            await connection.execute("VACUUM (ANALYZE)")
        sizes_row = await connection.fetchrow(
            "SELECT pg_size_pretty(pg_database_size(current_database())) AS size"
        )
        assert sizes_row is not None
        print(f"database size: {sizes_row['size']}")
    finally:
        await connection.close()


async def _conversation(
    connection: asyncpg.Connection,
    rng: random.Random,
    conversation_id: uuid.UUID,
    sizes: Sizes,
    opens_at: datetime,
) -> list[uuid.UUID]:
    await connection.execute(
        "INSERT INTO conversations (id, title, introduction, opens_at, closes_at, time_zone) "
        "VALUES ($1, $2, $3, $4, $5, 'Europe/London')",
        conversation_id,
        "Listening to our staff (benchmark)",
        "A generated conversation for the performance benchmark.",
        opens_at,
        opens_at + timedelta(days=28),
    )
    section_ids = [random_uuid(rng) for _ in range(sizes.sections)]
    await connection.executemany(
        "INSERT INTO sections (id, conversation_id, title, description, position) "
        "VALUES ($1, $2, $3, '', $4)",
        [
            (section_id, conversation_id, SECTION_TITLES[i % len(SECTION_TITLES)], i)
            for i, section_id in enumerate(section_ids)
        ],
    )
    return section_ids


async def _participants(
    connection: asyncpg.Connection,
    rng: random.Random,
    settings: Settings,
    conversation_id: uuid.UUID,
    sizes: Sizes,
) -> list[bytes]:
    """Accounts, memberships and author links; returns the pseudonyms, in account order."""
    password_hash = hash_password(PASSWORD)  # once: argon2 is slow on purpose
    account_ids = [random_uuid(rng) for _ in range(sizes.participants)]
    await connection.copy_records_to_table(
        "accounts",
        records=[
            (
                account_id,
                EMAIL_FORMAT.format(number),
                "participant",
                json.dumps({"staff_group": rng.choice(STAFF_GROUPS), "site": rng.choice(SITES)}),
                password_hash,
            )
            for number, account_id in enumerate(account_ids, start=1)
        ],
        columns=["id", "email", "role", "attributes", "password_hash"],
    )
    await connection.copy_records_to_table(
        "memberships",
        records=[(account_id, conversation_id) for account_id in account_ids],
        columns=["account_id", "conversation_id"],
    )
    pseudonyms = [pseudonym_for(settings, conversation_id, a) for a in account_ids]
    # As enrol() does: links written in pseudonym order, which says nothing about who is who.
    links = sorted(zip(pseudonyms, account_ids, strict=True))
    await connection.copy_records_to_table(
        "author_links",
        records=[
            (pseudonym, conversation_id, seal_account_id(settings, pseudonym, account_id))
            for pseudonym, account_id in links
        ],
        columns=["pseudonym", "conversation_id", "sealed_account_id"],
    )
    return pseudonyms


IdeaRow = tuple[uuid.UUID, datetime, str]  # id, created_at, status


async def _ideas(
    connection: asyncpg.Connection,
    rng: random.Random,
    text: Text,
    conversation_id: uuid.UUID,
    section_ids: list[uuid.UUID],
    pseudonyms: list[bytes],
    author_weights: list[float],
    sizes: Sizes,
    opens_at: datetime,
    now: datetime,
) -> list[IdeaRow]:
    # Some sections draw far more ideas than others (Zipf-like).
    section_weights = list(
        itertools.accumulate(1 / (rank + 1) ** 0.9 for rank in range(len(section_ids)))
    )
    shuffled_sections = rng.sample(section_ids, len(section_ids))
    span = (now - opens_at).total_seconds()
    records = []
    ideas: list[IdeaRow] = []
    authors = rng.choices(pseudonyms, cum_weights=author_weights, k=sizes.ideas)
    sections = rng.choices(shuffled_sections, cum_weights=section_weights, k=sizes.ideas)
    for author, section_id in zip(authors, sections, strict=True):
        idea_id = random_uuid(rng)
        # Busier at the launch, then steady.
        created_at = opens_at + timedelta(seconds=span * rng.random() ** 1.4)
        paper = rng.random() < 0.01
        status = "withdrawn" if rng.random() < 0.01 else "published"
        title, body = text.idea()
        records.append(
            (
                idea_id,
                conversation_id,
                section_id,
                None if paper else author,
                "paper" if paper else "online",
                title,
                body,
                status,
                coarsen(created_at, 3600),  # as the app stores it: the hour only
            )
        )
        ideas.append((idea_id, created_at, status))
    await connection.copy_records_to_table(
        "ideas",
        records=records,
        columns=[
            "id",
            "conversation_id",
            "section_id",
            "author_pseudonym",
            "source",
            "title",
            "body",
            "status",
            "created_at",
        ],
    )
    return ideas


async def _comments(
    connection: asyncpg.Connection,
    rng: random.Random,
    text: Text,
    conversation_id: uuid.UUID,
    ideas: list[IdeaRow],
    popularity: list[float],
    pseudonyms: list[bytes],
    author_weights: list[float],
    sizes: Sizes,
    now: datetime,
) -> list[uuid.UUID]:
    """Two thirds top-level comments, one third replies to a top-level comment of the
    same idea; comments come soon after the idea, replies soon after their parent."""
    replies = sizes.comments // 3
    top_level = sizes.comments - replies
    weights = list(itertools.accumulate(w**0.8 for w in popularity))
    targets = rng.choices(range(len(ideas)), cum_weights=weights, k=top_level)
    authors = iter(rng.choices(pseudonyms, cum_weights=author_weights, k=sizes.comments))
    records = []
    threads: dict[int, list[tuple[uuid.UUID, datetime]]] = {}
    for index in targets:
        idea_id, idea_created, _ = ideas[index]
        comment_id = random_uuid(rng)
        created_at = idea_created + (now - idea_created) * rng.random() ** 3
        records.append(
            _comment_record(
                rng, text, comment_id, conversation_id, idea_id, None, next(authors), created_at
            )
        )
        threads.setdefault(index, []).append((comment_id, created_at))
    discussed = list(threads)
    thread_weights = list(itertools.accumulate(len(threads[i]) for i in discussed))
    for index in rng.choices(discussed, cum_weights=thread_weights, k=replies):
        parent_id, parent_created = rng.choice(threads[index])
        created_at = parent_created + (now - parent_created) * rng.random() ** 3
        comment_id = random_uuid(rng)
        idea_id = ideas[index][0]
        records.append(
            _comment_record(
                rng,
                text,
                comment_id,
                conversation_id,
                idea_id,
                parent_id,
                next(authors),
                created_at,
            )
        )
    await connection.copy_records_to_table(
        "comments",
        records=records,
        columns=[
            "id",
            "conversation_id",
            "idea_id",
            "parent_id",
            "author_pseudonym",
            "source",
            "body",
            "status",
            "created_at",
        ],
    )
    return [record[0] for record in records]


def _comment_record(
    rng: random.Random,
    text: Text,
    comment_id: uuid.UUID,
    conversation_id: uuid.UUID,
    idea_id: uuid.UUID,
    parent_id: uuid.UUID | None,
    author: bytes,
    created_at: datetime,
) -> tuple[object, ...]:
    paper = rng.random() < 0.005
    return (
        comment_id,
        conversation_id,
        idea_id,
        parent_id,
        None if paper else author,
        "paper" if paper else "online",
        text.comment(),
        "withdrawn" if rng.random() < 0.01 else "published",
        coarsen(created_at, 3600),  # as the app stores it: the hour only
    )


async def _votes(
    connection: asyncpg.Connection,
    rng: random.Random,
    table: str,
    key: str,
    target_ids: list[uuid.UUID],
    popularity: list[float],
    total: int,
    voters: int,
) -> None:
    """``total`` votes, each target's share by popularity. A target's n voters are
    ``(start + k·step) mod voters`` for k < n with step coprime to voters: distinct, so
    every (target, voter) pair is unique without checking."""
    counts = apportion(popularity, total, voters)
    plan = [
        (target_id, n, rng.randrange(voters), coprime_step(rng, voters), rng.betavariate(4, 2))
        for target_id, n in zip(target_ids, counts, strict=True)
        if n
    ]
    ids, ns, starts, steps, likes = (list(column) for column in zip(*plan, strict=True))
    status = await connection.execute(
        f"""
        INSERT INTO {table} ({key}, voter_pseudonym, value)
        SELECT plan.target_id, voter.pseudonym,
               CASE WHEN random() < plan.p_like THEN 1 ELSE -1 END
        FROM unnest($1::uuid[], $2::int[], $3::int[], $4::int[], $5::float8[])
             AS plan(target_id, n, start, step, p_like)
        CROSS JOIN LATERAL generate_series(0, plan.n - 1) AS k
        JOIN bench_voters AS voter
          ON voter.idx = ((plan.start::bigint + k::bigint * plan.step) % $6)::int
        ORDER BY 1, 2
        """,
        ids,
        ns,
        starts,
        steps,
        likes,
        voters,
    )
    inserted = int(status.rsplit(" ", 1)[-1])
    assert inserted == total, (inserted, total)


async def _counters(connection: asyncpg.Connection, sizes: Sizes) -> None:
    """Set every maintained count from the rows it counts, as the service keeps them:
    likes and dislikes from the votes, comment_count from the published comments."""
    await connection.execute(
        """
        UPDATE ideas AS idea
        SET like_count = coalesce(votes.likes, 0),
            dislike_count = coalesce(votes.dislikes, 0),
            comment_count = coalesce(comments.published, 0)
        FROM ideas AS base
        LEFT JOIN (
            SELECT idea_id,
                   count(*) FILTER (WHERE value = 1) AS likes,
                   count(*) FILTER (WHERE value = -1) AS dislikes
            FROM idea_votes GROUP BY idea_id
        ) AS votes ON votes.idea_id = base.id
        LEFT JOIN (
            SELECT idea_id, count(*) AS published
            FROM comments WHERE status = 'published' GROUP BY idea_id
        ) AS comments ON comments.idea_id = base.id
        WHERE idea.id = base.id
          AND (votes.idea_id IS NOT NULL OR comments.idea_id IS NOT NULL)
        """
    )
    if sizes.comment_votes:
        await connection.execute(
            """
            UPDATE comments AS comment
            SET like_count = votes.likes, dislike_count = votes.dislikes
            FROM (
                SELECT comment_id,
                       count(*) FILTER (WHERE value = 1) AS likes,
                       count(*) FILTER (WHERE value = -1) AS dislikes
                FROM comment_votes GROUP BY comment_id
            ) AS votes
            WHERE comment.id = votes.comment_id
            """
        )


async def _check_counters(connection: asyncpg.Connection) -> None:
    wrong = await connection.fetchval(f"SELECT count(*) FROM ({IDEA_COUNTERS_WRONG}) AS w")
    wrong_comments = await connection.fetchval(
        f"SELECT count(*) FROM ({COMMENT_COUNTERS_WRONG}) AS w"
    )
    if wrong or wrong_comments:
        raise SystemExit(f"counters wrong on {wrong} ideas and {wrong_comments} comments")
    totals = await connection.fetchrow(
        "SELECT (SELECT count(*) FROM ideas) AS ideas, (SELECT count(*) FROM comments) AS "
        "comments, (SELECT count(*) FROM idea_votes) AS votes, "
        "(SELECT max(like_count + dislike_count) FROM ideas) AS most_votes"
    )
    assert totals is not None
    print(
        f"  ideas {totals['ideas']:,}, comments {totals['comments']:,}, "
        f"idea votes {totals['votes']:,} (most on one idea: {totals['most_votes']:,}); "
        "counters consistent"
    )


def main() -> None:
    defaults = Sizes()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="preset: " + str(SMALL))
    parser.add_argument(
        "--database", help=f"default {DEFAULT_DATABASE} ({SMALL_DATABASE} with --small)"
    )
    parser.add_argument("--participants", type=int)
    parser.add_argument("--sections", type=int)
    parser.add_argument("--ideas", type=int)
    parser.add_argument("--comments", type=int)
    parser.add_argument("--votes", type=int, help="idea votes")
    parser.add_argument("--comment-votes", type=int)
    parser.add_argument("--seed", type=int, default=20261126)
    args = parser.parse_args()
    preset = SMALL if args.small else defaults
    sizes = Sizes(
        **{
            name: getattr(args, name) if getattr(args, name) is not None else getattr(preset, name)
            for name in Sizes.__dataclass_fields__
        }
    )
    if not 0 < sizes.participants <= 99_999 or sizes.sections < 1 or sizes.ideas < 1:
        parser.error("need 1–99,999 participants, at least one section and one idea")
    database = args.database or (SMALL_DATABASE if args.small else DEFAULT_DATABASE)
    print(f"generating {sizes} into database {database}", flush=True)
    started = time.perf_counter()
    with step("create the database and run the migrations"):
        url = asyncio.run(recreate_database(database))
        migrate.upgrade(url)
    asyncio.run(load(url, sizes, args.seed))
    print(f"done in {time.perf_counter() - started:.1f} s: {database}")


if __name__ == "__main__":
    main()
