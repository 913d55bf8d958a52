"""Reports feed a queue ordered by priority; one facilitator claims an item at a time."""

from __future__ import annotations

import asyncio

from tests.moderation.conftest import Desk


async def _report(desk: Desk, kind: str, target: str, category: str, note: str = "") -> None:
    body = {"target_kind": kind, "target_id": target, "category": category, "note": note}
    response = await desk.bob.post(f"{desk.base}/reports", json=body, headers=desk.bob_headers)
    assert response.status_code == 202, response.text


async def _queue(desk: Desk, **params: object) -> list[dict]:  # type: ignore[type-arg]
    response = await desk.staff.get(
        f"{desk.base}/moderation/queue", params=params, headers=desk.staff_headers
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_the_queue_puts_safeguarding_first_then_abuse_then_personal(desk: Desk, db) -> None:
    a = desk.activity
    await _report(desk, "idea", a.alice_idea, "other")
    await _report(desk, "comment", a.bob_comment, "personal")
    await _report(desk, "idea", a.bob_idea, "abusive")
    await _report(desk, "idea", a.alice_idea, "safeguarding", "They sound at risk")
    queue = await _queue(desk)
    assert [(i["target"]["id"], i["priority"]) for i in queue] == [
        (a.alice_idea, 0),
        (a.bob_idea, 1),
        (a.bob_comment, 2),
    ]
    first = queue[0]
    assert [r["category"] for r in first["reasons"]] == ["other", "safeguarding"], (
        "one item, both reasons"
    )
    assert first["target"]["title"] == "More night porters"
    assert [i["target"]["id"] for i in await _queue(desk, category="abusive")] == [a.bob_idea]
    stored = await db.fetch("SELECT reasons::text AS r FROM moderation_items")
    assert all(a.bob.email not in row["r"] for row in stored), "who reported is not kept"


async def test_two_facilitators_cannot_claim_one_item(desk: Desk) -> None:
    await _report(desk, "idea", desk.activity.alice_idea, "personal")
    [item] = await _queue(desk)
    url = f"/api/moderation/items/{item['id']}"
    first, second = await asyncio.gather(
        desk.staff.post(f"{url}/claim", headers=desk.staff_headers),
        desk.other_staff.post(f"{url}/claim", headers=desk.other_staff_headers),
    )
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    winner, loser = (
        (desk.staff, desk.other_staff)
        if first.status_code == 200
        else (desk.other_staff, desk.staff)
    )
    winner_headers = desk.staff_headers if winner is desk.staff else desk.other_staff_headers
    loser_headers = desk.other_staff_headers if winner is desk.staff else desk.staff_headers
    refused = await loser.post(
        f"{url}/resolve", json={"decision": "Nothing wrong"}, headers=loser_headers
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "already_claimed"
    again = await winner.post(f"{url}/claim", headers=winner_headers)
    assert again.status_code == 200, "claiming your own claim again is fine"
    done = await winner.post(
        f"{url}/resolve", json={"decision": "Nothing wrong"}, headers=winner_headers
    )
    assert done.json()["state"] == "resolved"
    twice = await winner.post(f"{url}/resolve", json={"decision": "Again"}, headers=winner_headers)
    assert twice.status_code == 409
    assert twice.json()["code"] == "item_resolved"
    assert await _queue(desk) == []
    assert [i["state"] for i in await _queue(desk, state="resolved")] == ["resolved"]


async def test_a_new_report_after_a_decision_opens_a_new_item(desk: Desk) -> None:
    await _report(desk, "idea", desk.activity.alice_idea, "personal")
    [item] = await _queue(desk)
    await desk.staff.post(
        f"/api/moderation/items/{item['id']}/resolve",
        json={"decision": "Fine"},
        headers=desk.staff_headers,
    )
    await _report(desk, "idea", desk.activity.alice_idea, "abusive")
    [fresh] = await _queue(desk)
    assert fresh["id"] != item["id"]


async def test_bad_reports_are_refused(desk: Desk) -> None:
    base = f"{desk.base}/reports"
    for body, status in (
        ({"target_kind": "idea", "target_id": desk.activity.alice_idea, "category": "rude"}, 422),
        ({"target_kind": "poll", "target_id": desk.activity.alice_idea, "category": "other"}, 422),
        (
            {
                "target_kind": "idea",
                "target_id": "00000000-0000-4000-8000-000000000000",
                "category": "other",
            },
            404,
        ),
        (
            {"target_kind": "comment", "target_id": desk.activity.alice_idea, "category": "other"},
            404,
        ),
    ):
        response = await desk.bob.post(base, json=body, headers=desk.bob_headers)
        assert response.status_code == status, body
