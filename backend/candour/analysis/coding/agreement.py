"""Cohen's kappa between two analysts.

The material is the posts both analysts have coded (an idea or comment is "coded" by an
analyst when they hold at least one confirmed coding on it with a live code). For each live
code X, each such post is one yes/no decision per analyst — "coded with X" when any of
their confirmed codings on the post is X, whole or excerpt — which gives a 2×2 table:

                  B: yes   B: no
        A: yes    both     only_a
        A: no     only_b   neither

p_o = (both + neither) / n, p_e = p_A·p_B + (1 − p_A)(1 − p_B) with p_A, p_B each analyst's
rate of "yes", and κ = (p_o − p_e) / (1 − p_e). It is undefined (null, with the reason)
when p_e = 1: nobody used the code on those posts, or both used it on every one.

Overall, the tables of the codes at least one of the two used are pooled (every (post,
code) decision counts once) and κ is computed on the pooled table; the mean of the defined
per-code kappas is given beside it. Suggested and rejected codings are not anyone's
judgement and do not count; nor do codings of retired codes (a merge has moved its codings
to the live code already).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from candour.analysis.coding.errors import AnalystPairInvalid
from candour.analysis.coding.frames import in_frame_order
from candour.analysis.coding.models import Code, CodeState
from candour.analysis.coding.schemas import Agreement, CodeAgreement, CodeRef, Kappa
from candour.conversations import service as conversations
from candour.core.errors import FieldProblem
from candour.identity import Caller

NO_OVERLAP = "The two analysts have not coded any post in common."
NO_PAIR = "No two analysts have coded a post in common yet."
UNUSED = "Neither analyst applied this code to the posts they both coded."
NO_VARIATION = (
    "Both analysts applied this code to every post they both coded: agreement is complete, "
    "but chance alone would agree as much, so kappa is undefined."
)


@dataclass(frozen=True)
class Table:
    both: int
    only_a: int
    only_b: int
    neither: int

    @property
    def n(self) -> int:
        return self.both + self.only_a + self.only_b + self.neither

    def __add__(self, other: Table) -> Table:
        return Table(
            self.both + other.both,
            self.only_a + other.only_a,
            self.only_b + other.only_b,
            self.neither + other.neither,
        )


def cohen_kappa(table: Table) -> Kappa:
    """κ of one 2×2 table, computed exactly (fractions), then given as floats."""
    if table.n == 0:
        return Kappa(
            kappa=None,
            observed_agreement=None,
            expected_agreement=None,
            decisions=0,
            reason=NO_OVERLAP,
        )
    n = table.n
    observed = Fraction(table.both + table.neither, n)
    yes_a = Fraction(table.both + table.only_a, n)
    yes_b = Fraction(table.both + table.only_b, n)
    expected = yes_a * yes_b + (1 - yes_a) * (1 - yes_b)
    if expected == 1:
        reason = UNUSED if table.both == 0 else NO_VARIATION
        return Kappa(
            kappa=None,
            observed_agreement=float(observed),
            expected_agreement=1.0,
            decisions=n,
            reason=reason,
        )
    return Kappa(
        kappa=float((observed - expected) / (1 - expected)),
        observed_agreement=float(observed),
        expected_agreement=float(expected),
        decisions=n,
        reason=None,
    )


# In each statement, `decisions`: who coded which post with which live code (confirmed
# codings only), once each.
_BUSIEST_PAIR = text(
    """
    WITH decisions AS (
        SELECT DISTINCT c.analyst_id, COALESCE(c.idea_id, c.comment_id) AS post, c.code_id
        FROM codings c JOIN codes k ON k.id = c.code_id
        WHERE c.conversation_id = :conversation AND c.status = 'confirmed'
          AND k.state = 'live'
    ),
    coded AS (SELECT DISTINCT analyst_id, post FROM decisions)
    SELECT a.analyst_id AS a, b.analyst_id AS b, count(*) AS n
    FROM coded a JOIN coded b ON a.post = b.post AND a.analyst_id < b.analyst_id
    GROUP BY a.analyst_id, b.analyst_id
    ORDER BY n DESC, a.analyst_id, b.analyst_id
    LIMIT 1
    """
)

# Per code, over the posts both coded: yes/yes, yes/no, no/yes (no/no is the rest).
_TABLES = text(
    """
    WITH decisions AS (
        SELECT DISTINCT c.analyst_id, COALESCE(c.idea_id, c.comment_id) AS post, c.code_id
        FROM codings c JOIN codes k ON k.id = c.code_id
        WHERE c.conversation_id = :conversation AND c.status = 'confirmed'
          AND k.state = 'live'
    ),
    common AS (
        SELECT post FROM decisions WHERE analyst_id = :a
        INTERSECT
        SELECT post FROM decisions WHERE analyst_id = :b
    ),
    a AS (SELECT DISTINCT post, code_id FROM decisions
          WHERE analyst_id = :a AND post IN (SELECT post FROM common)),
    b AS (SELECT DISTINCT post, code_id FROM decisions
          WHERE analyst_id = :b AND post IN (SELECT post FROM common))
    SELECT COALESCE(a.code_id, b.code_id) AS code_id,
           count(*) FILTER (WHERE a.post IS NOT NULL AND b.post IS NOT NULL) AS both,
           count(*) FILTER (WHERE b.post IS NULL) AS only_a,
           count(*) FILTER (WHERE a.post IS NULL) AS only_b,
           (SELECT count(*) FROM common) AS common
    FROM a FULL JOIN b ON a.post = b.post AND a.code_id = b.code_id
    GROUP BY COALESCE(a.code_id, b.code_id)
    """
)

_COMMON = text(
    """
    WITH decisions AS (
        SELECT DISTINCT c.analyst_id, COALESCE(c.idea_id, c.comment_id) AS post, c.code_id
        FROM codings c JOIN codes k ON k.id = c.code_id
        WHERE c.conversation_id = :conversation AND c.status = 'confirmed'
          AND k.state = 'live'
    )
    SELECT count(*) FROM (
        SELECT post FROM decisions WHERE analyst_id = :a
        INTERSECT
        SELECT post FROM decisions WHERE analyst_id = :b
    ) common
    """
)


async def coder_agreement(
    session: AsyncSession,
    caller: Caller,
    conversation_id: uuid.UUID,
    analyst_a: uuid.UUID | None,
    analyst_b: uuid.UUID | None,
) -> Agreement:
    await conversations.get_conversation(session, caller, conversation_id)
    if (analyst_a is None) != (analyst_b is None) or (analyst_a and analyst_a == analyst_b):
        raise AnalystPairInvalid(
            "Name two different analysts (`analyst_a` and `analyst_b`), or neither to take "
            "the pair who coded most posts in common.",
            errors=[FieldProblem(field="query.analyst_b", message="need another", code="pair")],
        )
    chosen = "requested"
    params = {"conversation": conversation_id}
    if analyst_a is None:
        chosen = "most_in_common"
        pair = (await session.execute(_BUSIEST_PAIR, params)).first()
        if pair is not None:
            analyst_a, analyst_b = pair.a, pair.b
    live = [
        c
        for c in in_frame_order(
            await session.scalars(select(Code).where(Code.conversation_id == conversation_id))
        )
        if c.state == CodeState.live
    ]
    if analyst_a is None or analyst_b is None:
        return _agreement(None, None, chosen, 0, live, {}, NO_PAIR)
    pair_params = {**params, "a": analyst_a, "b": analyst_b}
    common = await session.scalar(_COMMON, pair_params) or 0
    tables: dict[uuid.UUID, tuple[int, int, int]] = {}
    for row in await session.execute(_TABLES, pair_params):
        tables[row.code_id] = (row.both, row.only_a, row.only_b)
    return _agreement(analyst_a, analyst_b, chosen, common, live, tables, NO_OVERLAP)


def _agreement(
    analyst_a: uuid.UUID | None,
    analyst_b: uuid.UUID | None,
    chosen: str,
    common: int,
    live: list[Code],
    counts: dict[uuid.UUID, tuple[int, int, int]],
    empty_reason: str,
) -> Agreement:
    per_code: list[CodeAgreement] = []
    pooled = Table(0, 0, 0, 0)
    for code in live:
        both, only_a, only_b = counts.get(code.id, (0, 0, 0))
        table = Table(both, only_a, only_b, common - both - only_a - only_b)
        kappa = cohen_kappa(table)
        if common == 0:
            kappa = kappa.model_copy(update={"reason": empty_reason})
        if both + only_a + only_b:
            pooled = pooled + table
        per_code.append(
            CodeAgreement(
                code=CodeRef(id=code.id, name=code.name),
                both=table.both,
                only_a=table.only_a,
                only_b=table.only_b,
                neither=table.neither,
                **kappa.model_dump(),
            )
        )
    overall = cohen_kappa(pooled)
    if common == 0:
        overall = overall.model_copy(update={"reason": empty_reason})
    defined = [c.kappa for c in per_code if c.kappa is not None]
    return Agreement(
        analyst_a=analyst_a,
        analyst_b=analyst_b,
        chosen=chosen,
        posts_in_common=common,
        overall=overall,
        mean_kappa=sum(defined) / len(defined) if defined else None,
        codes=per_code,
    )
