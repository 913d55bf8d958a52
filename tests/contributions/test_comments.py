"""Comments: one level of replies, editing, withdrawing, counts kept."""

from __future__ import annotations

import uuid

import asyncpg

from tests.contributions.conftest import Scene


async def test_comments_and_replies(scene: Scene) -> None:
    idea = await scene.post_idea()
    url = f"{scene.base}/ideas/{idea['id']}/comments"
    top = (
        await scene.bob_client.post(url, json={"body": "Agree"}, headers=scene.bob_headers)
    ).json()
    reply = await scene.alice_client.post(
        url, json={"body": "Thanks", "parent_id": top["id"]}, headers=scene.alice_headers
    )
    assert reply.status_code == 201
    assert reply.json()["parent_id"] == top["id"]
    too_deep = await scene.bob_client.post(
        url, json={"body": "Deeper", "parent_id": reply.json()["id"]}, headers=scene.bob_headers
    )
    assert too_deep.status_code == 422
    assert too_deep.json()["code"] == "reply_too_deep"
    thread = (await scene.bob_client.get(url, headers=scene.bob_headers)).json()["items"]
    assert [(c["body"], c["is_mine"]) for c in thread] == [("Agree", True), ("Thanks", False)]
    assert not any("author" in key for c in thread for key in c)
    got = (
        await scene.bob_client.get(f"{scene.base}/ideas/{idea['id']}", headers=scene.bob_headers)
    ).json()
    assert got["comment_count"] == 2


async def test_withdrawn_comment_keeps_its_replies_in_place(scene: Scene) -> None:
    idea = await scene.post_idea()
    url = f"{scene.base}/ideas/{idea['id']}/comments"
    top = (
        await scene.bob_client.post(url, json={"body": "Agree"}, headers=scene.bob_headers)
    ).json()
    await scene.alice_client.post(
        url, json={"body": "Why?", "parent_id": top["id"]}, headers=scene.alice_headers
    )
    withdrawn = await scene.bob_client.post(
        f"{scene.base}/comments/{top['id']}/withdraw", headers=scene.bob_headers
    )
    assert withdrawn.json()["status"] == "withdrawn"
    thread = (await scene.alice_client.get(url, headers=scene.alice_headers)).json()["items"]
    assert [(c["status"], c["body"]) for c in thread] == [
        ("withdrawn", None),
        ("published", "Why?"),
    ]
    got = (
        await scene.bob_client.get(f"{scene.base}/ideas/{idea['id']}", headers=scene.bob_headers)
    ).json()
    assert got["comment_count"] == 1


async def test_editing_a_comment(scene: Scene) -> None:
    idea = await scene.post_idea()
    comment = (
        await scene.bob_client.post(
            f"{scene.base}/ideas/{idea['id']}/comments",
            json={"body": "Tpyo"},
            headers=scene.bob_headers,
        )
    ).json()
    url = f"{scene.base}/comments/{comment['id']}"
    assert (
        await scene.alice_client.patch(url, json={"body": "Hijack"}, headers=scene.alice_headers)
    ).status_code == 403
    fixed = await scene.bob_client.patch(url, json={"body": "Typo"}, headers=scene.bob_headers)
    assert fixed.json()["body"] == "Typo"
    assert fixed.json()["edited"] is True
    empty = await scene.bob_client.patch(url, json={"body": ""}, headers=scene.bob_headers)
    assert empty.status_code == 422


async def test_no_comments_on_a_withdrawn_idea(scene: Scene) -> None:
    idea = await scene.post_idea()
    await scene.alice_client.post(
        f"{scene.base}/ideas/{idea['id']}/withdraw", headers=scene.alice_headers
    )
    response = await scene.bob_client.post(
        f"{scene.base}/ideas/{idea['id']}/comments",
        json={"body": "Late"},
        headers=scene.bob_headers,
    )
    assert response.status_code == 409


async def test_a_reply_must_be_to_a_comment_on_the_same_idea(scene: Scene) -> None:
    first = await scene.post_idea(title="First idea")
    second = await scene.post_idea(title="Second idea")
    top = (
        await scene.bob_client.post(
            f"{scene.base}/ideas/{first['id']}/comments",
            json={"body": "Hi"},
            headers=scene.bob_headers,
        )
    ).json()
    response = await scene.bob_client.post(
        f"{scene.base}/ideas/{second['id']}/comments",
        json={"body": "x", "parent_id": top["id"]},
        headers=scene.bob_headers,
    )
    assert response.status_code == 422


async def test_a_thread_lists_each_comment_then_its_replies_with_no_order_within_the_hour(
    scene: Scene, db: asyncpg.Connection
) -> None:
    """Replies follow the comment they answer, across pages; top-level comments, and the
    replies to one comment, go by the hour they were written in and then by random id, so
    the thread does not show which of an hour's comments came last."""
    idea = await scene.post_idea()
    url = f"{scene.base}/ideas/{idea['id']}/comments"

    async def comment(body: str, parent: str | None = None) -> str:
        response = await scene.bob_client.post(
            url, json={"body": body, "parent_id": parent}, headers=scene.bob_headers
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    tops = [await comment(f"Comment {n}") for n in range(8)]
    replies: dict[str, list[str]] = {top: [] for top in tops}
    for n, parent in enumerate([tops[0], tops[3], tops[0], tops[4], tops[0], tops[3]]):
        replies[parent].append(await comment(f"Reply {n}", parent))
    # The first comment was written an hour earlier; so its replies' order still follows it.
    await db.execute(
        "UPDATE comments SET created_at = created_at - interval '1 hour' WHERE id = $1",
        uuid.UUID(tops[0]),
    )
    hour_of = {str(r["id"]): r["created_at"] for r in await db.fetch("SELECT * FROM comments")}
    assert all(t.minute == t.second == t.microsecond == 0 for t in hour_of.values())

    listed: list[dict] = []  # type: ignore[type-arg]
    cursor = None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await scene.bob_client.get(url, params=params, headers=scene.bob_headers)).json()
        listed += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    def by_hour_then_id(ids: list[str]) -> list[str]:
        return sorted(ids, key=lambda i: (hour_of[i], uuid.UUID(i)))

    expected = [c for top in by_hour_then_id(tops) for c in [top, *by_hour_then_id(replies[top])]]
    assert [c["id"] for c in listed] == expected
    assert expected[0] == tops[0]
    assert [c["id"] for c in listed if c["parent_id"] is None][1:] != tops[1:], (
        "not by time (this fails by chance once in 5,040 runs)"
    )
