"""The outbox: every queued message arrives exactly once, through stops and SMTP outages."""

from __future__ import annotations

import asyncio
from collections import Counter

import aiosmtplib
from fastapi import FastAPI

from candour.core.settings import Settings
from candour.mail import service as mail
from candour.mail.transport import SmtpTransport, is_permanent
from candour.mail.worker import OutboxWorker
from tests.support.smtp import SmtpServer


async def _queue(app: FastAPI, count: int, prefix: str = "m") -> list[str]:
    recipients = [f"{prefix}{n}@trust.example" for n in range(count)]
    async with app.state.sessionmaker() as session, session.begin():
        for n, recipient in enumerate(recipients):
            await mail.enqueue(
                session,
                idempotency_key=f"{prefix}-{n}",
                recipient=recipient,
                subject=f"Message {n}",
                body="Hello",
            )
    return recipients


def _worker(app: FastAPI, settings: Settings | None = None) -> OutboxWorker:
    settings = settings or app.state.settings
    return OutboxWorker(app.state.sessionmaker, SmtpTransport(settings), settings)


async def _wait_for(condition, seconds: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not reached in time")


def _arrivals(smtp: SmtpServer) -> Counter[str]:
    with smtp.lock:
        return Counter(str(m["To"]) for m in smtp.messages)


async def test_a_cancelled_worker_neither_loses_nor_repeats_a_message(
    app: FastAPI, smtp_server: SmtpServer, db
) -> None:
    recipients = await _queue(app, 12)
    smtp_server.delay_seconds = 0.05
    first = asyncio.create_task(_worker(app).run_forever())
    await _wait_for(lambda: len(smtp_server.messages) >= 4)
    first.cancel()  # mid-batch, most likely mid-send
    await asyncio.gather(first, return_exceptions=True)
    await asyncio.sleep(0.3)  # the shielded send in hand finishes and commits
    delivered_before_restart = len(smtp_server.messages)
    assert 4 <= delivered_before_restart < 12, "stopped part-way"
    assert (
        await db.fetchval("SELECT count(*) FROM outbox_messages WHERE status = 'delivered'")
        == delivered_before_restart
    )

    smtp_server.delay_seconds = 0
    while await _worker(app).run_once():
        pass
    assert _arrivals(smtp_server) == Counter(recipients), "each message exactly once"
    assert (
        await db.fetchval("SELECT count(*) FROM outbox_messages WHERE status = 'delivered'") == 12
    )


async def test_a_gracefully_stopped_worker_finishes_the_message_in_hand(
    app: FastAPI, smtp_server: SmtpServer
) -> None:
    recipients = await _queue(app, 8)
    smtp_server.delay_seconds = 0.05
    worker = _worker(app)
    task = asyncio.create_task(worker.run_forever())
    await _wait_for(lambda: len(smtp_server.messages) >= 2)
    worker.stop()
    await asyncio.wait_for(task, 5)
    smtp_server.delay_seconds = 0
    while await _worker(app).run_once():
        pass
    assert _arrivals(smtp_server) == Counter(recipients)


async def test_messages_wait_while_smtp_is_down_and_go_when_it_returns(
    app: FastAPI, smtp_server: SmtpServer, db
) -> None:
    recipients = await _queue(app, 5)
    smtp_server.stop()
    try:
        assert await _worker(app).run_once() == 5
        rows = await db.fetch("SELECT status, attempts, last_error FROM outbox_messages")
        assert {r["status"] for r in rows} == {"pending"}
        assert {r["attempts"] for r in rows} == {1}
        assert all(r["last_error"] for r in rows)
    finally:
        smtp_server.start()
    while await _worker(app).run_once():
        pass
    assert _arrivals(smtp_server) == Counter(recipients)


async def test_failures_back_off_and_finally_dead_letter(
    app: FastAPI, settings: Settings, smtp_server: SmtpServer, db
) -> None:
    await _queue(app, 1)
    patient = Settings(
        **{**settings.model_dump(), "outbox_backoff_seconds": 60, "outbox_max_attempts": 3}
    )
    smtp_server.stop()
    try:
        assert await _worker(app, patient).run_once() == 1
        assert await _worker(app, patient).run_once() == 0, "not due again until the backoff passes"
        delay = await db.fetchval(
            "SELECT extract(epoch FROM next_attempt_at - now()) FROM outbox_messages"
        )
        assert 50 < delay <= 60
        for _ in range(2):
            await db.execute("UPDATE outbox_messages SET next_attempt_at = now()")
            await _worker(app, patient).run_once()
        row = await db.fetchrow("SELECT status, attempts FROM outbox_messages")
        assert (row["status"], row["attempts"]) == ("dead", 3)
    finally:
        smtp_server.start()
    assert await _worker(app, patient).run_once() == 0, "dead letters are not retried"


async def test_two_workers_share_the_queue_without_duplicates(
    app: FastAPI, smtp_server: SmtpServer
) -> None:
    recipients = await _queue(app, 30)
    smtp_server.delay_seconds = 0.01

    async def drain() -> None:
        while await _worker(app).run_once():
            pass

    await asyncio.gather(drain(), drain())
    assert _arrivals(smtp_server) == Counter(recipients)


async def test_the_same_cause_queues_one_message(app: FastAPI, db) -> None:
    async with app.state.sessionmaker() as session, session.begin():
        first = await mail.enqueue(
            session, idempotency_key="k", recipient="a@trust.example", subject="s", body="b"
        )
        again = await mail.enqueue(
            session, idempotency_key="k", recipient="a@trust.example", subject="s", body="b"
        )
    assert (first, again) == (True, False)
    assert await db.fetchval("SELECT count(*) FROM outbox_messages") == 1


async def test_each_message_has_a_stable_message_id(
    app: FastAPI, smtp_server: SmtpServer, db
) -> None:
    await _queue(app, 1)
    await _worker(app).run_once()
    outbox_id = await db.fetchval("SELECT id FROM outbox_messages")
    assert smtp_server.messages[0]["Message-ID"] == f"<{outbox_id}@candour>"


def test_only_a_permanent_refusal_of_the_message_itself_is_given_up_at_once() -> None:
    """A 5xx to the message's recipient or content will not change; a 5xx to the sign-in
    or the sender is the server's setup (an operator fixes it, and the mail must still be
    there), and a 4xx or a dropped connection passes."""
    refused = aiosmtplib.SMTPRecipientRefused(550, "5.1.1 No such mailbox", "a@trust.example")
    busy = aiosmtplib.SMTPRecipientRefused(450, "4.2.1 Mailbox busy", "b@trust.example")
    assert is_permanent(refused)
    assert is_permanent(aiosmtplib.SMTPRecipientsRefused([refused]))
    assert not is_permanent(aiosmtplib.SMTPRecipientsRefused([refused, busy]))
    assert is_permanent(aiosmtplib.SMTPDataError(554, "5.7.1 Rejected as spam"))
    assert not is_permanent(aiosmtplib.SMTPDataError(451, "4.3.0 Try later"))
    assert not is_permanent(aiosmtplib.SMTPAuthenticationError(535, "5.7.8 Bad credentials"))
    assert not is_permanent(aiosmtplib.SMTPSenderRefused(553, "5.7.1 Not yours", "x@y"))
    assert not is_permanent(aiosmtplib.SMTPConnectError("Connection refused"))
    assert not is_permanent(TimeoutError())
