"""Participation for the people who run a conversation: visits, posters, posts and votes per
day and per section — counts that add up, and never who."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg
import httpx
from fastapi import FastAPI

from candour.activity import tallies
from candour.conversations.models import Conversation
from tests.activity.conftest import Scene
from tests.support.factories import make_person, set_window, sign_in

LONDON = ZoneInfo("Europe/London")


def _today() -> date:
    return datetime.now(LONDON).date()


async def _participation(client: httpx.AsyncClient, scene: Scene, headers: dict[str, str]) -> dict:  # type: ignore[type-arg]
    response = await client.get(f"{scene.base}/participation", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_counts_per_day_and_section_add_up_and_name_nobody(
    app: FastAPI, client: httpx.AsyncClient, scene: Scene, db: asyncpg.Connection
) -> None:
    now = datetime.now(UTC)
    await set_window(
        app, scene.conversation_id, opens=now - timedelta(days=2), closes=now + timedelta(days=19)
    )
    first = await scene.post_idea(title="Quiet room for breaks")
    await scene.post_idea(title="Second microwave", section_id=scene.other_section_id)
    response = await scene.bob_client.post(
        f"{scene.base}/ideas/{first['id']}/comments",
        json={"body": "Yes, and a kettle."},
        headers=scene.bob_headers,
    )
    assert response.status_code == 201, response.text
    # The first idea was written yesterday (local time).
    await db.execute(
        "UPDATE ideas SET created_at = now() - interval '1 day' WHERE id = $1",
        uuid.UUID(first["id"]),
    )
    vote = await scene.bob_client.put(
        f"{scene.base}/ideas/{first['id']}/vote", json={"vote": "like"}, headers=scene.bob_headers
    )
    assert vote.status_code == 200
    # Yesterday's tally of the first section held no votes; today it holds one.
    yesterday = _today() - timedelta(days=1)
    await db.execute(
        "INSERT INTO section_vote_tallies (section_id, day, conversation_id, votes)"
        " VALUES ($1, $2, $3, 0)",
        scene.section_id,
        yesterday,
        scene.conversation_id,
    )
    facilitator = await sign_in(client, await make_person(app, role="facilitator"))

    figures = await _participation(client, scene, facilitator)

    # The scene signed Alice and Bob in once each; the facilitator's sign-in is no visit.
    assert figures["totals"] == {
        "members": 2,
        "visits": 2,
        "posters": 2,
        "posts": 3,
        "votes": 1,
    }
    days = {d["day"]: d for d in figures["days"]}
    assert list(days) == [str(_today() - timedelta(days=n)) for n in (2, 1, 0)]
    assert days[str(yesterday)] == {
        "day": str(yesterday),
        "visits": 0,
        "posters": 1,
        "posts": 1,
        "votes": 0,
    }
    assert days[str(_today())]["posts"] == 2
    assert days[str(_today())]["posters"] == 2
    assert days[str(_today())]["visits"] == 2
    assert days[str(_today())]["votes"] == 1
    first_section, other_section = figures["sections"]
    assert first_section["section_id"] == str(scene.section_id)
    assert (first_section["posts"], first_section["posters"], first_section["votes"]) == (2, 2, 1)
    assert (other_section["posts"], other_section["posters"], other_section["votes"]) == (1, 1, 0)
    assert sum(d["posts"] for d in first_section["days"]) == first_section["posts"]

    text = str(figures)
    for person in (scene.alice, scene.bob):
        assert person.email not in text
        assert str(person.id) not in text


async def test_visits_count_on_the_conversations_own_calendar(
    app: FastAPI, client: httpx.AsyncClient, scene: Scene, db: asyncpg.Connection
) -> None:
    async with app.state.sessionmaker() as session, session.begin():
        conversation = await session.get_one(Conversation, scene.conversation_id)
        conversation.time_zone = "Pacific/Kiritimati"  # UTC+14: often another date
    await db.execute("DELETE FROM daily_visits")  # the scene's own sign-ins
    await sign_in(client, scene.alice)
    days = [r["day"] for r in await db.fetch("SELECT day FROM daily_visits")]
    assert days == [datetime.now(ZoneInfo("Pacific/Kiritimati")).date()]


async def test_a_days_votes_are_the_change_between_two_tallies(
    app: FastAPI, client: httpx.AsyncClient, scene: Scene, db: asyncpg.Connection
) -> None:
    idea = await scene.post_idea()
    for headers, http in (
        (scene.alice_headers, scene.alice_client),
        (scene.bob_headers, scene.bob_client),
    ):
        await http.put(
            f"{scene.base}/ideas/{idea['id']}/vote", json={"vote": "dislike"}, headers=headers
        )
    async with app.state.sessionmaker() as session, session.begin():
        counted = await tallies.tally_live_conversations(session)
    assert counted == 1
    held = await db.fetch("SELECT section_id, votes FROM section_vote_tallies ORDER BY votes")
    assert {(r["section_id"], r["votes"]) for r in held} == {
        (scene.section_id, 2),
        (scene.other_section_id, 0),
    }
    # A vote withdrawn: the next tally of the day overwrites the day's count.
    await scene.bob_client.put(
        f"{scene.base}/ideas/{idea['id']}/vote", json={"vote": "none"}, headers=scene.bob_headers
    )
    admin = await sign_in(client, await make_person(app, role="admin"))
    figures = await _participation(client, scene, admin)
    assert figures["days"][-1]["votes"] == 1
    assert (
        await db.fetchval(
            "SELECT votes FROM section_vote_tallies WHERE section_id = $1", scene.section_id
        )
        == 1
    )


async def test_only_facilitators_and_admins_see_participation(
    app: FastAPI, client: httpx.AsyncClient, scene: Scene
) -> None:
    url = f"{scene.base}/participation"
    assert (await client.get(url, headers={"Authorization": "Bearer x"})).status_code == 401
    refused = await scene.alice_client.get(url, headers=scene.alice_headers)
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    sponsor = await sign_in(client, await make_person(app, role="sponsor"))
    assert (await client.get(url, headers=sponsor)).status_code == 403
    facilitator = await sign_in(client, await make_person(app, role="facilitator"))
    missing = await client.get(
        f"/api/conversations/{uuid.uuid4()}/participation", headers=facilitator
    )
    assert missing.status_code == 404


async def test_a_conversation_not_yet_open_has_no_days(
    app: FastAPI, client: httpx.AsyncClient, scene: Scene
) -> None:
    now = datetime.now(UTC)
    await set_window(
        app, scene.conversation_id, opens=now + timedelta(days=3), closes=now + timedelta(days=24)
    )
    admin = await sign_in(client, await make_person(app, role="admin"))
    figures = await _participation(client, scene, admin)
    assert figures["days"] == []
    assert [s["days"] for s in figures["sections"]] == [[], []]
