"""Screening asks identity whether a post names someone on the staff list: found however the
name is written, not found from a part of it, and found by an index lookup whose cost does
not grow with the staff list."""

from __future__ import annotations

import asyncpg
import pytest
from fastapi import FastAPI

from candour.identity import mentions_a_staff_name
from candour.identity.staff_names import LOOKUP, runs_of_words
from tests.support.factories import make_person


async def _mentions(app: FastAPI, post: str) -> bool:
    async with app.state.sessionmaker() as session:
        return await mentions_a_staff_name(session, post)


def test_a_post_is_cut_into_runs_of_two_to_five_words() -> None:
    runs = runs_of_words("Ask (Quentin Zebedee's) team, please!")
    assert "Quentin Zebedee" in runs, "a possessive ends the name"
    assert "Ask Quentin Zebedee s" not in runs
    assert "Ask Quentin Zebedee team please" in runs
    assert all(2 <= len(run.split()) <= 5 for run in runs)
    assert runs_of_words("Hello") == []


@pytest.mark.parametrize(
    "post",
    [
        "quentin zebedee keeps changing the rota",
        "QUENTIN ZEBEDEE keeps changing the rota",
        "Ask (Quentin  Zebedee,) about it",
        "It was Quentin Zebedee's idea",
        "anne marie o'brien on ward 7",
        "Anne-Marie O'Brien's handover",
        "Zoë Okafor said no",
    ],
)
async def test_a_staff_name_is_found_however_it_is_written(app: FastAPI, post: str) -> None:
    for name in ("Quentin Zebedee", "Anne-Marie O'Brien", "Zoë Okafor"):
        await make_person(app, role="participant", name=name)
    assert await _mentions(app, post)


@pytest.mark.parametrize(
    "post",
    [
        "Quentin keeps changing the rota",
        "Zebedee Quentin is not the order of the name",
        "Quentin and Zebedee",
        "Anne-Marie is on leave",
        "Cher said the same",
        "",
    ],
)
async def test_part_of_a_name_or_a_one_word_name_is_not_a_match(app: FastAPI, post: str) -> None:
    for name in ("Quentin Zebedee", "Anne-Marie O'Brien", "Cher"):
        await make_person(app, role="participant", name=name)
    assert not await _mentions(app, post)


async def test_the_lookup_uses_the_index_however_long_the_staff_list(
    app: FastAPI, db: asyncpg.Connection
) -> None:
    await db.execute(
        """
        INSERT INTO accounts (id, email, display_name, role)
        SELECT gen_random_uuid(), 'staff' || i || '@trust.example',
               'Firstname' || i || ' Surname' || (i % 997), 'participant'
        FROM generate_series(1, 30000) AS i
        """
    )
    await db.execute("ANALYZE accounts")
    post = " ".join(f"word{i} Surname{i % 50}" for i in range(200))
    async with app.state.sessionmaker() as session:
        # The statement as the service sends it, explained.
        compiled = LOOKUP.compile(dialect=session.bind.dialect)
        values = compiled.construct_params({"runs": runs_of_words(post)})
        arguments = tuple(values[name] for name in compiled.positiontup or ())
        connection = await session.connection()
        rows = await connection.exec_driver_sql(f"EXPLAIN {compiled}", arguments)
        plan = "\n".join(row[0] for row in rows)
    assert "ix_accounts_name_key" in plan, plan
    assert "Seq Scan on accounts" not in plan, plan
    assert await _mentions(app, "word7 Surname7 and Firstname997 Surname0")
