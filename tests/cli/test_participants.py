"""``import-participants``, ``send-invitations`` and ``create-admin`` end to end: what they
leave in the database, and their one-line refusals."""

from __future__ import annotations

import uuid
from pathlib import Path

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from candour import identity
from candour.core.settings import Settings
from tests.cli.conftest import Cli, one_line_failure
from tests.support.factories import make_conversation, make_person

STAFF = (
    "email,name,role,staff_group\n"
    "ann@trust.example,Ann Example,,Nursing\n"
    "bob@trust.example,Bob Example,facilitator,Estates\n"
    "cat@trust.example,,,Nursing\n"
)


async def _counts(db: asyncpg.Connection) -> tuple[int, int, int]:
    row = await db.fetchrow(
        "SELECT (SELECT count(*) FROM accounts) AS a, (SELECT count(*) FROM memberships) AS m,"
        " (SELECT count(*) FROM outbox_messages) AS o"
    )
    assert row is not None
    return row["a"], row["m"], row["o"]


@pytest.fixture
async def conversation(app: FastAPI) -> uuid.UUID:
    return await make_conversation(app)


@pytest.fixture
def staff_csv(tmp_path: Path) -> Path:
    file = tmp_path / "staff.csv"
    file.write_text(STAFF)
    return file


async def test_import_enrols_invites_and_a_second_run_changes_nothing(
    cli: Cli, db: asyncpg.Connection, conversation: uuid.UUID, staff_csv: Path
) -> None:
    result = await cli("import-participants", str(conversation), str(staff_csv), "--rows")
    assert result.exit_code == 0, result.stderr
    assert "line 2: ann@trust.example created" in result.stdout
    assert result.stdout.splitlines()[-1] == (
        "3 created, 0 already known, 3 newly enrolled, 3 invited"
    )
    assert await _counts(db) == (3, 3, 3)
    bob = await db.fetchrow(
        "SELECT role, attributes FROM accounts WHERE email = 'bob@trust.example'"
    )
    assert bob["role"] == "facilitator"
    keys = await db.fetch("SELECT idempotency_key FROM outbox_messages")
    assert all(k["idempotency_key"].startswith(f"invitation:{conversation}:") for k in keys)

    again = await cli("import-participants", str(conversation), str(staff_csv))
    assert again.exit_code == 0, again.stderr
    assert again.stdout.strip() == "0 created, 3 already known, 0 newly enrolled, 0 invited"
    assert await _counts(db) == (3, 3, 3), "re-importing changes nothing"


async def test_refused_lines_are_all_listed_the_reason_is_one_line_and_nothing_is_written(
    cli: Cli, db: asyncpg.Connection, conversation: uuid.UUID, tmp_path: Path
) -> None:
    file = tmp_path / "bad.csv"
    file.write_text(
        STAFF + "not-an-address,X,,\nann@trust.example,Twice,,\nzed@trust.example,Z,king,\n"
    )
    result = await cli("import-participants", str(conversation), str(file))
    line = one_line_failure(result)
    assert "3 row(s) could not be imported; nothing was imported." in line
    assert "csv.line.5.email" in line
    refused = [r for r in result.stdout.splitlines() if r.startswith("refused")]
    assert refused[0].startswith("refused line 5.email:")
    assert refused[1] == "refused line 6.email: ann@trust.example already appears on line 2"
    assert refused[2].startswith("refused line 7.role: unknown role 'king'")
    assert await _counts(db) == (0, 0, 0)


async def test_a_file_in_another_encoding_is_refused_naming_its_line(
    cli: Cli, db: asyncpg.Connection, conversation: uuid.UUID, tmp_path: Path
) -> None:
    file = tmp_path / "latin1.csv"
    file.write_bytes("email,name\nann@trust.example,Ann\nzoe@trust.example,Zoé\n".encode("latin-1"))
    line = one_line_failure(await cli("import-participants", str(conversation), str(file)))
    assert "latin1.csv is not UTF-8 text: line 3 holds the byte 0xe9" in line
    assert await _counts(db) == (0, 0, 0)


async def test_an_unknown_or_malformed_conversation_id_is_one_line(
    cli: Cli, db: asyncpg.Connection, staff_csv: Path
) -> None:
    unknown = uuid.uuid4()
    line = one_line_failure(await cli("import-participants", str(unknown), str(staff_csv)))
    assert line == f"candour: No conversation {unknown}."
    line = one_line_failure(await cli("import-participants", "42", str(staff_csv)))
    assert line == "candour: '42' is not a conversation id (a UUID)"
    line = one_line_failure(await cli("send-invitations", str(unknown)))
    assert line == f"candour: No conversation {unknown}."
    assert await _counts(db) == (0, 0, 0)


