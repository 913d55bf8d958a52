"""Retention: a set time after completion, every piece of personal data of a conversation's
participants goes, and the anonymous content stays exactly as it was."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import asyncpg
import httpx
from fastapi import FastAPI

from candour.core.settings import PROJECT_ROOT
from candour.privacy.service import run_due
from tests.privacy.conftest import complete_long_ago, make_activity, public_view
from tests.support.factories import make_person, new_client, sign_in


async def _texts_of_every_table(db: asyncpg.Connection) -> dict[str, str]:
    tables = [
        r["tablename"]
        for r in await db.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    ]
    return {
        table: "\n".join(r["t"] for r in await db.fetch(f'SELECT t::text AS t FROM "{table}" t'))
        for table in tables
    }


async def test_retention_deletes_every_trace_and_keeps_content(
    app: FastAPI, client: httpx.AsyncClient, admin_headers: dict[str, str], db
) -> None:
    activity = await make_activity(app)
    await client.post("/api/auth/sign-in-link", json={"email": activity.alice.email})
    hashes = [
        r["password_hash"]
        for r in await db.fetch("SELECT password_hash FROM accounts WHERE role = 'participant'")
    ]
    seeded = [
        activity.alice.email,
        activity.alice.display_name,
        activity.bob.email,
        activity.bob.display_name,
        *hashes,
    ]
    await complete_long_ago(app, activity.conversation_id)
    before = await public_view(app, activity.conversation_id)

    runs = await client.post("/api/admin/retention/run", headers=admin_headers)
    assert runs.status_code == 200
    [run] = runs.json()
    assert (run["accounts_deleted"], run["links_deleted"], run["memberships_deleted"]) == (2, 2, 2)
    assert run["mails_deleted"] == 1

    texts = await _texts_of_every_table(db)
    for table, text in texts.items():
        for value in seeded:
            assert value not in text, f"{table} still holds {value!r}"
    assert await public_view(app, activity.conversation_id) == before
    login = await client.post(
        "/api/auth/login", json={"email": activity.alice.email, "password": activity.alice.password}
    )
    assert login.status_code == 401

    status = (await client.get("/api/admin/retention", headers=admin_headers)).json()
    [entry] = [
        c for c in status["conversations"] if c["conversation_id"] == str(activity.conversation_id)
    ]
    assert entry["retention_done_at"] is not None
    assert entry["runs"][0]["accounts_deleted"] == 2
    again = await client.post("/api/admin/retention/run", headers=admin_headers)
    assert again.json() == [], "running again finds nothing to do"


async def test_someone_in_two_conversations_stays_until_the_last_one(
    app: FastAPI, client: httpx.AsyncClient, admin_headers: dict[str, str], db
) -> None:
    first = await make_activity(app, title="First")
    second = await make_activity(app, alice=first.alice, title="Second")
    await complete_long_ago(app, first.conversation_id)
    await client.post("/api/admin/retention/run", headers=admin_headers)
    async with new_client(app) as alice:
        headers = await sign_in(alice, first.alice)
        me = (await alice.get("/api/me", headers=headers)).json()
        assert me["conversation_ids"] == [str(second.conversation_id)]
        mine = (await alice.get("/api/me/contributions", headers=headers)).json()
        assert [i["title"] for i in mine["ideas"]] == ["More night porters"], (
            "only the second conversation's"
        )
    await complete_long_ago(app, second.conversation_id)
    await client.post("/api/admin/retention/run", headers=admin_headers)
    assert (
        await db.fetchval("SELECT count(*) FROM accounts WHERE email = $1", first.alice.email) == 0
    )


async def test_staff_and_conversations_not_yet_due_are_untouched(
    app: FastAPI, client: httpx.AsyncClient, admin_headers: dict[str, str], db
) -> None:
    activity = await make_activity(app)
    await complete_long_ago(app, activity.conversation_id, days=29)
    facilitator = await make_person(app, role="facilitator")
    assert (await client.post("/api/admin/retention/run", headers=admin_headers)).json() == []
    await complete_long_ago(app, activity.conversation_id, days=31)
    assert len((await client.post("/api/admin/retention/run", headers=admin_headers)).json()) == 1
    assert await db.fetchval("SELECT count(*) FROM accounts WHERE id = $1", facilitator.id) == 1


async def test_completion_date_is_set_by_an_admin_and_shown(
    app: FastAPI, client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    activity = await make_activity(app)
    base = f"/api/conversations/{activity.conversation_id}"
    conversation = (await client.get(base, headers=admin_headers)).json()
    assert conversation["completed_at"] == conversation["closes_at"], "by default, its close"
    early = await client.patch(
        base, json={"completed_at": "2000-01-01T00:00:00Z"}, headers=admin_headers
    )
    assert early.status_code == 422
    done = await client.patch(
        base, json={"completed_at": conversation["closes_at"]}, headers=admin_headers
    )
    assert done.status_code == 200
    status = (await client.get("/api/admin/retention", headers=admin_headers)).json()
    assert status["retention_days"] == 30
    entry = status["conversations"][0]
    assert entry["retention_due_at"] > entry["completed_at"]


async def test_concurrent_runs_do_each_conversation_once(app: FastAPI, db) -> None:
    activities = [await make_activity(app, title=f"Conversation {n}") for n in range(3)]
    for activity in activities:
        await complete_long_ago(app, activity.conversation_id)
    results = await asyncio.gather(
        *(run_due(app.state.sessionmaker, app.state.settings) for _ in range(3))
    )
    assert sum(len(runs) for runs in results) == 3
    assert await db.fetchval("SELECT count(*) FROM retention_runs") == 3


async def test_two_processes_run_retention_at_once(
    app: FastAPI, database_url: str, db, tmp_path: Path
) -> None:
    activity = await make_activity(app)
    await complete_long_ago(app, activity.conversation_id)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CANDOUR_ENVIRONMENT": "test",
        # The erasure ledger's file goes under the data folder: the test's own, not var/.
        "CANDOUR_DATA_DIR": str(tmp_path),
    }
    command = [sys.executable, "-m", "candour", "run-retention"]
    processes = [
        await asyncio.create_subprocess_exec(
            *command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE
        )
        for _ in range(2)
    ]
    outputs = [(await asyncio.wait_for(p.communicate(), 60))[0].decode() for p in processes]
    assert all(p.returncode == 0 for p in processes)
    idle, busy = sorted(outputs, key=len)
    assert idle == "retention: 0 conversation(s) done\n"
    assert busy == (
        f"conversation {activity.conversation_id}: 2 accounts, 2 memberships, 2 author links, "
        "0 emails deleted\nretention: 1 conversation(s) done\n"
    ), "counts only: no address or name"
    assert await db.fetchval("SELECT count(*) FROM retention_runs") == 1
