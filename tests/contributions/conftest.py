from __future__ import annotations

import uuid
from dataclasses import dataclass

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
class Scene:
    """An open conversation with two sections and two signed-in participants."""

    conversation_id: uuid.UUID
    section_id: uuid.UUID
    other_section_id: uuid.UUID
    alice: Person
    bob: Person
    alice_client: httpx.AsyncClient
    bob_client: httpx.AsyncClient
    alice_headers: dict[str, str]
    bob_headers: dict[str, str]

    @property
    def base(self) -> str:
        return f"/api/conversations/{self.conversation_id}"

    async def post_idea(
        self,
        title: str = "More night porters",
        body: str = "Nights are short-staffed.",
        **extra: object,
    ) -> dict:  # type: ignore[type-arg]
        response = await self.alice_client.post(
            f"{self.base}/ideas",
            json={
                "section_id": str(extra.pop("section_id", self.section_id)),
                "title": title,
                "body": body,
                **extra,
            },
            headers=self.alice_headers,
        )
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]


@pytest.fixture
async def scene(app: FastAPI, client: httpx.AsyncClient) -> Scene:
    conversation_id = await make_conversation(app)
    section_id = await make_section(app, conversation_id, "Staffing")
    other_section_id = await make_section(app, conversation_id, "Car parking")
    alice = await make_person(
        app, conversation_id=conversation_id, name="Alice Example", email="alice@trust.example"
    )
    bob = await make_person(
        app, conversation_id=conversation_id, name="Bob Example", email="bob@trust.example"
    )
    bob_client = new_client(app)
    scene = Scene(
        conversation_id, section_id, other_section_id, alice, bob, client, bob_client,
        await sign_in(client, alice), await sign_in(bob_client, bob),
    )  # fmt: skip
    yield scene  # type: ignore[misc]
    await bob_client.aclose()
