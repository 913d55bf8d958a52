"""Does a post name someone on the staff list? Screening asks; the answer is yes or no, so
the list itself never leaves the identity domain.

Each run of two to ``LONGEST_NAME`` words in the post is looked up, by the index on the
accounts' ``name_key``, among the names of two words or more: the cost of a post grows with
its length, not with the number of staff.
"""

from __future__ import annotations

import re

from sqlalchemy import bindparam, exists, func, literal_column, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import Text

from candour.identity.models import Account, name_key_sql

# Names of more words than this are not found (runs are counted in the post's words).
LONGEST_NAME = 5
# Python's word characters are a superset of PostgreSQL's [:alnum:], so each run cut here
# is normalised by PostgreSQL into exactly the words ``name_key`` holds. A possessive "'s"
# ends a word: "Quentin Zebedee's rota" names Quentin Zebedee.
_BETWEEN_WORDS = re.compile(r"'s\b|(?:[^\w']|_)+", re.IGNORECASE)

_RUNS = func.unnest(bindparam("runs", type_=ARRAY(Text))).alias("run")
LOOKUP = select(
    exists().where(
        Account.name_key.like("% %"),
        Account.name_key.in_(select(literal_column(name_key_sql("run"))).select_from(_RUNS)),
    )
)


def runs_of_words(post: str) -> list[str]:
    """Every run of two to ``LONGEST_NAME`` consecutive words of ``post``."""
    words = [w for w in _BETWEEN_WORDS.split(post) if w.strip("'")]
    return sorted(
        {
            " ".join(words[start : start + length])
            for length in range(2, LONGEST_NAME + 1)
            for start in range(len(words) - length + 1)
        }
    )


async def mentions_a_staff_name(session: AsyncSession, post: str) -> bool:
    """Does ``post`` contain the full name of someone on the staff list?"""
    runs = runs_of_words(post)
    if not runs:
        return False
    return bool(await session.scalar(LOOKUP, {"runs": runs}))
