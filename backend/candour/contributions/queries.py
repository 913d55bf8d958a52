"""The statements of the participants' hot paths — a list page, one idea, a vote — built
once, on Core tables rather than ORM entities.

Each is a :class:`~candour.core.prepared.Prepared` with bound parameters, compiled once per
process and run directly on the asyncpg connection (a request's pooled connection, or the
one under its session): the ORM's per-row identity map and
per-statement bookkeeping cost several times the SQL itself on these paths
(``bench/README.md``). Rows are indexed by column name. Every row these return for the
public carries ``is_mine`` computed in the database; the author's pseudonym itself is never
selected here.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import (
    Integer,
    LargeBinary,
    Select,
    SmallInteger,
    Table,
    and_,
    bindparam,
    cast,
    delete,
    func,
    literal_column,
    select,
    true,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import UUID, insert
from sqlalchemy.sql.dml import ReturningUpdate

from candour.contributions.models import LISTED, Comment, CommentVote, Idea, IdeaVote
from candour.contributions.schemas import IdeaSort
from candour.conversations.models import Section
from candour.core.database import table_of
from candour.core.prepared import Prepared
from candour.identity import allowance_spent

ideas = table_of(Idea)
comments = table_of(Comment)
idea_votes = table_of(IdeaVote)
comment_votes = table_of(CommentVote)

SORT_COLUMN = {
    IdeaSort.newest: ideas.c.created_at,
    IdeaSort.most_liked: ideas.c.like_count,
    IdeaSort.most_discussed: ideas.c.comment_count,
    IdeaSort.most_divided: ideas.c.divided,
}

_my_vote = idea_votes.alias("my_vote")
_ideas_with_my_vote = ideas.outerjoin(
    _my_vote,
    and_(_my_vote.c.idea_id == ideas.c.id, _my_vote.c.voter_pseudonym == bindparam("me")),
)
IDEA_ROW = (
    ideas.c.id,
    ideas.c.conversation_id,
    ideas.c.section_id,
    ideas.c.status,
    ideas.c.moderation,
    ideas.c.moderation_reason,
    ideas.c.amended,
    ideas.c.source,
    ideas.c.title,
    ideas.c.body,
    ideas.c.created_at,
    ideas.c.edited_at,
    ideas.c.like_count,
    ideas.c.dislike_count,
    ideas.c.comment_count,
    ideas.c.divided,
    ideas.c.origin_id,
    ideas.c.merged_into_id,
    func.coalesce(ideas.c.author_pseudonym == bindparam("me"), False).label("is_mine"),
    _my_vote.c.value.label("my_vote"),
)
IDEA_FIELDS = tuple(str(c.key) for c in IDEA_ROW if c.key not in ("is_mine", "my_vote", "divided"))
"""What a public idea is built from: the idea's own columns in :data:`IDEA_ROW`, less
``divided`` (there for the "most divided" cursor only)."""


PAGE_ROWS = (21, 51, 101)
"""The row counts a page query asks for: a page of 20, 50 or 100 and one more, to know
whether another page follows. Other page sizes fetch the next size up and drop the rest."""


def idea_page(sort: IdeaSort, by_section: bool, after_cursor: bool, rows: int) -> Prepared:
    """At least ``rows`` listed ideas (up to the next of :data:`PAGE_ROWS`) with the
    caller's votes, for the caller to cut. Parameters: ``me``, ``conversation_id``;
    ``section_id`` if ``by_section``; ``after_key`` and ``after_id`` (the last row of the
    page before) if ``after_cursor``.

    The row count is written into the SQL rather than bound: with ``LIMIT $n`` PostgreSQL
    cannot cost a generic plan (it assumes a tenth of the table) and so plans the prepared
    statement afresh on every execution, which tripled its CPU per page. A few fixed sizes
    keep the statements few, so they stay in the driver's statement cache."""
    size = next((n for n in PAGE_ROWS if n >= rows), None)
    if size is None:
        raise ValueError(f"a page of {rows} rows is more than {PAGE_ROWS[-1]}")
    return _idea_page(sort, by_section, after_cursor, size)


