from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI

from tests.support.factories import (
    Person,
    make_conversation,
    make_person,
    make_section,
    new_client,
    sign_in,
)


@dataclass
class Activity:
    """A conversation where two participants posted, commented and voted on each other."""

    conversation_id: uuid.UUID
    section_id: uuid.UUID
    alice: Person
    bob: Person
    alice_idea: str
    bob_idea: str
    bob_comment: str

    @property
    def base(self) -> str:
        return f"/api/conversations/{self.conversation_id}"


async def make_activity(
    app: FastAPI, *, alice: Person | None = None, title: str = "Staff voice"
) -> Activity:
    cid = await make_conversation(app, title=title)
    sid = await make_section(app, cid)
    if alice is None:
        alice = await make_person(
            app,
            conversation_id=cid,
            name="Alice Erasable",
            email=f"alice.{uuid.uuid4().hex[:8]}@trust.example",
            password=f"alice secret {uuid.uuid4()}",
        )
    else:
        from candour.identity.enrolment import enrol

        async with app.state.sessionmaker() as session, session.begin():
            await enrol(session, app.state.settings, [alice.id], cid)
    # Own passwords, so their hashes are theirs alone and a leftover one can be spotted.
    bob = await make_person(app, conversation_id=cid, password=f"bob secret {uuid.uuid4()}")
    ids = {}
    async with new_client(app) as a, new_client(app) as b:
        ah, bh = await sign_in(a, alice), await sign_in(b, bob)
        base = f"/api/conversations/{cid}"
        post = {"section_id": str(sid), "body": "Details"}
        ids["alice_idea"] = (
            await a.post(f"{base}/ideas", json={**post, "title": "More night porters"}, headers=ah)
        ).json()["id"]
        ids["bob_idea"] = (
            await b.post(f"{base}/ideas", json={**post, "title": "Car park lighting"}, headers=bh)
        ).json()["id"]
        ids["bob_comment"] = (
            await b.post(
                f"{base}/ideas/{ids['alice_idea']}/comments",
                json={"body": "I agree"},
                headers=bh,
            )
        ).json()["id"]
        await a.post(
            f"{base}/ideas/{ids['bob_idea']}/comments", json={"body": "Adding to this"}, headers=ah
        )
        await a.put(f"{base}/ideas/{ids['bob_idea']}/vote", json={"vote": "like"}, headers=ah)
        await b.put(f"{base}/ideas/{ids['alice_idea']}/vote", json={"vote": "dislike"}, headers=bh)
        await a.put(f"{base}/comments/{ids['bob_comment']}/vote", json={"vote": "like"}, headers=ah)
    return Activity(cid, sid, alice, bob, **ids)


async def public_view(app: FastAPI, conversation_id: uuid.UUID) -> list[dict[str, object]]:
    """Everything a reader sees of a conversation: every idea and comment with its counts."""
    async with new_client(app) as reader:
        headers = await sign_in(reader, await make_person(app, role="sponsor"))
        base = f"/api/conversations/{conversation_id}"
        ideas = (await reader.get(f"{base}/ideas", params={"limit": 100}, headers=headers)).json()[
            "items"
        ]
        view: list[dict[str, object]] = []
        for idea in ideas:
            comments = (
                await reader.get(f"{base}/ideas/{idea['id']}/comments", headers=headers)
            ).json()["items"]
            view.append({**idea, "comments": comments})
        return view


async def complete_long_ago(app: FastAPI, conversation_id: uuid.UUID, days: int = 31) -> None:
    from candour.conversations.models import Conversation

    async with app.state.sessionmaker() as session, session.begin():
        conversation = await session.get_one(Conversation, conversation_id)
        conversation.completed_at = datetime.now(UTC) - timedelta(days=days)


@pytest.fixture
async def admin_headers(app: FastAPI, client: httpx.AsyncClient) -> dict[str, str]:
    return await sign_in(client, await make_person(app, role="admin"))
