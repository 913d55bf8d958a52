"""A conversation with posts written straight into the tables (the coding API reads them;
how they were written does not matter to it), and signed-in analysts."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from candour.contributions.models import Comment, Idea
from tests.support.factories import (
    make_conversation,
    make_person,
    make_section,
    new_client,
    sign_in,
)


@dataclass
class Analyst:
    client: httpx.AsyncClient
    headers: dict[str, str]
    id: uuid.UUID

    async def get(self, url: str, **params: Any) -> httpx.Response:
        return await self.client.get(url, params=params, headers=self.headers)

    async def post(self, url: str, body: Any = None) -> httpx.Response:
        return await self.client.post(url, json=body, headers=self.headers)

    async def patch(self, url: str, body: Any) -> httpx.Response:
        return await self.client.patch(url, json=body, headers=self.headers)

    async def delete(self, url: str) -> httpx.Response:
        return await self.client.delete(url, headers=self.headers)


async def make_analyst(app: FastAPI, role: str = "facilitator") -> Analyst:
    person = await make_person(app, role=role)
    client = new_client(app)
    return Analyst(client, await sign_in(client, person), person.id)


@dataclass
class Place:
    """A conversation and a section in it, and the coding API's base URL."""

    app: FastAPI
    conversation_id: uuid.UUID
    section_id: uuid.UUID

    @property
    def base(self) -> str:
        return f"/api/conversations/{self.conversation_id}/coding"

    async def idea(
        self,
        body: str,
        *,
        title: str = "An idea",
        section_id: uuid.UUID | None = None,
        moderation: str = "visible",
    ) -> uuid.UUID:
        async with self.app.state.sessionmaker() as session, session.begin():
            idea = Idea(
                id=uuid.uuid4(),
                conversation_id=self.conversation_id,
                section_id=section_id or self.section_id,
                author_pseudonym=os.urandom(32),
                title=title,
                body=body,
                moderation=moderation,
            )
            session.add(idea)
        return idea.id

    async def comment(self, idea_id: uuid.UUID, body: str) -> uuid.UUID:
        async with self.app.state.sessionmaker() as session, session.begin():
            comment = Comment(
                id=uuid.uuid4(),
                conversation_id=self.conversation_id,
                idea_id=idea_id,
                author_pseudonym=os.urandom(32),
                body=body,
            )
            session.add(comment)
        return comment.id


async def make_place(app: FastAPI) -> Place:
    conversation_id = await make_conversation(app)
    return Place(app, conversation_id, await make_section(app, conversation_id))


@pytest.fixture
async def place(app: FastAPI) -> Place:
    return await make_place(app)


@pytest.fixture
async def ana(app: FastAPI) -> AsyncIterator[Analyst]:
    analyst = await make_analyst(app)
    yield analyst
    await analyst.client.aclose()


@pytest.fixture
async def bob(app: FastAPI) -> AsyncIterator[Analyst]:
    analyst = await make_analyst(app)
    yield analyst
    await analyst.client.aclose()


@pytest.fixture
async def boss(app: FastAPI) -> AsyncIterator[Analyst]:
    analyst = await make_analyst(app, "admin")
    yield analyst
    await analyst.client.aclose()


async def new_code(
    analyst: Analyst, place: Place, name: str, parent: str | None = None, **extra: Any
) -> str:
    response = await analyst.post(
        f"{place.base}/codes", {"name": name, "parent_id": parent, **extra}
    )
    assert response.status_code == 201, response.text
    code_id: str = response.json()["id"]
    return code_id


async def code_post(
    analyst: Analyst,
    place: Place,
    code_id: str,
    post_id: uuid.UUID,
    *,
    kind: str = "idea",
    span: tuple[int, int] | None = None,
) -> httpx.Response:
    body: dict[str, Any] = {"code_id": code_id, "post_kind": kind, "post_id": str(post_id)}
    if span:
        body["start"], body["end"] = span
    return await analyst.post(f"{place.base}/codings", body)


async def coded(analyst: Analyst, place: Place, code_id: str, post_id: uuid.UUID, **kw: Any) -> str:
    response = await code_post(analyst, place, code_id, post_id, **kw)
    assert response.status_code == 201, response.text
    coding_id: str = response.json()["id"]
    return coding_id
