"""One seeded conversation with something behind every kind of identifier, and a signed-in
client for each role the security tests play.

Made through the API (and the factories), as a real conversation would be: a participant
(`author`) wrote ideas and comments, another participant (`colleague`) reported one, a
facilitator messaged the author through the relay and opened a safeguarding case. The
`outsider` is a participant of another conversation only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import httpx
from fastapi import FastAPI

from tests.support.factories import (
    Person,
    make_conversation,
    make_person,
    make_section,
    new_client,
    sign_in,
)

ROLES = ("anonymous", "participant", "other_participant", "facilitator", "sponsor", "admin")


@dataclass
class Caller:
    """One role's browser and bearer headers (none for the anonymous caller)."""

    role: str
    client: httpx.AsyncClient
    headers: dict[str, str]
    person: Person | None = None


@dataclass
class World:
    conversation_id: str
    other_conversation_id: str
    ids: dict[str, str]
    callers: dict[str, Caller]
    outsider: Caller
    people: dict[str, Person] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"/api/conversations/{self.conversation_id}"

    async def close(self) -> None:
        for caller in (*self.callers.values(), self.outsider):
            await caller.client.aclose()


async def _ok(response: httpx.Response, *statuses: int) -> dict[str, object]:
    assert response.status_code in statuses, f"seeding: {response.status_code} {response.text}"
    return response.json() if response.content else {}


async def _post_idea(
    caller: Caller, base: str, section_id: str, title: str, body: str = "Details here"
) -> str:
    answer = await _ok(
        await caller.client.post(
            f"{base}/ideas",
            json={"section_id": section_id, "title": title, "body": body},
            headers=caller.headers,
        ),
        201,
    )
    return str(answer["id"])


async def _post_comment(caller: Caller, base: str, idea_id: str, body: str) -> str:
    answer = await _ok(
        await caller.client.post(
            f"{base}/ideas/{idea_id}/comments", json={"body": body}, headers=caller.headers
        ),
        201,
    )
    return str(answer["id"])


async def make_world(app: FastAPI) -> World:
    cid = await make_conversation(app, title="Security walk")
    other_cid = await make_conversation(app, title="Another conversation")
    sid = await make_section(app, cid, "Staffing")
    second_sid = await make_section(app, cid, "Car parks")
    people = {
        "participant": await make_person(app, conversation_id=cid),
        "other_participant": await make_person(app, conversation_id=cid),
        "facilitator": await make_person(app, role="facilitator"),
        "sponsor": await make_person(app, role="sponsor"),
        "admin": await make_person(app, role="admin"),
        "outsider": await make_person(app, conversation_id=other_cid),
    }
    callers: dict[str, Caller] = {"anonymous": Caller("anonymous", new_client(app), {})}
    for role, person in people.items():
        client = new_client(app)
        caller = Caller(role, client, await sign_in(client, person), person)
        if role == "outsider":
            outsider = caller
        else:
            callers[role] = caller
    base = f"/api/conversations/{cid}"
    author, colleague, staff = (
        callers["participant"],
        callers["other_participant"],
        callers["facilitator"],
    )
    ids: dict[str, str] = {
        "conversation_id": str(cid),
        "section_id": str(sid),
        "second_section_id": str(second_sid),
        "kind": "faq",
        "term": "zzzsecurityterm",
    }
    ids["idea_id"] = await _post_idea(author, base, str(sid), "More night porters")
    ids["withdraw_idea_id"] = await _post_idea(author, base, str(sid), "Idea to withdraw")
    ids["moderated_idea_id"] = await _post_idea(author, base, str(sid), "Idea to moderate")
    ids["merge_source_id"] = await _post_idea(author, base, str(sid), "Idea to merge")
    ids["colleague_idea_id"] = await _post_idea(colleague, base, str(sid), "Car park lighting")
    ids["comment_id"] = await _post_comment(author, base, ids["idea_id"], "Nights are hard")
    ids["withdraw_comment_id"] = await _post_comment(author, base, ids["idea_id"], "Withdraw me")
    await _ok(
        await colleague.client.post(
            f"{base}/reports",
            json={
                "target_kind": "idea",
                "target_id": ids["colleague_idea_id"],
                "category": "other",
            },
            headers=colleague.headers,
        ),
        202,
    )
    queue = await staff.client.get(f"{base}/moderation/queue", headers=staff.headers)
    ids["item_id"] = str((await _ok(queue, 200))[0]["id"])  # type: ignore[index]
    thread = await _ok(
        await staff.client.post(
            f"{base}/messages",
            json={
                "target_kind": "idea",
                "target_id": ids["idea_id"],
                "subject": "About your idea",
                "body": "Can you say more?",
            },
            headers=staff.headers,
        ),
        201,
    )
    ids["thread_id"] = str(thread["id"])
    case = await _ok(
        await staff.client.post(
            f"{base}/safeguarding",
            json={"target_kind": "idea", "target_id": ids["idea_id"], "note": "Worried"},
            headers=staff.headers,
        ),
        201,
    )
    ids["case_id"] = str(case["id"])
    ids["target_kind"], ids["target_id"] = "idea", ids["moderated_idea_id"]
    return World(str(cid), str(other_cid), ids, callers, outsider, people)


def random_id() -> str:
    return str(uuid.uuid4())
