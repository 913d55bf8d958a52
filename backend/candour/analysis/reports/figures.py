"""The report's figures, read from PostgreSQL as aggregates: a few statements per report,
whatever the number of votes, and never a row per vote in Python.

Every statement starts from the same two relations:

- ``posts``: the shown ideas and comments of the conversation (published and visible, the
  rule of ``contributions.text_is_shown`` for everyone's eyes, written as literals so the
  planner can use the list indexes), with their maintained like and dislike counters;
- ``scoped``: each post once per scope it belongs to: the conversation, its idea's section,
  and each live theme (code) that it or a part of it is coded with — a confirmed coding of
  the code or of a live code below it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select, text, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from candour.contributions.models import Comment, Idea, Moderation, Status

# z for a two-sided 95% interval.
Z95 = 1.959963984540054
QUOTE_LENGTH = 400
TOP_IDEAS = 5
QUOTES = 3

_POSTS = """
posts AS (
    SELECT 'idea'::text AS kind, i.id AS post_id, i.id AS idea_id, i.section_id,
           i.author_pseudonym, i.like_count, i.dislike_count, i.created_at
    FROM ideas AS i
    WHERE i.conversation_id = :conversation_id
      AND i.status = 'published' AND i.moderation = 'visible'
    UNION ALL
    SELECT 'comment', c.id, c.idea_id, i.section_id,
           c.author_pseudonym, c.like_count, c.dislike_count, c.created_at
    FROM comments AS c
    JOIN ideas AS i ON i.id = c.idea_id
    WHERE c.conversation_id = :conversation_id
      AND c.status = 'published' AND c.moderation = 'visible'
)"""

_THEMES = """,
theme_tree AS (
    SELECT k.id AS theme_id, k.id AS code_id
    FROM codes AS k
    WHERE k.conversation_id = :conversation_id AND k.state = 'live'
    UNION ALL
    SELECT t.theme_id, k.id
    FROM theme_tree AS t
    JOIN codes AS k ON k.parent_id = t.code_id AND k.state = 'live'
),
coded AS (
    SELECT DISTINCT t.theme_id, coalesce(g.idea_id, g.comment_id) AS post_id
    FROM theme_tree AS t
    JOIN codings AS g ON g.code_id = t.code_id
    WHERE g.conversation_id = :conversation_id AND g.status = 'confirmed'
)"""

_SCOPED = """,
scoped AS (
    SELECT 'conversation'::text AS scope, NULL::uuid AS scope_id, p.* FROM posts AS p
    UNION ALL
    SELECT 'section', p.section_id, p.* FROM posts AS p
    UNION ALL
    SELECT 'theme', c.theme_id, p.* FROM coded AS c JOIN posts AS p ON p.post_id = c.post_id
)"""


_HEAD = "WITH RECURSIVE " + _POSTS + _THEMES + _SCOPED


_FIGURES = """
SELECT scope, scope_id,
       count(*) FILTER (WHERE kind = 'idea') AS ideas,
       count(*) FILTER (WHERE kind = 'comment') AS comments,
       count(*) FILTER (WHERE author_pseudonym IS NULL) AS paper_posts,
       count(DISTINCT author_pseudonym) AS contributors,
       coalesce(sum(like_count), 0)::int8 AS likes,
       coalesce(sum(dislike_count), 0)::int8 AS dislikes,
       coalesce(sum(least(like_count, dislike_count)), 0)::int8 AS split
FROM scoped
GROUP BY scope, scope_id
"""

# Passes (0) are votes for the opinion groups but neither a like nor a dislike: a voter
# here is someone who liked or disliked a shown post of the scope.
_VOTERS = """,
votes AS (
    SELECT v.idea_id AS post_id, v.voter_pseudonym AS voter
    FROM idea_votes AS v JOIN ideas AS i ON i.id = v.idea_id
    WHERE i.conversation_id = :conversation_id
      AND i.status = 'published' AND i.moderation = 'visible' AND v.value <> 0
    UNION ALL
    SELECT v.comment_id, v.voter_pseudonym
    FROM comment_votes AS v JOIN comments AS c ON c.id = v.comment_id
    WHERE c.conversation_id = :conversation_id
      AND c.status = 'published' AND c.moderation = 'visible'
)
SELECT scope, scope_id, count(*) AS voters
FROM (
    -- DISTINCT first, then count: PostgreSQL can hash it, where count(DISTINCT …) sorts
    -- every (scope, voter) pair (2,000,000 votes: 3.6 s instead of 7.6 s).
    SELECT DISTINCT s.scope, s.scope_id, v.voter
    FROM scoped AS s JOIN votes AS v ON v.post_id = s.post_id
) AS distinct_voters
GROUP BY scope, scope_id
"""

# Constants only are formatted in, never a value from a request.
_TOP_IDEAS = f"""
, ranked AS (
    SELECT scope, scope_id, post_id,
           row_number() OVER (
               PARTITION BY scope, scope_id
               ORDER BY like_count - dislike_count DESC, like_count DESC, post_id
           ) AS rank
    FROM scoped WHERE kind = 'idea'
),
shown_comments AS (
    SELECT idea_id, count(*) AS comments FROM posts WHERE kind = 'comment' GROUP BY idea_id
)
SELECT r.scope, r.scope_id, i.id, i.title, i.like_count, i.dislike_count,
       coalesce(sc.comments, 0) AS comments
