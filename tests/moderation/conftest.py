from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI

from tests.privacy.conftest import Activity, make_activity
from tests.support.factories import make_person, new_client, sign_in


@dataclass
class Desk:
    """An active conversation, two facilitators and Bob (a participant) signed in."""

    activity: Activity
    staff: httpx.AsyncClient
    staff_headers: dict[str, str]
    other_staff: httpx.AsyncClient
    other_staff_headers: dict[str, str]
    bob: httpx.AsyncClient
    bob_headers: dict[str, str]

    @property
    def base(self) -> str:
        return self.activity.base


@pytest.fixture
async def desk(app: FastAPI) -> Desk:
    activity = await make_activity(app)
    staff, other, bob = new_client(app), new_client(app), new_client(app)
    fran = await make_person(app, role="facilitator", name="Fran Facilitator")
    sam = await make_person(app, role="facilitator", name="Sam Second")
    desk = Desk(
        activity,
        staff, await sign_in(staff, fran),
        other, await sign_in(other, sam),
        bob, await sign_in(bob, activity.bob),
    )  # fmt: skip
    yield desk  # type: ignore[misc]
    for client in (staff, other, bob):
        await client.aclose()
