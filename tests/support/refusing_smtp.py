"""An SMTP server that refuses mail with the reply a test chooses, and counts each try.

``tests/support/smtp.py`` plays an outage by stopping; this one stays up and answers the
DATA command with a temporary (4xx) or permanent (5xx) refusal, per recipient, as a real
relay does when it is overloaded or the mailbox does not exist.
"""

from __future__ import annotations

import threading
from collections import Counter
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.smtp import free_port


class _Handler:
    def __init__(self, server: RefusingSmtpServer) -> None:
        self.server = server

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content)
        recipient = str(message["To"])
        with self.server.lock:
            self.server.tries[recipient] += 1
            reply = self.server.reply_for(recipient, self.server.tries[recipient])
            if reply.startswith("250"):
                self.server.accepted.append(message)
        return reply


class RefusingSmtpServer:
    """``refusals`` maps a recipient to the replies of its first tries, in order; once
    they are used up (or for anyone else) the message is accepted."""

    def __init__(self, refusals: dict[str, list[str]]) -> None:
        self.host = "127.0.0.1"
        self.port = free_port()
        self.refusals = refusals
        self.tries: Counter[str] = Counter()
        self.accepted: list[Message] = []
        self.lock = threading.Lock()
        self._controller: Controller | None = None

    def reply_for(self, recipient: str, attempt: int) -> str:
        replies = self.refusals.get(recipient, [])
        return replies[attempt - 1] if attempt <= len(replies) else "250 OK"

    def __enter__(self) -> RefusingSmtpServer:
        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port)
        self._controller.start()
        return self

    def __exit__(self, *_: object) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
