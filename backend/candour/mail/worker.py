"""The outbox delivery worker.

Every app process may run one; ``FOR UPDATE SKIP LOCKED`` lets several share the queue
without sending a message twice. Each message is sent while its row is locked and marked
delivered in the same transaction, and that send-then-mark step is shielded from
cancellation, so stopping a worker mid-batch never loses a message or repeats one.

Delivery is *at least once*: a row is marked delivered only after the SMTP server accepted
the message, so nothing is lost; but a hard kill (or a lost database connection) after the
SMTP server has taken the message and before the commit leaves the row pending, and it is
sent again — at most the one message a worker had in hand. The stable ``Message-ID``
(``<outbox id@candour>``) lets receiving systems drop such a duplicate
(``tests/faults/test_worker_killed.py``).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from candour.core.periodic import run_periodically
from candour.core.settings import Settings
from candour.mail.models import OutboxMessage, OutboxStatus
from candour.mail.transport import MailTransport, is_permanent

logger = logging.getLogger("candour.mail")

MAX_BACKOFF = timedelta(hours=1)


def build_email(row: OutboxMessage, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row.recipient
    message["Subject"] = row.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = f"<{row.id}@candour>"
    message.set_content(row.body)
    return message


class OutboxWorker:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        transport: MailTransport,
        settings: Settings,
        *,
        stop: asyncio.Event | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._transport = transport
        self._settings = settings
        self._stop = stop or asyncio.Event()

    def stop(self) -> None:
        """Finish the message in hand, then return from :meth:`run_forever`."""
        self._stop.set()

    async def run_forever(self) -> None:
        await run_periodically(
            self.run_once, self._settings.outbox_poll_seconds, self._stop, "outbox"
        )

    async def run_once(self) -> int:
        """Try each due message once, up to one batch; return how many were tried."""
        tried: list[uuid.UUID] = []
        while len(tried) < self._settings.outbox_batch_size and not self._stop.is_set():
            message_id = await asyncio.shield(self._deliver_next(tried))
            if message_id is None:
                break
            tried.append(message_id)
        return len(tried)

    async def _deliver_next(self, skip: list[uuid.UUID]) -> uuid.UUID | None:
        async with self._sessionmaker() as session, session.begin():
            row = (
                await session.execute(
                    select(OutboxMessage)
                    .where(
                        OutboxMessage.status == OutboxStatus.pending.value,
                        OutboxMessage.next_attempt_at <= datetime.now(UTC),
                        OutboxMessage.id.not_in(skip),
                    )
                    .order_by(OutboxMessage.next_attempt_at)
                    .limit(1)
                    .with_for_update(skip_locked=True)
                )
            ).scalar_one_or_none()
            if row is None:
                return None
            try:
                await self._transport.send(build_email(row, self._settings.mail_from))
            except Exception as exc:
                self._record_failure(row, exc)
            else:
                row.status = OutboxStatus.delivered.value
                row.delivered_at = datetime.now(UTC)
                row.body = ""
            return row.id

    def _record_failure(self, row: OutboxMessage, exc: Exception) -> None:
        row.attempts += 1
        row.last_error = f"{type(exc).__name__}: {exc}"[:500]
        if is_permanent(exc) or row.attempts >= self._settings.outbox_max_attempts:
            row.status = OutboxStatus.dead.value
            logger.error("outbox message %s dead after %d attempts", row.id, row.attempts)
            return
        delay = timedelta(seconds=self._settings.outbox_backoff_seconds * 2 ** (row.attempts - 1))
        row.next_attempt_at = datetime.now(UTC) + min(delay, MAX_BACKOFF)
        logger.warning("outbox message %s failed (attempt %d), retrying", row.id, row.attempts)