FROM ranked AS r
JOIN ideas AS i ON i.id = r.post_id
LEFT JOIN shown_comments AS sc ON sc.idea_id = i.id
WHERE r.rank <= {TOP_IDEAS}
ORDER BY r.scope, r.scope_id, r.rank
"""  # noqa: S608

# The lower bound of the Wilson interval: high only with both a high ratio and enough votes.
_WILSON_LOW = f"""(
    (like_count::float8 / n + {Z95}^2 / (2 * n))
    - {Z95} * sqrt(like_count::float8 * dislike_count / n ^ 3 + {Z95}^2 / (4 * n ^ 2))
) / (1 + {Z95}^2 / n)"""

_QUOTES = f"""
, voted AS (
    SELECT *, (like_count + dislike_count)::float8 AS n FROM scoped
    WHERE like_count + dislike_count > 0
),
ranked AS (
    SELECT scope, scope_id, kind, post_id, idea_id, like_count, dislike_count,
           row_number() OVER (
               PARTITION BY scope, scope_id
               ORDER BY {_WILSON_LOW} DESC, n DESC, post_id
           ) AS rank
    FROM voted
)
SELECT r.scope, r.scope_id, r.kind, r.post_id, r.idea_id, r.like_count, r.dislike_count,
       left(coalesce(nullif(i.body, ''), i.title, c.body), {QUOTE_LENGTH + 1}) AS text
FROM ranked AS r
LEFT JOIN ideas AS i ON r.kind = 'idea' AND i.id = r.post_id
LEFT JOIN comments AS c ON r.kind = 'comment' AND c.id = r.post_id
WHERE r.rank <= {QUOTES}
ORDER BY r.scope, r.scope_id, r.rank
"""  # noqa: S608

_PARTICIPATION = """
SELECT (created_at AT TIME ZONE :time_zone)::date AS day,
       count(*) FILTER (WHERE kind = 'idea') AS ideas,
       count(*) FILTER (WHERE kind = 'comment') AS comments,
       coalesce(sum(like_count + dislike_count), 0)::int8 AS votes
FROM posts
GROUP BY 1
ORDER BY 1
"""

ScopeKey = tuple[str, uuid.UUID | None]


@dataclass(frozen=True, slots=True)
class Counts:
    ideas: int
    comments: int
    paper_posts: int
    contributors: int
    likes: int
    dislikes: int
    split: int  # sum over posts of min(likes, dislikes)
    voters: int = 0


@dataclass(frozen=True, slots=True)
class IdeaRow:
    idea_id: uuid.UUID
    title: str
    likes: int
    dislikes: int
    comments: int


@dataclass(frozen=True, slots=True)
class QuoteRow:
    kind: str
    post_id: uuid.UUID
    idea_id: uuid.UUID
    likes: int
    dislikes: int
    text: str


@dataclass(frozen=True, slots=True)
class DayRow:
    day: date
    ideas: int
    comments: int
    votes: int


@dataclass(slots=True)
class Figures:
    counts: dict[ScopeKey, Counts]
    top_ideas: dict[ScopeKey, list[IdeaRow]]
    quotes: dict[ScopeKey, list[QuoteRow]]
    days: list[DayRow]


async def read_figures(
    session: AsyncSession, conversation_id: uuid.UUID, time_zone: str
) -> Figures:
    """Every scope's counts, top ideas and quotes, and the days, in five statements."""
    params = {"conversation_id": conversation_id}
    head = _HEAD
    voters = {
        (scope, scope_id): int(n)
        for scope, scope_id, n in await session.execute(text(head + _VOTERS), params)
    }
    counts = {
        (r.scope, r.scope_id): Counts(
            ideas=r.ideas,
            comments=r.comments,
            paper_posts=r.paper_posts,
            contributors=r.contributors,
            likes=r.likes,
            dislikes=r.dislikes,
            split=r.split,
            voters=voters.get((r.scope, r.scope_id), 0),
        )
        for r in await session.execute(text(head + _FIGURES), params)
    }
    top_ideas: dict[ScopeKey, list[IdeaRow]] = {}
    for r in await session.execute(text(head + _TOP_IDEAS), params):
        top_ideas.setdefault((r.scope, r.scope_id), []).append(
            IdeaRow(r.id, r.title, r.like_count, r.dislike_count, r.comments)
        )
    quotes: dict[ScopeKey, list[QuoteRow]] = {}
    for r in await session.execute(text(head + _QUOTES), params):
        quotes.setdefault((r.scope, r.scope_id), []).append(
            QuoteRow(r.kind, r.post_id, r.idea_id, r.like_count, r.dislike_count, shorten(r.text))
        )
    days = [
        DayRow(r.day, r.ideas, r.comments, r.votes)
        for r in await session.execute(
            text("WITH " + _POSTS + _PARTICIPATION), {**params, "time_zone": time_zone}
        )
    ]
    return Figures(counts, top_ideas, quotes, days)


def shorten(text: str) -> str:
    """A quote's words: at most ``QUOTE_LENGTH`` characters, an ellipsis where cut."""
    return text if len(text) <= QUOTE_LENGTH else text[: QUOTE_LENGTH - 1] + "…"


def authored_posts(conversation_id: uuid.UUID) -> Select[tuple[bytes, int]]:
    """One row per author of a shown post, with their number of shown posts: what identity
    joins to its people for the breakdowns. The same posts as ``posts`` above, so its
    number of rows is the conversation's ``contributors``."""
    shown = [
        select(model.author_pseudonym.label("pseudonym")).where(
            model.conversation_id == conversation_id,
            model.status == Status.published.value,
            model.moderation == Moderation.visible.value,
            model.author_pseudonym.is_not(None),
        )
        for model in (Idea, Comment)
    ]
    authors = union_all(*shown).subquery("authored")
    return select(authors.c.pseudonym, func.count().label("posts")).group_by(authors.c.pseudonym)
