"""The demo conversation that ``make run`` loads once in development."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from candour.conversations import service as conversations
from candour.conversations.schemas import ConversationCreate
from candour.core.database import create_engine, create_sessionmaker
from candour.core.security import hash_password
from candour.core.settings import Settings
from candour.identity import service as identity
from candour.identity.models import Account

DEMO_DOMAIN = "demo.candour.example"
DEMO_CONVERSATION = "Our hospital, our say (demo)"
DEMO_INTRODUCTION = (
    "This is a safe, anonymous space to say what would make this hospital a better place to "
    "work and to be cared for. Nothing you post or vote is ever shown with your name. The "
    "conversation is open day and night for three weeks; independent facilitators read "
    "everything and write up the main themes."
)


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str


DEMO_ACCOUNTS = [
    DemoAccount(role, f"{role}@{DEMO_DOMAIN}", f"demo-{role}-password")
    for role in ("admin", "facilitator", "sponsor", "participant")
] + [
    DemoAccount("participant", f"participant{n}@{DEMO_DOMAIN}", f"demo-participant{n}-password")
    for n in range(2, 6)
]


async def load_demo(settings: Settings) -> list[DemoAccount]:
    """Create the demo conversation and accounts unless they exist; return the accounts."""
    assert settings.database_url is not None
    engine = create_engine(settings, settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            if await session.scalar(
                select(Account.id).where(Account.email == DEMO_ACCOUNTS[0].email)
            ):
                return DEMO_ACCOUNTS
            now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
            conversation = await conversations.create_conversation(
                session,
                ConversationCreate(
                    title=DEMO_CONVERSATION,
                    introduction=DEMO_INTRODUCTION,
                    opens_at=now - timedelta(days=1),
                    closes_at=now + timedelta(days=20),
                    time_zone="Europe/London",
                ),
            )
            rows = "\n".join(f"{a.email},{a.role},Demo {a.role.title()}" for a in DEMO_ACCOUNTS)
            await identity.import_participants(
                session,
                settings,
                csv_text="email,role,name\n" + rows,
                conversation_id=conversation.id,
                send_invitations=False,
            )
            for demo in DEMO_ACCOUNTS:
                account = await session.scalar(select(Account).where(Account.email == demo.email))
                assert account is not None
                account.password_hash = hash_password(demo.password)
        return DEMO_ACCOUNTS
    finally:
        await engine.dispose()


def print_demo_accounts(accounts: list[DemoAccount], settings: Settings) -> None:
    print("\nDemo accounts (development only; sign in at the address below):", flush=True)
    for account in accounts:
        print(f"  {account.role:<12} {account.email:<36} password: {account.password}")
    print(f"Mail is written to {settings.resolved_mail_dir} unless CANDOUR_SMTP_HOST is set.")


__all__ = ["DemoAccount", "load_demo", "print_demo_accounts"]
