"""Test data, made through the same services the app uses."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from candour.conversations import service as conversations
from candour.conversations.schemas import ConversationCreate
from candour.core.security import hash_password
from candour.identity.enrolment import enrol
from candour.identity.models import Account

DEFAULT_PASSWORD = "correct horse battery staple"
_hashes: dict[str, str] = {}


def _hash(password: str) -> str:
    # argon2 is slow on purpose; one hash per distinct test password is enough.
    if password not in _hashes:
        _hashes[password] = hash_password(password)
    return _hashes[password]


_LINK = re.compile(r"/#/set-password\?token=([A-Za-z0-9_\-]+)")


@dataclass
class Person:
    id: uuid.UUID
    email: str
    password: str
    role: str
    display_name: str | None


async def make_conversation(
    app: FastAPI, *, open_now: bool = True, title: str = "Staff voice"
) -> uuid.UUID:
    now = datetime.now(UTC)
    opens = now - timedelta(days=1) if open_now else now + timedelta(days=1)
    async with app.state.sessionmaker() as session, session.begin():
        conversation = await conversations.create_conversation(
            session,
            ConversationCreate(
                title=title,
                introduction="Tell us",
                opens_at=opens,
                closes_at=opens + timedelta(days=21),
            ),
        )
        return conversation.id


async def make_person(
    app: FastAPI,
    *,
    role: str = "participant",
    email: str | None = None,
    name: str | None = None,
    password: str | None = DEFAULT_PASSWORD,
    conversation_id: uuid.UUID | None = None,
    attributes: dict[str, str] | None = None,
) -> Person:
    email = email or f"{role}-{uuid.uuid4().hex[:8]}@trust.example"
    name = name if name is not None else f"Test {role.title()} {uuid.uuid4().hex[:4]}"
    async with app.state.sessionmaker() as session, session.begin():
        account = Account(
            id=uuid.uuid4(),
            email=email,
            display_name=name,
            role=role,
            attributes=attributes or {},
            password_hash=_hash(password) if password else None,
        )
        session.add(account)
        await session.flush()
        if conversation_id is not None:
            await enrol(session, app.state.settings, [account.id], conversation_id)
    return Person(account.id, email, password or "", role, name)


async def account_by_email(app: FastAPI, email: str) -> Account | None:
    async with app.state.sessionmaker() as session:
        found: Account | None = await session.scalar(select(Account).where(Account.email == email))
        return found


async def sign_in(client: httpx.AsyncClient, person: Person) -> dict[str, str]:
    """Sign in; return bearer headers. The client also keeps the browser cookies."""
    response = await client.post(
        "/api/auth/login", json={"email": person.email, "password": person.password}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def link_token(body: str) -> str:
    match = _LINK.search(body)
    assert match, f"no sign-in link in: {body!r}"
    return match.group(1)


def new_client(app: FastAPI) -> httpx.AsyncClient:
    """Another browser: its own cookie jar, same app."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://testserver")


async def make_section(
    app: FastAPI, conversation_id: uuid.UUID, title: str = "Staffing"
) -> uuid.UUID:
    from sqlalchemy import func

    from candour.conversations.models import Section

    async with app.state.sessionmaker() as session, session.begin():
        position = await session.scalar(
            select(func.count())
            .select_from(Section)
            .where(Section.conversation_id == conversation_id)
        )
        section = Section(
            id=uuid.uuid4(), conversation_id=conversation_id, title=title, position=position
        )
        session.add(section)
    return section.id


async def set_window(
    app: FastAPI, conversation_id: uuid.UUID, *, opens: datetime, closes: datetime
) -> None:
    from candour.conversations.models import Conversation

    async with app.state.sessionmaker() as session, session.begin():
        conversation = await session.get_one(Conversation, conversation_id)
        conversation.opens_at, conversation.closes_at = opens, closes