@functools.cache
def _idea_page(sort: IdeaSort, by_section: bool, after_cursor: bool, rows: int) -> Prepared:
    key = SORT_COLUMN[sort]
    query = (
        select(*IDEA_ROW)
        .select_from(_ideas_with_my_vote)
        .where(ideas.c.conversation_id == bindparam("conversation_id"), LISTED)
    )
    if by_section:
        query = query.where(ideas.c.section_id == bindparam("section_id"))
    if after_cursor:
        query = query.where(
            tuple_(key, ideas.c.id)
            < tuple_(bindparam("after_key", type_=key.type), bindparam("after_id", type_=UUID()))
        )
    return Prepared(
        query.order_by(key.desc(), ideas.c.id.desc()).limit(literal_column(str(int(rows))))
    )


ONE_IDEA = Prepared(
    select(*IDEA_ROW)
    .select_from(_ideas_with_my_vote)
    .where(
        ideas.c.id == bindparam("idea_id"),
        ideas.c.conversation_id == bindparam("conversation_id"),
    )
)


def _lock(items: Table) -> Select[Any]:
    """Count the vote against the caller's rate limit and lock the item it is for, in one
    statement: ``spent`` (the caller's count in this window, this vote included) and the
    item's ``status`` and ``moderation`` (NULL when the conversation has no such item).

    Parameters: ``item_id``, ``conversation_id`` and :attr:`candour.identity.Allowance.params`
    (identity keeps the counter: a keyed hash, never the account). The item stays locked
    until the request commits: votes on one item queue behind each other, so each reads the
    voter's previous vote after the last one wrote (in :func:`_vote`, whose snapshot is
    taken once the lock is held). A refused vote rolls its count back with the rest."""
    allowance = allowance_spent()
    item = (
        select(items.c.status, items.c.moderation)
        .where(
            items.c.id == bindparam("item_id"),
            items.c.conversation_id == bindparam("conversation_id"),
        )
        .with_for_update()
        .subquery("item")
    )
    return select(allowance.c.count.label("spent"), item.c.status, item.c.moderation).select_from(
        allowance.outerjoin(item, true())
    )


def _vote(items: Table, votes: Table, item_key: str) -> ReturningUpdate[Any]:
    """Replace the voter's vote on an item (``new_value`` 1, -1, or 0 for none) and move the
    item's counts by exactly the difference, in one statement; returns the new counts.

    Run only while holding :func:`_lock`: the voter's previous vote is read from the
    statement's snapshot, which the lock makes current."""
    item, voter = votes.c[item_key], votes.c.voter_pseudonym
    item_id = bindparam("item_id", type_=UUID())
    me = bindparam("me", type_=LargeBinary())
    new = bindparam("new_value", type_=SmallInteger())
    mine = and_(item == item_id, voter == me)
    previous = select(
        func.coalesce(select(votes.c.value).where(mine).scalar_subquery(), 0).label("value")
    ).cte("previous")
    removed = delete(votes).where(mine, new == 0).cte("removed")
    stored = insert(votes).from_select(
        [item_key, "voter_pseudonym", "value"],
        select(item_id, me, new).where(new != 0),
    )
    stored = stored.on_conflict_do_update(
        index_elements=[item, voter],
        set_={"value": stored.excluded.value},
        where=votes.c.value != stored.excluded.value,  # the same vote again writes nothing
    )

    before = select(previous.c.value).scalar_subquery()

    def change(side: int) -> Any:
        return cast(new == side, Integer) - cast(before == side, Integer)

    return (
        update(items)
        .add_cte(removed, stored.cte("stored"))
        .where(items.c.id == item_id)
        .values(
            like_count=items.c.like_count + change(1),
            dislike_count=items.c.dislike_count + change(-1),
        )
        .returning(items.c.like_count, items.c.dislike_count)
    )


_sections = table_of(Section)
SECTION = Prepared(
    select(_sections.c.id).where(
        _sections.c.id == bindparam("section_id"),
        _sections.c.conversation_id == bindparam("conversation_id"),
    )
)
LOCK_IDEA = Prepared(_lock(ideas), in_transaction=True)
LOCK_COMMENT = Prepared(_lock(comments), in_transaction=True)
VOTE_ON_IDEA = Prepared(_vote(ideas, idea_votes, "idea_id"), in_transaction=True)
VOTE_ON_COMMENT = Prepared(_vote(comments, comment_votes, "comment_id"), in_transaction=True)
