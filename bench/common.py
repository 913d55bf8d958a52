"""What the benchmark scripts share: where the database is, the settings, the password.

The benchmark runs against its own PostgreSQL: by default the embedded one (the same
``pgserver`` wheel that ``make run`` uses) in ``/tmp/candour-bench-pg-<uid>``, or any server
named by ``CANDOUR_BENCH_DATABASE_URL`` (a URL of a database we may create others from,
such as ``postgresql://user:pw@127.0.0.1/postgres``). Each benchmark conversation lives in a
database of its own (``candour_bench`` for the full size, ``candour_bench_small`` for the
1,000-idea comparison).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from candour.core.settings import Environment, Settings

# Every generated participant has this password; the generator hashes it once with argon2.
PASSWORD = "bench-password-not-secret"  # noqa: S105
EMAIL_FORMAT = "p{:05d}@bench.example"
DEFAULT_DATABASE = "candour_bench"
SMALL_DATABASE = "candour_bench_small"
PGDATA = Path(tempfile.gettempdir()) / f"candour-bench-pg-{os.getuid()}"
SERVER_URL_VARIABLE = "CANDOUR_BENCH_DATABASE_URL"


def server_url() -> str:
    """A URL of a database on the benchmark's server that we may create others from.

    With the embedded server, this process becomes one of its holders: the server runs
    while this process lives, and stops when its last holder exits.
    """
    external = os.environ.get(SERVER_URL_VARIABLE)
    if external:
        return external
    from candour.core.embedded_pg import start_embedded_postgres

    return start_embedded_postgres(PGDATA, database="postgres")


def url_for(database: str) -> str:
    """The URL of ``database`` on the benchmark's server (which it does not create)."""
    if not database.isidentifier():
        raise ValueError(f"not a plain database name: {database!r}")
    base, _, query = server_url().partition("?")
    return base.rsplit("/", 1)[0] + "/" + database + (f"?{query}" if query else "")


def asyncpg_dsn(url: str) -> str:
    """asyncpg wants ``postgresql://``; SQLAlchemy URLs may carry ``+asyncpg``."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def bench_settings(url: str) -> Settings:
    """The settings of the server under test (development secrets, test environment), so
    that pseudonyms computed here are the ones the server computes. Like the server, this
    reads ``CANDOUR_*`` variables and ``.env``: run both from the project root."""
    return Settings(environment=Environment.test, database_url=url)


# The ideas and comments whose maintained counters disagree with the rows they count (each
# row with both figures): after generating a database, and after a soak, there must be none.
IDEA_COUNTERS_WRONG = """
    SELECT idea.id, idea.like_count, idea.dislike_count, idea.comment_count,
           coalesce(votes.likes, 0) AS likes, coalesce(votes.dislikes, 0) AS dislikes,
           coalesce(comments.published, 0) AS published
    FROM ideas AS idea
    LEFT JOIN (
        SELECT idea_id, count(*) FILTER (WHERE value = 1) AS likes,
               count(*) FILTER (WHERE value = -1) AS dislikes
        FROM idea_votes GROUP BY idea_id
    ) AS votes ON votes.idea_id = idea.id
    LEFT JOIN (
        SELECT idea_id, count(*) AS published
        FROM comments WHERE status = 'published' GROUP BY idea_id
    ) AS comments ON comments.idea_id = idea.id
    WHERE idea.like_count <> coalesce(votes.likes, 0)
       OR idea.dislike_count <> coalesce(votes.dislikes, 0)
       OR idea.comment_count <> coalesce(comments.published, 0)
"""
COMMENT_COUNTERS_WRONG = """
    SELECT comment.id, comment.like_count, comment.dislike_count,
           coalesce(votes.likes, 0) AS likes, coalesce(votes.dislikes, 0) AS dislikes
    FROM comments AS comment
    LEFT JOIN (
        SELECT comment_id, count(*) FILTER (WHERE value = 1) AS likes,
               count(*) FILTER (WHERE value = -1) AS dislikes
        FROM comment_votes GROUP BY comment_id
    ) AS votes ON votes.comment_id = comment.id
    WHERE comment.like_count <> coalesce(votes.likes, 0)
       OR comment.dislike_count <> coalesce(votes.dislikes, 0)
"""
