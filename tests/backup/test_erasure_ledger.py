"""Restoring a backup taken before an erasure or a retention run forgets those people
again (the erasure ledger), and the ledger itself names nobody."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest
from fastapi import FastAPI

from candour.core.settings import Settings
from candour.identity.pseudonyms import pseudonym_for
from candour.privacy.service import run_due
from tests.backup.conftest import Cli, backup_file, connect, restore_into, table_fingerprints
from tests.privacy.conftest import Activity, complete_long_ago, make_activity
from tests.support.factories import Person, new_client, sign_in

# Tables whose rows erasure and retention change: after a restore and the ledger, they must
# hold exactly what the live database holds.
FORGETTING_TABLES = [
    "accounts",
    "memberships",
    "author_links",
    "outbox_messages",
    "sign_in_tokens",
    "comment_votes",
    "idea_votes",
    "erasure_ledger",
]


@dataclass
class Story:
    """Before the backup: three conversations. After it: Alice erased herself withdrawing
    her posts, Erin erased herself keeping hers, and retention forgot Carol and Dave."""

    backup: Path
    withdrawn: Activity  # Alice, with Bob who stays
    kept: Activity  # Erin, with Frank who stays
    retained: Activity  # Carol and Dave, forgotten by retention

    @property
    def gone(self) -> list[Person]:
        return [self.withdrawn.alice, self.kept.alice, self.retained.alice, self.retained.bob]

    @property
    def staying(self) -> list[Person]:
        return [self.withdrawn.bob, self.kept.bob]


async def _erase(app: FastAPI, person: Person, posts: str) -> None:
    async with new_client(app) as client:
        erased = await client.post(
            "/api/me/erase",
            json={"posts": posts, "confirm": True},
            headers=await sign_in(client, person),
        )
        assert erased.status_code == 200, erased.text


async def _tell_a_story(app: FastAPI, cli: Cli, folder: Path) -> Story:
    withdrawn = await make_activity(app, title="Withdrawn")
    kept = await make_activity(app, title="Kept")
    retained = await make_activity(app, title="Retained")
    await complete_long_ago(app, retained.conversation_id)
    async with new_client(app) as client:  # mail in the outbox to Alice and to Carol
        for person in (withdrawn.alice, retained.alice):
            asked = await client.post("/api/auth/sign-in-link", json={"email": person.email})
            assert asked.status_code < 300, asked.text
    backup = await backup_file(cli, folder)

    await _erase(app, withdrawn.alice, "withdraw")
    await _erase(app, kept.alice, "keep")
    [run] = await run_due(app.state.sessionmaker, app.state.settings)
    assert run.accounts_deleted == 2
    return Story(backup, withdrawn, kept, retained)


async def test_a_restore_forgets_again_whoever_was_forgotten_since_the_backup(
    app: FastAPI,
    db: object,
    settings: Settings,
    cli: Cli,
    empty_database: Callable[[], Awaitable[str]],
    tmp_path: Path,
) -> None:
    story = await _tell_a_story(app, cli, tmp_path)
    live = await table_fingerprints(str(settings.database_url))
    target = await empty_database()
    output = await restore_into(cli, story.backup, target)

    restored = await connect(target)
    try:
        for person in story.gone:
            assert not await restored.fetchval(
                "SELECT count(*) FROM accounts WHERE id = $1 OR email = $2",
                person.id,
                person.email,
            ), f"{person.display_name} is back"
            assert not await restored.fetchval(
                "SELECT count(*) FROM memberships WHERE account_id = $1", person.id
            )
            assert not await restored.fetchval(
                "SELECT count(*) FROM outbox_messages WHERE recipient = $1", person.email
            )
        for activity in (story.withdrawn, story.kept, story.retained):
            pseudonym = pseudonym_for(settings, activity.conversation_id, activity.alice.id)
            assert not await restored.fetchval(
                "SELECT count(*) FROM author_links WHERE pseudonym = $1", pseudonym
            ), "the way back from a post to its author is gone"
        for person in story.staying:
            assert await restored.fetchval("SELECT count(*) FROM accounts WHERE id = $1", person.id)

        status = "SELECT status FROM ideas WHERE id = $1"
        assert await restored.fetchval(status, uuid.UUID(story.withdrawn.alice_idea)) == (
            "withdrawn"
        )
        assert await restored.fetchval(status, uuid.UUID(story.kept.alice_idea)) == "published"
        assert await restored.fetchval(
            "SELECT retention_done_at IS NOT NULL FROM conversations WHERE id = $1",
            story.retained.conversation_id,
        )
        assert (
            await restored.fetchval(
                "SELECT trigger FROM retention_runs WHERE conversation_id = $1",
                story.retained.conversation_id,
            )
            == "restore"
        )
        ledger_rows = await restored.fetchval("SELECT count(*) FROM erasure_ledger")
        assert ledger_rows == 3, "the file's entries are in the restored table too"
    finally:
        await restored.close()

    assert "2 accounts erased again (1 with their posts withdrawn)" in output
    assert "1 retention runs re-applied, 2 accounts forgotten again" in output
    await _assert_the_ledger_names_nobody(settings, story)

    again = await table_fingerprints(target)
    for table in FORGETTING_TABLES:
        assert again[table] == live[table], f"{table} differs from the live database"

    # Once more over the restored database: nobody left to forget, nothing changes.
    second = await cli("restore", "--clean", str(story.backup), database=target)
    assert second.exit_code == 0, second.stderr
    assert "2 accounts erased again" in second.stdout
    after_second = await table_fingerprints(target)
    for table in FORGETTING_TABLES:
        assert after_second[table] == live[table], f"{table} differs after a second restore"


def _encodings(value: bytes) -> list[bytes]:
    return [
        value,
        value.hex().encode(),
        value.hex().upper().encode(),
        base64.b64encode(value),
        base64.urlsafe_b64encode(value),
        base64.urlsafe_b64encode(value).rstrip(b"="),
    ]


def _needles(settings: Settings, story: Story) -> list[bytes]:
    needles: list[bytes] = []
    for activity in (story.withdrawn, story.kept, story.retained):
        for person in (activity.alice, activity.bob):
            needles += [
                person.email.encode(),
                (person.display_name or "").encode(),
                str(person.id).encode(),
                str(person.id).upper().encode(),
                *_encodings(person.id.bytes),
                *_encodings(pseudonym_for(settings, activity.conversation_id, person.id)),
            ]
    return [n for n in needles if n]


async def _assert_the_ledger_names_nobody(settings: Settings, story: Story) -> None:
    """Neither the ledger file nor the table (the live one; the restored one must equal it)
    holds an address, name, account id or pseudonym of anyone in the story."""
    needles = _needles(settings, story)

    in_file = settings.resolved_erasure_ledger_file.read_bytes()
    assert len(in_file.splitlines()) == 3, "two erasures and one retention run"
    assert not [n for n in needles if n in in_file], "the ledger file holds personal data"

    connection = await connect(str(settings.database_url))
    try:
        rows = await connection.fetch("SELECT t::text AS text, t.* FROM erasure_ledger t")
    finally:
        await connection.close()
    assert len(rows) == 3
    for row in rows:
        values = [row["text"].encode(), row["account_token"] or b""]
        assert not [n for n in needles for v in values if n in v], row["text"]


async def test_nothing_is_forgotten_unrecorded(
    app: FastAPI, db: asyncpg.Connection, settings: Settings, tmp_path: Path
) -> None:
    """A ledger file that cannot be written (here: a folder) stops the retention run whole."""
    activity = await make_activity(app)
    await complete_long_ago(app, activity.conversation_id)
    unwritable = settings.model_copy(update={"erasure_ledger_file": tmp_path})
    with pytest.raises(IsADirectoryError):
        await run_due(app.state.sessionmaker, unwritable)
    cid = activity.conversation_id
    assert await db.fetchval("SELECT count(*) FROM memberships WHERE conversation_id = $1", cid)
    assert await db.fetchval(
        "SELECT retention_done_at IS NULL FROM conversations WHERE id = $1", cid
    )
    assert not await db.fetchval("SELECT count(*) FROM erasure_ledger")


async def test_entries_are_re_applied_in_the_order_they_happened(
    app: FastAPI,
    db: asyncpg.Connection,
    settings: Settings,
    cli: Cli,
    empty_database: Callable[[], Awaitable[str]],
    tmp_path: Path,
) -> None:
    """Retention of one of Alice's conversations, then her erasure withdrawing her posts:
    the erasure could no longer reach her posts in the retained conversation (nothing
    links her to them), and after a restore it must not either."""
    first = await make_activity(app, title="Retained first")
    second = await make_activity(app, alice=first.alice, title="Still open")
    await complete_long_ago(app, first.conversation_id)
    backup = await backup_file(cli, tmp_path)
    [run] = await run_due(app.state.sessionmaker, app.state.settings)
    assert run.accounts_deleted == 1, "Bob of the first; Alice is still in the second"
    await _erase(app, first.alice, "withdraw")

    status = "SELECT status FROM ideas WHERE id = $1"
    kept, withdrawn = uuid.UUID(first.alice_idea), uuid.UUID(second.alice_idea)
    assert (await db.fetchval(status, kept), await db.fetchval(status, withdrawn)) == (
        "published",
        "withdrawn",
    )
    target = await empty_database()
    await restore_into(cli, backup, target)
    restored = await connect(target)
    try:
        assert (
            await restored.fetchval(status, kept),
            await restored.fetchval(status, withdrawn),
        ) == ("published", "withdrawn")
        assert not await restored.fetchval(
            "SELECT count(*) FROM accounts WHERE id = $1", first.alice.id
        )
    finally:
        await restored.close()
