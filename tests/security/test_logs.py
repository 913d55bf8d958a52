"""What the application writes to its logs while people sign in, post, vote, report, are
messaged through the relay and make mistakes: never an address, a name, an account id, a
pseudonym, a session token, a client address — nor a content identifier, which beside a
time would let whoever reads the logs pair a post with a request.

Every logger is captured at DEBUG, so a line that only a verbose setting would write is
caught as well.
"""

from __future__ import annotations

import base64
import logging
import uuid

import httpx
import pytest
from fastapi import FastAPI

from candour.identity.pseudonyms import pseudonym_for
from tests.security.world import make_world

CLIENT_ADDRESS = "203.0.113.77"


async def test_the_logs_name_nobody_and_nothing(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    world = await make_world(app)
    try:
        base, ids = world.base, world.ids
        author, staff = world.callers["participant"], world.callers["facilitator"]
        # The client's address is what an access log would usually print.
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=(CLIENT_ADDRESS, 4321)),
            base_url="https://testserver",
        ) as remote:
            headers = author.headers
            await remote.put(f"{base}/ideas/{ids['idea_id']}/vote", json={"vote": "like"},
                             headers=headers)  # fmt: skip
            await remote.get(f"{base}/ideas/{ids['idea_id']}", headers=headers)
            await remote.post(f"{base}/ideas/{ids['idea_id']}/comments", json={"body": "Yes"},
                              headers=headers)  # fmt: skip
            await remote.get(f"{base}/ideas/{ids['colleague_idea_id']}/comments", headers=headers)
            await remote.post(f"/api/me/messages/{ids['thread_id']}/replies",
                              json={"body": "Thanks"}, headers=headers)  # fmt: skip
            await remote.get("/api/me/export", headers=headers)
            # Mistakes: a wrong password for a real address, a forged token, a bad body.
            person = world.people["participant"]
            await remote.post("/api/auth/login", json={"email": person.email, "password": "no"})
            await remote.get("/api/me", headers={"Authorization": "Bearer forged.token.here"})
            await remote.post(f"{base}/ideas", json={"title": person.email}, headers=headers)
        await staff.client.post(
            f"{base}/moderation/idea/{ids['idea_id']}/hide",
            json={"category": "other", "reason": "Checking the logs"},
            headers=staff.headers,
        )
        # The test's own HTTP client logs its URLs; only the server side counts.
        server_side = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
        logged = "\n".join(record.getMessage() for record in server_side)
        logged += "\n".join(str(record.args) for record in server_side)
        assert "/api/conversations/{conversation_id}/ideas/{idea_id}/vote" in logged, (
            "control: the access log was captured"
        )
        needles = {CLIENT_ADDRESS: "the client's address"}
        for role, who in world.people.items():
            needles[who.email] = f"{role}'s address"
            needles[who.display_name or who.email] = f"{role}'s name"
            needles[str(who.id)] = f"{role}'s account id"
            needles[who.id.hex] = f"{role}'s account id"
        for role, caller in world.callers.items():
            if caller.headers:
                token = caller.headers["Authorization"].removeprefix("Bearer ")
                needles[token.split(".")[1]] = f"{role}'s session token"
        for key, value in ids.items():
            if len(value) == 36:
                needles[value] = f"the {key}"
        settings = app.state.settings
        for role in ("participant", "other_participant"):
            raw = pseudonym_for(settings, uuid.UUID(world.conversation_id), world.people[role].id)
            needles[raw.hex()] = f"{role}'s pseudonym"
            needles[base64.b64encode(raw).decode().rstrip("=")] = f"{role}'s pseudonym"
        for needle, what in needles.items():
            assert needle not in logged, f"the logs hold {what}"
    finally:
        await world.close()
