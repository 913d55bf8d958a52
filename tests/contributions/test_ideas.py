"""Posting, reading, editing and withdrawing ideas, and the refusals around them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI

from tests.contributions.conftest import Scene
from tests.support.factories import make_person, set_window, sign_in

AUTHOR_WORDS = ("author", "pseudonym", "account", "email", "user")


async def test_an_idea_is_posted_and_read_without_any_author(scene: Scene) -> None:
    idea = await scene.post_idea()
    assert idea["is_mine"] is True
    assert idea["status"] == "published"
    assert not any(word in key for key in idea for word in AUTHOR_WORDS)
    seen_by_bob = (
        await scene.bob_client.get(f"{scene.base}/ideas/{idea['id']}", headers=scene.bob_headers)
    ).json()
    assert seen_by_bob["is_mine"] is False
    assert seen_by_bob["title"] == "More night porters"
    assert {k: v for k, v in seen_by_bob.items() if k != "is_mine"} == {
        k: v for k, v in idea.items() if k != "is_mine"
    }


async def test_public_times_are_rounded_to_the_hour(scene: Scene) -> None:
    idea = await scene.post_idea()
    created = datetime.fromisoformat(idea["created_at"])
    assert (created.minute, created.second, created.microsecond) == (0, 0, 0)
    assert datetime.now(UTC) - created < timedelta(hours=1, minutes=1)


async def test_identifiers_are_random(scene: Scene) -> None:
    first = await scene.post_idea(title="First idea")
    second = await scene.post_idea(title="Second idea")
    assert first["id"][14] == "4" and second["id"][14] == "4", "UUID version 4"
    assert first["id"][:8] != second["id"][:8]


async def test_the_author_edits_and_withdraws_while_open(scene: Scene) -> None:
    idea = await scene.post_idea()
    url = f"{scene.base}/ideas/{idea['id']}"
    edited = await scene.alice_client.patch(
        url, json={"body": "Nights need two more porters."}, headers=scene.alice_headers
    )
    assert edited.status_code == 200
    assert edited.json()["edited"] is True
    assert edited.json()["title"] == "More night porters", "fields not sent stay"
    withdrawn = await scene.alice_client.post(f"{url}/withdraw", headers=scene.alice_headers)
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    assert withdrawn.json()["title"] is None and withdrawn.json()["body"] is None
    listed = await scene.bob_client.get(f"{scene.base}/ideas", headers=scene.bob_headers)
    assert listed.json()["items"] == []
    again = await scene.alice_client.patch(
        url, json={"title": "Back again"}, headers=scene.alice_headers
    )
    assert again.status_code == 409
    assert again.json()["code"] == "contribution_withdrawn"


async def test_nobody_else_edits_or_withdraws_my_idea(scene: Scene) -> None:
    idea = await scene.post_idea()
    url = f"{scene.base}/ideas/{idea['id']}"
    assert (
        await scene.bob_client.patch(url, json={"title": "Mine now"}, headers=scene.bob_headers)
    ).status_code == 403
    refused = await scene.bob_client.post(f"{url}/withdraw", headers=scene.bob_headers)
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_your_contribution"


async def test_my_posts_lists_only_mine(scene: Scene) -> None:
    mine = await scene.post_idea(title="Alice's idea")
    await scene.bob_client.post(
        f"{scene.base}/ideas",
        json={"section_id": str(scene.section_id), "title": "Bob's idea", "body": "..."},
        headers=scene.bob_headers,
    )
    comment = await scene.bob_client.post(
        f"{scene.base}/ideas/{mine['id']}/comments",
        json={"body": "Agreed"},
        headers=scene.bob_headers,
    )
    alice_posts = (
        await scene.alice_client.get("/api/me/contributions", headers=scene.alice_headers)
    ).json()
    assert [i["title"] for i in alice_posts["ideas"]] == ["Alice's idea"]
    assert alice_posts["comments"] == []
    bob_posts = (
        await scene.bob_client.get("/api/me/contributions", headers=scene.bob_headers)
    ).json()
    assert [i["title"] for i in bob_posts["ideas"]] == ["Bob's idea"]
    assert [c["id"] for c in bob_posts["comments"]] == [comment.json()["id"]]


async def test_a_retried_post_with_the_same_idempotency_key_is_not_duplicated(
    scene: Scene, db
) -> None:
    headers = {**scene.alice_headers, "Idempotency-Key": "retry-1234567"}
    body = {
        "section_id": str(scene.section_id),
        "title": "Only once",
        "body": "Posted on a flaky network",
    }
    first = await scene.alice_client.post(f"{scene.base}/ideas", json=body, headers=headers)
    second = await scene.alice_client.post(f"{scene.base}/ideas", json=body, headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert await db.fetchval("SELECT count(*) FROM ideas") == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "", "body": "text"}, "body.title"),
        ({"title": "   ", "body": "text"}, "body.title"),
        ({"title": "Fine title", "body": ""}, "body.body"),
        ({"title": "T" * 201, "body": "text"}, "body.title"),
        ({"title": "Fine title", "body": "B" * 10_001}, "body.body"),
        ({"title": "Fine title", "body": "text", "author_id": "someone"}, "body.author_id"),
        ({"title": "Fine title", "body": "text", "like_count": 500}, "body.like_count"),
        ({"title": "Fine title", "body": "text", "status": "hidden"}, "body.status"),
    ],
)
async def test_bad_ideas_are_refused_with_the_field_named(
    scene: Scene, body: dict[str, object], field: str, db
) -> None:
    response = await scene.alice_client.post(
        f"{scene.base}/ideas",
        json={"section_id": str(scene.section_id), **body},
        headers=scene.alice_headers,
    )
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
    assert await db.fetchval("SELECT count(*) FROM ideas") == 0


async def test_an_unknown_section_is_refused(scene: Scene, app: FastAPI) -> None:
    from tests.support.factories import make_conversation, make_section

    elsewhere = await make_section(app, await make_conversation(app, title="Other"))
    for section_id in (elsewhere, "00000000-0000-4000-8000-000000000000"):
        response = await scene.alice_client.post(
            f"{scene.base}/ideas",
            json={"section_id": str(section_id), "title": "Lost", "body": "x"},
            headers=scene.alice_headers,
        )
        assert response.status_code == 422
        assert response.json()["code"] == "unknown_section"


async def test_writes_outside_the_window_are_refused_but_reading_goes_on(
    app: FastAPI, scene: Scene
) -> None:
    idea = await scene.post_idea()
    now = datetime.now(UTC)
    await set_window(
        app,
        scene.conversation_id,
        opens=now - timedelta(days=22),
        closes=now - timedelta(minutes=1),
    )
    url = f"{scene.base}/ideas/{idea['id']}"
    attempts = [
        scene.alice_client.post(
            f"{scene.base}/ideas",
            json={"section_id": str(scene.section_id), "title": "Late idea", "body": "x"},
            headers=scene.alice_headers,
        ),
        scene.alice_client.patch(url, json={"title": "Late edit"}, headers=scene.alice_headers),
        scene.alice_client.post(f"{url}/withdraw", headers=scene.alice_headers),
        scene.bob_client.put(f"{url}/vote", json={"vote": "like"}, headers=scene.bob_headers),
        scene.bob_client.post(
            f"{url}/comments", json={"body": "Late comment"}, headers=scene.bob_headers
        ),
    ]
    for attempt in attempts:
        response = await attempt
        assert response.status_code == 409
        assert response.json()["code"] == "conversation_not_open"
        assert "closed" in response.json()["detail"]
    assert (await scene.bob_client.get(url, headers=scene.bob_headers)).json()[
        "title"
    ] == "More night porters"
    await set_window(
        app, scene.conversation_id, opens=now + timedelta(days=1), closes=now + timedelta(days=22)
    )
    early = await scene.bob_client.put(
        f"{url}/vote", json={"vote": "like"}, headers=scene.bob_headers
    )
    assert early.status_code == 409
    assert "not opened yet" in early.json()["detail"]


@pytest.mark.parametrize("role", ["facilitator", "sponsor", "admin"])
async def test_only_participants_post_and_vote(app: FastAPI, scene: Scene, role: str) -> None:
    idea = await scene.post_idea()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://testserver"
    ) as staff:
        headers = await sign_in(staff, await make_person(app, role=role))
        post = await staff.post(
            f"{scene.base}/ideas",
            json={"section_id": str(scene.section_id), "title": "Staff idea", "body": "x"},
            headers=headers,
        )
        assert post.status_code == 403
        vote = await staff.put(
            f"{scene.base}/ideas/{idea['id']}/vote", json={"vote": "like"}, headers=headers
        )
        assert vote.status_code == 403
        assert (
            await staff.get(f"{scene.base}/ideas/{idea['id']}", headers=headers)
        ).status_code == 200


async def test_people_outside_the_conversation_see_nothing(app: FastAPI, scene: Scene) -> None:
    idea = await scene.post_idea()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://testserver"
    ) as outsider:
        headers = await sign_in(outsider, await make_person(app))
        for url in (
            f"{scene.base}/ideas",
            f"{scene.base}/ideas/{idea['id']}",
            f"{scene.base}/search?q=porters",
        ):
            assert (await outsider.get(url, headers=headers)).status_code == 404
