"""The outbox worker killed with SIGKILL part-way through a queue, twice, then started again:
no message is lost, and the only duplicates are messages that were in flight at a kill.

What the outbox guarantees is *at least once*, and this is why (``mail/worker.py``): a
message is sent while its row is locked and is marked delivered in the same transaction,
committed after the SMTP server's "250 OK". A kill before the 250 leaves the row pending and
the transaction rolled back (PostgreSQL ends it when the connection drops), so it is sent
again — and if the SMTP server had already taken the message when the worker died, it now
has it twice. So each kill can double at most the one message in hand; nothing can be lost,
because a row is only marked delivered after the SMTP server accepted it. Each copy carries
the same ``Message-ID`` (``<outbox id@candour>``), by which a receiving server or mail client
drops the duplicate.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg
from fastapi import FastAPI

from candour.core.settings import PROJECT_ROOT
from candour.mail import service as mail
from tests.support.smtp import SmtpServer

MESSAGES = 50


@contextmanager
def worker_process(database_url: str, smtp: SmtpServer) -> Iterator[subprocess.Popen[bytes]]:
    """``python -m candour worker``, as operators run it, against the test SMTP server."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CANDOUR_ENVIRONMENT": "test",
        "CANDOUR_SMTP_HOST": smtp.host,
        "CANDOUR_SMTP_PORT": str(smtp.port),
        "CANDOUR_OUTBOX_POLL_SECONDS": "0.05",
        "CANDOUR_OUTBOX_BACKOFF_SECONDS": "0",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "candour", "worker"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)


async def _wait_for(condition, seconds: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not reached in time")


async def test_a_killed_worker_loses_nothing_and_doubles_only_what_was_in_flight(
    app: FastAPI, database_url: str, smtp_server: SmtpServer, db: asyncpg.Connection
) -> None:
    recipients = [f"kill{n}@trust.example" for n in range(MESSAGES)]
    async with app.state.sessionmaker() as session, session.begin():
        for n, recipient in enumerate(recipients):
            await mail.enqueue(
                session,
                idempotency_key=f"kill-{n}",
                recipient=recipient,
                subject=f"Message {n}",
                body=f"Hello {n}",
            )
    # The SMTP server takes a moment over each message, so a kill often lands mid-send.
    smtp_server.delay_seconds = 0.03
    kills = 0
    for arrived_before_kill in (12, 28):
        with worker_process(database_url, smtp_server) as worker:
            await _wait_for(lambda n=arrived_before_kill: len(smtp_server.messages) >= n)
            worker.send_signal(signal.SIGKILL)
            assert worker.wait(10) == -signal.SIGKILL
            kills += 1
        await asyncio.sleep(0.1)  # an SMTP session the worker left may still be finishing
        delivered = await db.fetchval(
            "SELECT count(*) FROM outbox_messages WHERE status = 'delivered'"
        )
        assert delivered < MESSAGES, "killed part-way through"
        # What the database marked delivered arrived; at most the message in hand arrived
        # without being marked (it will be sent again).
        arrived = len(set(str(m["Message-ID"]) for m in smtp_server.messages))
        assert delivered <= arrived <= delivered + 1

    smtp_server.delay_seconds = 0
    with worker_process(database_url, smtp_server):
        await _wait_for(lambda: {str(m["To"]) for m in smtp_server.messages} >= set(recipients))
        for _ in range(500):
            if (
                await db.fetchval("SELECT count(*) FROM outbox_messages WHERE status = 'delivered'")
                == MESSAGES
            ):
                break
            await asyncio.sleep(0.02)

    rows = await db.fetch("SELECT id, recipient, status, body FROM outbox_messages")
    assert {r["status"] for r in rows} == {"delivered"}
    assert {r["body"] for r in rows} == {""}, "bodies are not kept once sent"
    with smtp_server.lock:
        arrivals = list(smtp_server.messages)
    by_recipient = Counter(str(m["To"]) for m in arrivals)
    assert set(by_recipient) == set(recipients), "no message lost"
    doubled = {to: n for to, n in by_recipient.items() if n > 1}
    assert sum(doubled.values()) - len(doubled) <= kills, "only what was in flight doubles"
    # Every copy of a message carries the same Message-ID, which names its outbox row.
    outbox_id = {r["recipient"]: f"<{r['id']}@candour>" for r in rows}
    assert all(str(m["Message-ID"]) == outbox_id[str(m["To"])] for m in arrivals)
    print(f"\nworker killed {kills} times: {len(arrivals)} arrivals for {MESSAGES} messages")
