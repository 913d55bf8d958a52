"""A real SMTP server for the tests (aiosmtpd), keeping every message it accepts."""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Collector:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        await self.server.before_accept()
        with self.server.lock:
            self.server.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


class SmtpServer:
    """Start, stop and start again on the same port (to play an outage)."""

    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = free_port()
        self.messages: list[Message] = []
        self.lock = threading.Lock()
        self.delay_seconds = 0.0
        self._controller: Controller | None = None

    async def before_accept(self) -> None:
        if self.delay_seconds:
            import asyncio

            await asyncio.sleep(self.delay_seconds)

    def start(self) -> None:
        self._controller = Controller(_Collector(self), hostname=self.host, port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()
        self.delay_seconds = 0.0

    def to(self, address: str) -> list[Message]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]
