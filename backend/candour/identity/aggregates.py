"""Contributors and posts per participant attribute (staff group, site …), suppressed
before a number leaves this domain.

Only identity may join people to what they wrote. The caller hands in a *query* of
authored content — one row per author pseudonym with their number of posts — and gets
back counts per attribute value, never a pseudonym or a person. The pseudonyms of the
conversation's members are computed here (the key is not in the database) and joined to
that query inside one statement, so they never leave it either.

Suppression (``suppress``) happens here too, so no caller can forget it:

- a group with fewer contributors than the conversation's minimum group size is never
  shown, not even by name;
- every contributor belongs to exactly one group of each attribute — those without the
  attribute (or without an account: paper posts are not counted, imported or erased people
  are) form the group "not recorded" — so the shown groups plus the suppressed ones add up
  to the conversation's total, which the report publishes. If exactly one group were
  suppressed, that total minus the shown groups would be it. So whenever exactly one group
  is below the minimum, the next smallest group is suppressed with it ("complementary
  suppression"), and the suppressed groups are only ever published as one sum of two or
  more;
- when the whole conversation has fewer contributors than the minimum, the breakdown is
  withheld.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Integer, LargeBinary, Select, bindparam, column, func, literal, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import Text

from candour.core.settings import Settings
from candour.identity.models import Account, Membership
from candour.identity.pseudonyms import pseudonym_for

NOT_RECORDED = "(not recorded)"


@dataclass(frozen=True, slots=True)
class GroupCount:
    """One attribute value: how many distinct people wrote, and how many posts."""

    value: str
    contributors: int
    posts: int


@dataclass(frozen=True, slots=True)
class AttributeBreakdown:
    """One attribute's groups as they may be published.

    ``shown``: groups at or above the minimum size, largest first. ``suppressed_groups``
    groups (never one alone) are folded into ``suppressed_contributors`` and
    ``suppressed_posts``. ``withheld``: the conversation is too small for any breakdown;
    then nothing else is filled in."""

    attribute: str
    shown: list[GroupCount]
    suppressed_groups: int
    suppressed_contributors: int
    suppressed_posts: int
    withheld: bool


def suppress(
    attribute: str, groups: list[GroupCount], *, total: int, min_group_size: int
) -> AttributeBreakdown:
    """What of ``groups`` (which partition ``total`` contributors) may be published."""
    if total < min_group_size:
        return AttributeBreakdown(attribute, [], 0, 0, 0, withheld=True)
    ordered = sorted(groups, key=lambda g: (g.contributors, g.posts, g.value))
    hidden = [g for g in ordered if g.contributors < min_group_size]
    kept = [g for g in ordered if g.contributors >= min_group_size]
    if len(hidden) == 1:
        # Alone, it would be the total minus the shown groups: hide the next smallest too.
        # A total of at least the minimum means a lone small group never is everyone.
        hidden.append(kept.pop(0))
    kept.sort(key=lambda g: (-g.contributors, g.value))
    return AttributeBreakdown(
        attribute=attribute,
        shown=kept,
        suppressed_groups=len(hidden),
        suppressed_contributors=sum(g.contributors for g in hidden),
        suppressed_posts=sum(g.posts for g in hidden),
        withheld=False,
    )


async def _member_attributes(
    session: AsyncSession, settings: Settings, conversation_id: uuid.UUID
) -> tuple[list[bytes], list[str], list[str]]:
    """(pseudonym, attribute, value) of every member, as three parallel lists."""
    rows = await session.execute(
        select(Account.id, Account.attributes)
        .join(Membership, Membership.account_id == Account.id)
        .where(Membership.conversation_id == conversation_id)
    )
    pseudonyms: list[bytes] = []
    keys: list[str] = []
    values: list[str] = []
    for account_id, attributes in rows:
        if not attributes:
            continue
        pseudonym = pseudonym_for(settings, conversation_id, account_id)
        for key, value in attributes.items():
            if isinstance(value, str) and value.strip():
                pseudonyms.append(pseudonym)
                keys.append(key)
                values.append(value.strip())
    return pseudonyms, keys, values


async def attribute_breakdowns(
    session: AsyncSession,
    settings: Settings,
    conversation_id: uuid.UUID,
    authored: Select[tuple[bytes, int]],
    *,
    min_group_size: int,
) -> tuple[int, list[AttributeBreakdown]]:
    """The conversation's total of contributors, and per attribute its suppressed breakdown.

    ``authored`` selects two columns, ``pseudonym`` (not null) and ``posts``, one row per
    author of the content to count (the shown posts of the conversation). The total is
    that query's number of rows: the caller's own count of distinct authors must be the
    same figure, read in the same snapshot, or the suppression's arithmetic does not hold.
    """
    pseudonyms, keys, values = await _member_attributes(session, settings, conversation_id)
    authors = authored.subquery("authors")
    people = (
        func.unnest(
            bindparam("pseudonyms", pseudonyms, type_=ARRAY(LargeBinary)),
            bindparam("keys", keys, type_=ARRAY(Text)),
            bindparam("values", values, type_=ARRAY(Text)),
        )
        .table_valued(column("pseudonym", LargeBinary), column("key", Text), column("value", Text))
        .render_derived(name="people")
    )
    per_value = (
        select(
            people.c.key,
            people.c.value,
            func.count().label("contributors"),
            func.sum(authors.c.posts).label("posts"),
        )
        .select_from(authors.join(people, people.c.pseudonym == authors.c.pseudonym))
        .group_by(people.c.key, people.c.value)
    )
    # The total rides in the same statement, so it is read in the same snapshot.
    totals = select(
        literal(None, Text).label("key"),
        literal(None, Text).label("value"),
        func.count().label("contributors"),
        func.coalesce(func.sum(authors.c.posts), 0).cast(Integer).label("posts"),
    ).select_from(authors)
    rows = (await session.execute(per_value.union_all(totals))).all()
    total_contributors, total_posts = 0, 0
    by_attribute: dict[str, list[GroupCount]] = {key: [] for key in sorted(set(keys))}
    for key, value, contributors, posts in rows:
        if key is None:
            total_contributors, total_posts = int(contributors), int(posts)
        else:
            by_attribute[key].append(GroupCount(value, int(contributors), int(posts)))
    breakdowns = []
    for key, groups in by_attribute.items():
        rest = GroupCount(
            NOT_RECORDED,
            total_contributors - sum(g.contributors for g in groups),
            total_posts - sum(g.posts for g in groups),
        )
        if rest.contributors:
            groups.append(rest)
        breakdowns.append(
            suppress(key, groups, total=total_contributors, min_group_size=min_group_size)
        )
    return total_contributors, breakdowns
