"""SMTP down for a while, or refusing: queued mail waits with backoff (no tight loop),
nothing is marked sent until it was, everything goes once SMTP is back, and a permanent
refusal of a message (no such mailbox, rejected content) is given up on at once.

``tests/mail/test_outbox.py`` covers one round against a stopped server and the backoff
arithmetic; these run the worker's own loop through an outage, and real 4xx/5xx replies."""

from __future__ import annotations

import asyncio
from collections import Counter

import asyncpg
from fastapi import FastAPI

from candour.core.settings import Settings
from candour.mail import service as mail
from candour.mail.transport import SmtpTransport
from candour.mail.worker import OutboxWorker
from tests.support.refusing_smtp import RefusingSmtpServer
from tests.support.smtp import SmtpServer


async def _queue(app: FastAPI, recipients: list[str], prefix: str) -> None:
    async with app.state.sessionmaker() as session, session.begin():
        for n, recipient in enumerate(recipients):
            await mail.enqueue(
                session,
                idempotency_key=f"{prefix}-{n}",
                recipient=recipient,
                subject=f"Message {n}",
                body="Hello",
            )


def _settings_for(settings: Settings, host: str, port: int, **changes: object) -> Settings:
    return Settings(**{**settings.model_dump(), "smtp_host": host, "smtp_port": port, **changes})


async def _wait_for(condition, seconds: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not reached in time")


async def test_the_running_worker_waits_out_an_outage_with_backoff(
    app: FastAPI, settings: Settings, db: asyncpg.Connection
) -> None:
    recipients = [f"outage{n}@trust.example" for n in range(4)]
    await _queue(app, recipients, "outage")
    smtp = SmtpServer()  # not started yet: connections are refused
    # Polling every 20 ms: without backoff the 1.6 s outage costs each message 15 or more
    # tries (measured by removing the backoff); with it, five at most.
    patient = _settings_for(
        settings,
        smtp.host,
        smtp.port,
        outbox_poll_seconds=0.02,
        outbox_backoff_seconds=0.1,
        outbox_max_attempts=20,
    )
    worker = OutboxWorker(app.state.sessionmaker, SmtpTransport(patient), patient)
    running = asyncio.create_task(worker.run_forever())
    try:
        await asyncio.sleep(1.6)
        rows = await db.fetch("SELECT status, attempts, last_error FROM outbox_messages")
        assert {r["status"] for r in rows} == {"pending"}, "nothing is marked sent"
        attempts = [r["attempts"] for r in rows]
        # Tries at 0, 0.1, 0.3, 0.7 and 1.5 s: doubling delays, not a tight loop.
        assert min(attempts) >= 3 and max(attempts) <= 5, attempts
        assert all(r["last_error"] for r in rows)
        smtp.start()
        try:
            # The next try of each is due within its current delay (1.6 s at most).
            await _wait_for(lambda: len(smtp.messages) >= len(recipients))
        finally:
            worker.stop()
            await asyncio.wait_for(running, 5)
            smtp.stop()
    finally:
        running.cancel()
    assert Counter(str(m["To"]) for m in smtp.messages) == Counter(recipients), "each once"
    assert await db.fetchval(
        "SELECT count(*) FROM outbox_messages WHERE status = 'delivered'"
    ) == len(recipients)


async def test_temporary_refusals_are_retried_and_permanent_ones_given_up(
    app: FastAPI, settings: Settings, db: asyncpg.Connection
) -> None:
    busy, missing, fine = "busy@trust.example", "missing@trust.example", "fine@trust.example"
    spam = "spam@trust.example"
    await _queue(app, [busy, missing, fine, spam], "refusals")
    refusals = {
        busy: ["451 4.3.2 System busy, try later", "421 4.7.0 Try again later"],
        missing: ["550 5.1.1 No such mailbox"] * 10,
        spam: ["554 5.7.1 Message rejected as spam"] * 10,
    }
    with RefusingSmtpServer(refusals) as smtp:
        three_tries = _settings_for(
            settings, smtp.host, smtp.port, outbox_backoff_seconds=0, outbox_max_attempts=3
        )
        worker = OutboxWorker(app.state.sessionmaker, SmtpTransport(three_tries), three_tries)
        for _ in range(6):  # more rounds than attempts: the dead letter is not tried again
            await worker.run_once()
        tries = dict(smtp.tries)
        accepted = [str(m["To"]) for m in smtp.accepted]
    rows = {
        r["recipient"]: r
        for r in await db.fetch(
            "SELECT recipient, status, attempts, last_error FROM outbox_messages"
        )
    }
    assert (rows[fine]["status"], rows[fine]["attempts"]) == ("delivered", 0)
    assert (rows[busy]["status"], rows[busy]["attempts"]) == ("delivered", 2)
    # A permanent refusal of the message is given up at once, not tried twice more.
    assert (rows[missing]["status"], rows[missing]["attempts"]) == ("dead", 1)
    assert "550" in rows[missing]["last_error"]
    assert (rows[spam]["status"], rows[spam]["attempts"]) == ("dead", 1)
    assert tries == {fine: 1, busy: 3, missing: 1, spam: 1}
    assert sorted(accepted) == sorted([fine, busy])
    async with app.state.sessionmaker() as session:
        totals = await mail.delivery_totals(session, "refusals-")
    assert (totals.sent, totals.failed, totals.queued) == (2, 2, 0)
