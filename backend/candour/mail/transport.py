"""Where delivered mail goes: an SMTP server, or in development a folder of .eml files."""

from __future__ import annotations

import logging
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

import aiosmtplib

from candour.core.settings import Settings

logger = logging.getLogger("candour.mail")


class MailTransport(Protocol):
    async def send(self, message: EmailMessage) -> None:
        """Hand one message on; raise if it was not accepted."""


class SmtpTransport:
    def __init__(self, settings: Settings) -> None:
        assert settings.smtp_host is not None
        self._settings = settings

    async def send(self, message: EmailMessage) -> None:
        settings = self._settings
        await aiosmtplib.send(
            message,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
            start_tls=settings.smtp_starttls,
            timeout=settings.smtp_timeout_seconds,
        )


def is_permanent(exc: Exception) -> bool:
    """Whether the SMTP server refused *this message* for good (a 5xx to its recipients or
    its content: no such mailbox, rejected as spam), so trying again cannot help. A 5xx
    to the sign-in or the sender is the server's setup, which an operator can put right,
    and a 4xx or a lost connection passes: those are tried again."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(500 <= r.code < 600 for r in exc.recipients)
    if isinstance(exc, aiosmtplib.SMTPRecipientRefused | aiosmtplib.SMTPDataError):
        return 500 <= exc.code < 600
    return False


class FolderTransport:
    """Development mail: each message becomes a file a developer can open."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def send(self, message: EmailMessage) -> None:
        message_id = str(message["Message-ID"]).strip("<>").split("@")[0]
        path = self.folder / f"{message_id}.eml"
        path.write_bytes(bytes(message))
        logger.info("development mail written to %s", path)


def transport_from_settings(settings: Settings) -> MailTransport:
    if settings.smtp_host:
        return SmtpTransport(settings)
    folder = settings.resolved_mail_dir
    logger.warning("no SMTP server configured: mail is written to %s", folder)
    return FolderTransport(folder)