async def test_the_import_reports_its_progress(
    app: FastAPI, settings: Settings, conversation: uuid.UUID
) -> None:
    rows = "".join(f"person{n}@trust.example,Person {n}\n" for n in range(1200))
    seen: list[tuple[str, int, int]] = []
    async with app.state.sessionmaker() as session, session.begin():
        await identity.import_participants(
            session,
            settings,
            csv_text="email,name\n" + rows,
            conversation_id=conversation,
            send_invitations=False,
            progress=lambda step, done, total: seen.append((step, done, total)),
        )
    checking = [(done, total) for step, done, total in seen if step == "checking"]
    assert checking == [(500, 1201), (1000, 1201), (1201, 1201)]
    assert [s for s in seen if s[0] == "saving"] == [
        ("saving", 1, 3),
        ("saving", 2, 3),
        ("saving", 3, 3),
    ]


async def test_invitations_go_to_members_who_cannot_sign_in_yet_once(
    cli: Cli, app: FastAPI, db: asyncpg.Connection, conversation: uuid.UUID, staff_csv: Path
) -> None:
    imported = await cli("import-participants", str(conversation), str(staff_csv), "--no-invite")
    assert imported.stdout.strip().endswith("0 invited")
    await make_person(app, conversation_id=conversation)  # has a password: no invitation
    assert await db.fetchval("SELECT count(*) FROM outbox_messages") == 0

    sent = await cli("send-invitations", str(conversation))
    assert sent.exit_code == 0, sent.stderr
    assert sent.stdout.splitlines() == [
        "3 invited",
        "invitations: 3 queued (0 retrying), 0 sent, 0 failed",
    ]
    again = await cli("send-invitations", str(conversation))
    assert again.stdout.splitlines()[0] == "0 invited"
    assert await db.fetchval("SELECT count(*) FROM outbox_messages") == 3
    assert "@" not in sent.stdout + again.stdout, "counts only"


async def test_failed_invitations_are_resent_with_resend_failed(
    cli: Cli, db: asyncpg.Connection, conversation: uuid.UUID, staff_csv: Path
) -> None:
    await cli("import-participants", str(conversation), str(staff_csv))
    await db.execute(
        "UPDATE outbox_messages SET status = 'dead', attempts = 8 "
        "WHERE recipient IN ('ann@trust.example', 'bob@trust.example')"
    )
    totals = await cli("send-invitations", str(conversation))
    assert totals.stdout.splitlines()[1] == "invitations: 1 queued (0 retrying), 0 sent, 2 failed"

    resent = await cli("send-invitations", str(conversation), "--resend-failed")
    assert resent.exit_code == 0, resent.stderr
    assert resent.stdout.splitlines()[0].startswith("2 invited again, 0 failed invitation(s)")
    assert resent.stdout.splitlines()[1] == "invitations: 3 queued (0 retrying), 0 sent, 0 failed"


async def test_create_admin_prints_a_link_that_sets_the_password_once(
    cli: Cli, db: asyncpg.Connection, client: httpx.AsyncClient
) -> None:
    result = await cli("create-admin", "Root@Trust.example", "--name", "Rita Root")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "root@trust.example created as an administrator"
    link = lines[-1]
    assert link.startswith("https://candour.example/#/set-password?token=")
    assert await db.fetchval("SELECT count(*) FROM outbox_messages") == 0, "nothing emailed"

    token = link.split("token=")[1]
    body = {"token": token, "password": "a long and fine password"}
    signed_in = await client.post("/api/auth/set-password", json=body)
    assert signed_in.status_code == 200, signed_in.text
    assert signed_in.json()["me"]["role"] == "admin"
    again = await client.post("/api/auth/set-password", json=body)
    assert again.status_code == 400, "the link works once"


async def test_create_admin_promotes_an_existing_account_and_ends_its_sessions(
    cli: Cli, app: FastAPI, db: asyncpg.Connection
) -> None:
    person = await make_person(app, email="pat@trust.example")
    before = await db.fetchval("SELECT token_version FROM accounts WHERE id = $1", person.id)
    result = await cli("create-admin", "pat@trust.example")
    assert result.stdout.splitlines()[0] == "pat@trust.example is now an administrator"
    row = await db.fetchrow("SELECT role, token_version FROM accounts WHERE id = $1", person.id)
    assert (row["role"], row["token_version"]) == ("admin", before + 1)
    again = await cli("create-admin", "pat@trust.example")
    assert again.stdout.splitlines()[0] == "pat@trust.example was already an administrator"
    assert await db.fetchval("SELECT count(*) FROM accounts") == 1


async def test_create_admin_refuses_what_is_not_an_address(
    cli: Cli, db: asyncpg.Connection
) -> None:
    line = one_line_failure(await cli("create-admin", "not an address"))
    assert "'not an address' is not an email address" in line
    assert await db.fetchval("SELECT count(*) FROM accounts") == 0


async def test_the_command_lines_audit_actor_is_the_command_line(
    app: FastAPI, settings: Settings
) -> None:
    caller = identity.operator_caller(settings, label="command line (ops)")
    assert caller.role == identity.Role.admin
    async with app.state.sessionmaker() as session:
        actor = await caller.actor(session)
        assert actor.label == "command line (ops)"
        assert await caller.conversation_ids(session) == [], "it takes part in nothing"
