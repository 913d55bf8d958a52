"""What a copy of the database alone reveals: no table outside identity holds a person's
key, address or name, and without the two keys a pseudonym cannot be joined to a person.

The scan reads every column of every table as text, so it grows with the schema: a new
content or vote table is covered the day it is added.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid

import asyncpg
import pytest
from fastapi import FastAPI

from candour.core.security import SealBroken, derive_pseudonym, unseal
from candour.identity.models import PERSONAL_DATA_TABLES
from candour.identity.pseudonyms import pseudonym_for, unseal_account_id
from tests.support.factories import Person, make_conversation, make_person

# Tables that may hold personal data: identity's own, and the mail outbox (addresses).
MAY_HOLD_PERSONAL_DATA = PERSONAL_DATA_TABLES | {"outbox_messages", "alembic_version"}


async def _all_tables(db: asyncpg.Connection) -> list[str]:
    rows = await db.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
    return [r["tablename"] for r in rows]


async def _seed(app: FastAPI) -> tuple[list[uuid.UUID], list[Person]]:
    conversations = [await make_conversation(app, title=f"Conversation {n}") for n in range(2)]
    people = []
    for n in range(6):
        person = await make_person(
            app,
            name=f"Sister Jane Doe{n}",
            email=f"jane.doe{n}@trust.example",
            conversation_id=conversations[n % 2],
        )
        people.append(person)
    return conversations, people


def _needles(people: list[Person]) -> list[bytes]:
    needles: list[bytes] = []
    for person in people:
        needles += [
            person.email.encode(),
            (person.display_name or "").encode(),
            str(person.id).encode(),
            person.id.hex.encode(),
            person.id.bytes,
        ]
    return needles


async def test_no_table_outside_identity_holds_a_person(
    app: FastAPI, db: asyncpg.Connection
) -> None:
    _, people = await _seed(app)
    needles = _needles(people)
    scanned = []
    for table in await _all_tables(db):
        if table in MAY_HOLD_PERSONAL_DATA:
            continue
        scanned.append(table)
        for row in await db.fetch(f'SELECT t::text AS text FROM "{table}" t'):
            text = row["text"].encode()
            assert not any(n in text for n in needles), (
                f"{table} holds personal data: {row['text'][:120]}"
            )
        columns = await db.fetch(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1",
            table,
        )
        for column in columns:
            if column["data_type"] == "bytea":
                for row in await db.fetch(f'SELECT "{column["column_name"]}" AS v FROM "{table}"'):
                    assert not any(n in (row["v"] or b"") for n in needles), (
                        f"{table}.{column['column_name']}"
                    )
    assert "conversations" in scanned


async def test_no_foreign_key_leads_from_content_to_identity(db: asyncpg.Connection) -> None:
    rows = await db.fetch(
        """
        SELECT conrelid::regclass::text AS source, confrelid::regclass::text AS target
        FROM pg_constraint WHERE contype = 'f'
        """
    )
    for row in rows:
        if row["target"] in PERSONAL_DATA_TABLES:
            assert row["source"] in PERSONAL_DATA_TABLES, (
                f"{row['source']} points at {row['target']}"
            )


async def test_without_the_keys_a_pseudonym_cannot_be_joined_to_a_person(
    app: FastAPI, db: asyncpg.Connection
) -> None:
    conversations, people = await _seed(app)
    settings = app.state.settings
    links = {r["pseudonym"]: r for r in await db.fetch("SELECT * FROM author_links")}
    assert len(links) == len(people)

    for person in people:
        for conversation_id in conversations:
            # Everything someone with only the database could try from the ids they see:
            guesses = [
                hashlib.sha256(conversation_id.bytes + person.id.bytes).digest(),
                hashlib.sha256(person.id.bytes + conversation_id.bytes).digest(),
                hashlib.sha256(f"{conversation_id}{person.id}".encode()).digest(),
                hmac.new(
                    b"",
                    b"candour-pseudonym-v1|" + conversation_id.bytes + person.id.bytes,
                    "sha256",
                ).digest(),
                derive_pseudonym("wrong key", conversation_id, person.id),
            ]
            assert not any(guess in links for guess in guesses)

    for pseudonym, link in links.items():
        sealed = link["sealed_account_id"]
        assert not any(person.id.bytes in sealed for person in people), (
            "the account id is not stored in clear"
        )
        with pytest.raises(SealBroken):
            unseal("a guessed relay key", sealed, pseudonym)

    # With both keys (and only then) the platform itself can go forward and back.
    for person in people:
        member_of = [c for c in conversations if pseudonym_for(settings, c, person.id) in links]
        assert len(member_of) == 1
        pseudonym = pseudonym_for(settings, member_of[0], person.id)
        assert (
            unseal_account_id(settings, pseudonym, links[pseudonym]["sealed_account_id"])
            == person.id
        )


async def test_links_are_not_stored_in_the_order_people_joined(
    app: FastAPI, db: asyncpg.Connection
) -> None:
    conversation_id = await make_conversation(app)
    admin = await make_person(app, role="admin")
    async with app.state.sessionmaker() as session, session.begin():
        from candour.identity.importing import import_participants

        csv = "email\n" + "\n".join(f"p{n:03d}@trust.example" for n in range(60))
        await import_participants(
            session,
            app.state.settings,
            csv_text=csv,
            conversation_id=conversation_id,
            send_invitations=False,
        )
    accounts = [
        r["id"]
        for r in await db.fetch("SELECT id FROM accounts WHERE id <> $1 ORDER BY ctid", admin.id)
    ]
    physical = [
        r["pseudonym"] for r in await db.fetch("SELECT pseudonym FROM author_links ORDER BY ctid")
    ]
    in_join_order = [pseudonym_for(app.state.settings, conversation_id, a) for a in accounts]
    assert physical == sorted(physical), "written in pseudonym order"
    assert physical != in_join_order


async def test_link_and_pseudonym_rows_carry_no_time(db: asyncpg.Connection) -> None:
    columns = await db.fetch(
        "SELECT column_name, data_type FROM information_schema.columns"
        " WHERE table_name = 'author_links'"
    )
    assert {c["column_name"] for c in columns} == {
        "pseudonym",
        "conversation_id",
        "sealed_account_id",
    }
    assert not any("time" in c["data_type"] or "serial" in c["data_type"] for c in columns)
