"""A backup restored into an empty database is the same database: every table holds the
same rows, to the byte."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

from alembic.script import ScriptDirectory
from fastapi import FastAPI

from candour import migrate
from candour.core.settings import Settings
from tests.backup.conftest import Cli, backup_file, connect, restore_into, table_fingerprints
from tests.privacy.conftest import make_activity
from tests.support.factories import make_conversation, make_person, new_client, sign_in

# The schema before this feature's migration, and the newest.
BEFORE_THE_LEDGER = "5e1c0d1f2a04"
HEAD = ScriptDirectory.from_config(migrate.alembic_config("postgresql://")).get_current_head()

# Tables the migrations after BEFORE_THE_LEDGER add.
NEWER_TABLES = {"erasure_ledger"}

# What the seed below must have put in the source, or the comparison proves little.
SEEDED_TABLES = {
    "accounts",
    "author_links",
    "codes",
    "codings",
    "comment_votes",
    "comments",
    "conversations",
    "erasure_ledger",
    "idea_votes",
    "ideas",
    "memberships",
    "message_threads",
    "messages",
    "outbox_messages",
    "report_versions",
    "sections",
}


async def seed_everything(app: FastAPI) -> None:
    """A conversation with ideas, comments and votes (make_activity), a message to an
    author, a coding, a published report and one erasure."""
    activity = await make_activity(app)
    base = activity.base
    async with new_client(app) as staff:
        headers = await sign_in(staff, await make_person(app, role="facilitator"))
        message = await staff.post(
            f"{base}/messages",
            json={
                "target_kind": "idea",
                "target_id": activity.alice_idea,
                "subject": "Your idea",
                "body": "Could you tell us more?",
            },
            headers=headers,
        )
        assert message.status_code == 201, message.text
        code = await staff.post(
            f"{base}/coding/codes", json={"name": "Staffing", "parent_id": None}, headers=headers
        )
        assert code.status_code == 201, code.text
        coding = await staff.post(
            f"{base}/coding/codings",
            json={
                "code_id": code.json()["id"],
                "post_kind": "idea",
                "post_id": activity.alice_idea,
            },
            headers=headers,
        )
        assert coding.status_code == 201, coding.text
        report = await staff.post(f"{base}/report/versions", headers=headers)
        assert report.status_code in (200, 201), report.text
    await seed_an_erasure(app, activity.conversation_id)


async def seed_an_erasure(app: FastAPI, conversation_id: uuid.UUID | None = None) -> None:
    """Someone who stays, and someone who erased themselves (one entry in the ledger)."""
    conversation_id = conversation_id or await make_conversation(app)
    await make_person(app, conversation_id=conversation_id)
    leaving = await make_person(app, conversation_id=conversation_id)
    async with new_client(app) as client:
        erased = await client.post(
            "/api/me/erase",
            json={"posts": "keep", "confirm": True},
            headers=await sign_in(client, leaving),
        )
        assert erased.status_code == 200, erased.text


async def test_a_restored_backup_holds_every_row_of_every_table(
    app: FastAPI,
    db: object,
    settings: Settings,
    cli: Cli,
    empty_database: Callable[[], Awaitable[str]],
    tmp_path: Path,
) -> None:
    await seed_everything(app)
    source = str(settings.database_url)
    before = await table_fingerprints(source)
    empty_tables = {table for table in SEEDED_TABLES if before[table][0] == 0}
    assert not empty_tables, f"the seed left {empty_tables} empty"

    path = await backup_file(cli, tmp_path)
    target = await empty_database()
    await restore_into(cli, path, target)

    after = await table_fingerprints(target)
    assert after.keys() == before.keys()
    different = {t for t in before if before[t] != after[t]}
    assert not different, f"these tables differ after the restore: {sorted(different)}"
    assert await table_fingerprints(source) == before, "the backup changed nothing"


async def test_the_default_backup_goes_to_the_backups_folder(
    settings: Settings, cli: Cli, db: object
) -> None:
    result = await cli("backup")
    assert result.exit_code == 0, result.stderr
    [written] = (settings.data_dir / "backups").glob("candour-*Z.dump")
    assert result.stdout.strip().startswith(f"backup written: {written} (")
    assert written.stat().st_mode & 0o077 == 0, "a backup holds personal data: owner only"
    assert not list((settings.data_dir / "backups").glob("*.partial"))


async def test_a_backup_of_an_older_schema_is_brought_up_to_date(
    cli: Cli, db: object, empty_database: Callable[[], Awaitable[str]], tmp_path: Path
) -> None:
    older = await empty_database()
    await asyncio.to_thread(migrate.upgrade, older, BEFORE_THE_LEDGER)
    path = tmp_path / "older.dump"
    made = await cli("backup", "--output", str(path), database=older)
    assert made.exit_code == 0, made.stderr

    target = await empty_database()
    await restore_into(cli, path, target)
    connection = await connect(target)
    try:
        assert await connection.fetchval("SELECT version_num FROM alembic_version") == HEAD
        assert await connection.fetchval("SELECT to_regclass('erasure_ledger') IS NOT NULL")
    finally:
        await connection.close()


async def test_clean_replaces_a_newer_database_with_an_older_backup(
    app: FastAPI,
    db: object,
    settings: Settings,
    cli: Cli,
    empty_database: Callable[[], Awaitable[str]],
    tmp_path: Path,
) -> None:
    """The disaster case: the live database is at head, the backup is from before a
    migration; every table the newer schema added goes too, and the migrations run again."""
    older = await empty_database()
    await asyncio.to_thread(migrate.upgrade, older, BEFORE_THE_LEDGER)
    path = tmp_path / "older.dump"
    assert (await cli("backup", "--output", str(path), database=older)).exit_code == 0
    expected = await table_fingerprints(older)

    await seed_an_erasure(app)
    live = str(settings.database_url)
    result = await cli("restore", "--clean", str(path), database=live)
    assert result.exit_code == 0, result.stderr
    restored = await table_fingerprints(live)
    assert {t: v for t, v in restored.items() if t not in NEWER_TABLES} == {
        t: v for t, v in expected.items() if t != "alembic_version"
    } | {"alembic_version": restored["alembic_version"]}
    assert restored["accounts"][0] == 0, "nothing of the live database is left"
    assert restored["erasure_ledger"][0] == 1, "but the ledger file's one erasure is recorded"


async def test_a_broken_backup_changes_nothing_even_with_clean(
    app: FastAPI, db: object, settings: Settings, cli: Cli, tmp_path: Path
) -> None:
    await seed_an_erasure(app)
    whole = await backup_file(cli, tmp_path)
    live = str(settings.database_url)
    before = await table_fingerprints(live)
    broken = tmp_path / "broken.dump"
    data = whole.read_bytes()
    broken.write_bytes(data[: len(data) * 2 // 3])
    result = await cli("restore", "--clean", str(broken), database=live)
    assert result.exit_code == 1, result.stdout
    assert result.stderr.startswith("candour: restore failed, nothing was changed: ")
    assert await table_fingerprints(live) == before
