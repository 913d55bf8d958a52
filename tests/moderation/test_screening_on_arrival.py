"""Every new or edited post is screened; hits join the queue with why, and a pre-moderated
conversation holds them until a facilitator approves."""

from __future__ import annotations

from fastapi import FastAPI

from tests.moderation.conftest import Desk
from tests.support.factories import make_person


async def _post(desk: Desk, title: str, body: str) -> dict:  # type: ignore[type-arg]
    response = await desk.bob.post(
        f"{desk.base}/ideas",
        json={"section_id": str(desk.activity.section_id), "title": title, "body": body},
        headers=desk.bob_headers,
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def _queue(desk: Desk) -> list[dict]:  # type: ignore[type-arg]
    return (
        await desk.staff.get(f"{desk.base}/moderation/queue", headers=desk.staff_headers)
    ).json()  # type: ignore[no-any-return]


async def test_flagged_posts_join_the_queue_with_why(desk: Desk) -> None:
    ordinary = await _post(desk, "Hot food at night", "The canteen should open for night staff.")
    worrying = await _post(
        desk, "Tired", "Some days I think everyone would be better off without me."
    )
    rude = await _post(desk, "Estates", "Estates are a bunch of useless idiots.")
    queue = await _queue(desk)
    assert [i["target"]["id"] for i in queue] == [worrying["id"], rude["id"]]
    assert queue[0]["priority"] == 0 and queue[0]["reasons"][0]["source"] == "screening"
    assert queue[1]["reasons"][0]["category"] == "abusive"
    assert ordinary["moderation"] == "visible" and worrying["moderation"] == "visible", (
        "post-moderation"
    )


async def test_a_name_on_the_staff_list_is_caught_without_showing_the_list(
    app: FastAPI, desk: Desk
) -> None:
    await make_person(app, role="participant", name="Quentin Zebedee")
    idea = await _post(
        desk, "Rota", "quentin zebedee keeps changing the rota without asking anyone."
    )
    [item] = await _queue(desk)
    assert item["target"]["id"] == idea["id"]
    assert item["reasons"] == [
        {
            "source": "screening",
            "category": "personal",
            "detail": "matches a name on the staff list",
        }
    ]


async def test_pre_moderation_holds_flagged_posts_until_approved(
    app: FastAPI, desk: Desk, client
) -> None:  # type: ignore[no-untyped-def]
    from tests.support.factories import sign_in

    admin = await sign_in(client, await make_person(app, role="admin"))
    await client.patch(f"{desk.base}", json={"moderation_mode": "pre"}, headers=admin)
    held = await _post(desk, "Dr Evans", "Dr Evans shouted at a student in front of patients.")
    fine = await _post(desk, "Bike racks", "More covered bike racks by the main entrance please.")
    assert held["moderation"] == "held" and held["title"] == "Dr Evans", "the author still sees it"
    assert held["moderation_note"] == "Waiting for the facilitators to approve it"
    assert fine["moderation"] == "visible"
    listed = (await desk.staff.get(f"{desk.base}/ideas", headers=desk.staff_headers)).json()[
        "items"
    ]
    assert held["id"] not in [i["id"] for i in listed]
    as_other = (
        await desk.staff.get(f"{desk.base}/ideas/{held['id']}", headers=desk.staff_headers)
    ).json()
    assert as_other["title"] is None
    approved = await desk.staff.post(
        f"{desk.base}/moderation/idea/{held['id']}/unhide",
        json={"reason": "A fair concern"},
        headers=desk.staff_headers,
    )
    assert approved.status_code == 200
    log = (await desk.staff.get(f"{desk.base}/audit", headers=desk.staff_headers)).json()
    assert [e["action"] for e in log] == ["approve"]
    listed = (await desk.staff.get(f"{desk.base}/ideas", headers=desk.staff_headers)).json()[
        "items"
    ]
    assert held["id"] in [i["id"] for i in listed]


async def test_an_edit_is_screened_again(desk: Desk) -> None:
    idea = await _post(desk, "Parking", "The car park is full by 8.")
    assert await _queue(desk) == []
    edited = await desk.bob.patch(
        f"{desk.base}/ideas/{idea['id']}",
        json={"body": "The car park is full, the managers are morons."},
        headers=desk.bob_headers,
    )
    assert edited.status_code == 200
    assert [i["target"]["id"] for i in await _queue(desk)] == [idea["id"]]


async def test_facilitators_edit_the_abusive_language_list(desk: Desk) -> None:
    terms = (await desk.staff.get("/api/moderation/terms", headers=desk.staff_headers)).json()
    assert "idiot" in terms
    added = await desk.staff.post(
        "/api/moderation/terms", json={"term": "Numpty"}, headers=desk.staff_headers
    )
    assert added.status_code == 201 and "numpty" in added.json()
    try:
        idea = await _post(desk, "Rota", "Whoever wrote this rota is a numpty.")
        assert [i["target"]["id"] for i in await _queue(desk)] == [idea["id"]]
        bad = await desk.staff.post(
            "/api/moderation/terms", json={"term": "<script>"}, headers=desk.staff_headers
        )
        assert bad.status_code == 422
    finally:
        removed = await desk.staff.delete(
            "/api/moderation/terms/numpty", headers=desk.staff_headers
        )
        assert removed.status_code == 200 and "numpty" not in removed.json()
    gone = await desk.staff.delete("/api/moderation/terms/numpty", headers=desk.staff_headers)
    assert gone.status_code == 404
    refused = await desk.bob.get("/api/moderation/terms", headers=desk.bob_headers)
    assert refused.status_code == 403
