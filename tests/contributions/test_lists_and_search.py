"""Sorting, keyset pagination, section filter and full-text search."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest

from tests.contributions.conftest import Scene


async def _ideas(scene: Scene, **params: object) -> dict:  # type: ignore[type-arg]
    response = await scene.bob_client.get(
        f"{scene.base}/ideas", params=params, headers=scene.bob_headers
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def _vote(scene: Scene, idea_id: str, vote: str, who: str = "bob") -> None:
    client, headers = (
        (scene.bob_client, scene.bob_headers)
        if who == "bob"
        else (scene.alice_client, scene.alice_headers)
    )
    response = await client.put(
        f"{scene.base}/ideas/{idea_id}/vote", json={"vote": vote}, headers=headers
    )
    assert response.status_code == 200


async def test_sorts(scene: Scene, db: asyncpg.Connection) -> None:
    quiet = await scene.post_idea(title="Quiet idea")
    liked = await scene.post_idea(title="Liked idea")
    divided = await scene.post_idea(title="Divided idea")
    discussed = await scene.post_idea(title="Discussed idea")
    # Posted in four different hours (within one hour, "newest" shows no order: below).
    for hours_ago, idea in ((3, quiet), (2, liked), (1, divided)):
        await db.execute(
            "UPDATE ideas SET created_at = created_at - make_interval(hours => $1) WHERE id = $2",
            hours_ago,
            uuid.UUID(idea["id"]),
        )
    await _vote(scene, liked["id"], "like")
    await _vote(scene, liked["id"], "like", who="alice")
    await _vote(scene, divided["id"], "like")
    await _vote(scene, divided["id"], "dislike", who="alice")
    for body in ("One", "Two"):
        await scene.bob_client.post(
            f"{scene.base}/ideas/{discussed['id']}/comments",
            json={"body": body},
            headers=scene.bob_headers,
        )

    def titles(page: dict) -> list[str]:  # type: ignore[type-arg]
        return [i["title"] for i in page["items"]]

    assert titles(await _ideas(scene, sort="newest")) == [
        "Discussed idea",
        "Divided idea",
        "Liked idea",
        "Quiet idea",
    ]
    assert titles(await _ideas(scene, sort="most_liked"))[0] == "Liked idea"
    assert titles(await _ideas(scene, sort="most_discussed"))[0] == "Discussed idea"
    assert titles(await _ideas(scene, sort="most_divided"))[0] == "Divided idea"
    assert (await _ideas(scene, sort="most_discussed"))["items"][0]["comment_count"] == 2
    assert quiet["id"] in [i["id"] for i in (await _ideas(scene))["items"]]


async def test_newest_shows_no_order_within_the_hour(scene: Scene, db: asyncpg.Connection) -> None:
    """Which of an hour's ideas came last is not shown: each is stored with the hour it was
    posted in, and within the hour "newest" goes by the random id, not by time. (An order
    by time would let a colleague who saw someone post match the idea to them.)"""
    posted = [(await scene.post_idea(title=f"Idea number {n}"))["id"] for n in range(8)]
    stored = await db.fetch("SELECT id, created_at FROM ideas")
    assert all(
        (r["created_at"].minute, r["created_at"].second, r["created_at"].microsecond) == (0, 0, 0)
        for r in stored
    ), "no exact time is stored"
    hour_of = {str(r["id"]): r["created_at"] for r in stored}
    listed = [i["id"] for i in (await _ideas(scene, sort="newest"))["items"]]
    assert listed == sorted(posted, key=lambda i: (hour_of[i], uuid.UUID(i)), reverse=True)
    assert listed != posted[::-1], "not by time (this fails by chance once in 40,320 runs)"


@pytest.mark.parametrize("sort", ["newest", "most_liked", "most_discussed", "most_divided"])
async def test_keyset_pages_cover_every_idea_once(scene: Scene, sort: str) -> None:
    posted = await asyncio.gather(*(scene.post_idea(title=f"Idea number {n}") for n in range(23)))
    for n, idea in enumerate(posted[:9]):
        await _vote(scene, idea["id"], "like" if n % 2 else "dislike")
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, object] = {"sort": sort, "limit": 5}
        if cursor:
            params["cursor"] = cursor
        page = await _ideas(scene, **params)
        seen += [i["id"] for i in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 5
    assert sorted(seen) == sorted(i["id"] for i in posted)


async def test_filter_by_section(scene: Scene) -> None:
    await scene.post_idea(title="About staffing")
    await scene.post_idea(title="About parking", section_id=scene.other_section_id)
    page = await _ideas(scene, section_id=str(scene.other_section_id))
    assert [i["title"] for i in page["items"]] == ["About parking"]
    sections = (
        await scene.bob_client.get(f"{scene.base}/sections", headers=scene.bob_headers)
    ).json()
    assert [(s["title"], s["idea_count"]) for s in sections] == [
        ("Staffing", 1),
        ("Car parking", 1),
    ]


async def test_bad_list_parameters(scene: Scene) -> None:
    for params, field in (
        ({"sort": "random"}, "query.sort"),
        ({"limit": 0}, "query.limit"),
        ({"limit": 101}, "query.limit"),
        ({"section_id": "x"}, "query.section_id"),
    ):
        response = await scene.bob_client.get(
            f"{scene.base}/ideas", params=params, headers=scene.bob_headers
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == field


async def test_forged_or_foreign_cursors_are_refused(scene: Scene) -> None:
    for n in range(3):
        await scene.post_idea(title=f"Idea {n}")
    page = await _ideas(scene, limit=1)
    for params in (
        {"cursor": "not-a-cursor", "limit": 1},
        {"cursor": page["next_cursor"][:-2] + "AA", "limit": 1},
        {"cursor": page["next_cursor"], "sort": "most_liked", "limit": 1},
    ):
        response = await scene.bob_client.get(
            f"{scene.base}/ideas", params=params, headers=scene.bob_headers
        )
        assert response.status_code == 422
        assert response.json()["code"] == "invalid_cursor"


async def test_full_text_search_finds_ideas_and_comments_by_stem(scene: Scene) -> None:
    porters = await scene.post_idea(
        title="Night porters", body="We need more porters on the night shift"
    )
    await scene.post_idea(
        title="Parking", body="The car park is full by 8am", section_id=scene.other_section_id
    )
    await scene.bob_client.post(
        f"{scene.base}/ideas/{porters['id']}/comments",
        json={"body": "Portering at night is hard"},
        headers=scene.bob_headers,
    )
    found = (
        await scene.bob_client.get(
            f"{scene.base}/search", params={"q": "porter"}, headers=scene.bob_headers
        )
    ).json()
    kinds = sorted(hit["kind"] for hit in found["items"])
    assert kinds == ["idea"] or kinds == ["comment", "idea"]
    assert found["items"][0]["idea"]["title"] == "Night porters"
    parking = (
        await scene.bob_client.get(
            f"{scene.base}/search", params={"q": "parked cars"}, headers=scene.bob_headers
        )
    ).json()
    assert [h["idea"]["title"] for h in parking["items"]] == ["Parking"]
    scoped = await scene.bob_client.get(
        f"{scene.base}/search",
        params={"q": "parking", "section_id": str(scene.section_id)},
        headers=scene.bob_headers,
    )
    assert scoped.json()["items"] == []
    odd = await scene.bob_client.get(
        f"{scene.base}/search", params={"q": "'\"&|!:*()"}, headers=scene.bob_headers
    )
    assert odd.status_code == 200, "operators in the query never cause an error"
    short = await scene.bob_client.get(
        f"{scene.base}/search", params={"q": "a"}, headers=scene.bob_headers
    )
    assert short.status_code == 422


async def test_search_pages_through_results(scene: Scene) -> None:
    for n in range(7):
        await scene.post_idea(title=f"Rota problem {n}", body="rota " * (n + 1))
    seen: list[str] = []
    cursor = None
    while True:
        params = {"q": "rota", "limit": 3, **({"cursor": cursor} if cursor else {})}
        page = (
            await scene.bob_client.get(
                f"{scene.base}/search", params=params, headers=scene.bob_headers
            )
        ).json()
        seen += [h["idea"]["id"] for h in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 7


async def test_a_section_of_another_conversation_lists_nothing(scene: Scene, app) -> None:  # type: ignore[no-untyped-def]
    from tests.support.factories import make_conversation, make_section

    await scene.post_idea(title="Visible here")
    foreign = await make_section(app, await make_conversation(app, title="Elsewhere"))
    response = await scene.bob_client.get(
        f"{scene.base}/ideas", params={"section_id": str(foreign)}, headers=scene.bob_headers
    )
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_section"
