"""Safeguarding cases: open from a post, notes, a support message through the relay that
lists the support services, close; history kept; erasure keeps the notes, cuts the link."""

from __future__ import annotations

from fastapi import FastAPI

from tests.identity.test_invitation_journey import deliver_all
from tests.moderation.conftest import Desk
from tests.support.factories import make_person, new_client, sign_in
from tests.support.smtp import SmtpServer

SUPPORT = '<p>Help is there:</p><ul><li><a href="tel:116123">Samaritans 116 123</a></li></ul>'


async def _open(desk: Desk) -> dict:  # type: ignore[type-arg]
    response = await desk.staff.post(
        f"{desk.base}/safeguarding",
        json={
            "target_kind": "idea",
            "target_id": desk.activity.alice_idea,
            "note": "Sounds at risk",
        },
        headers=desk.staff_headers,
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_a_case_from_opening_to_closing(
    app: FastAPI, desk: Desk, smtp_server: SmtpServer, client
) -> None:  # type: ignore[no-untyped-def]
    admin = await sign_in(client, await make_person(app, role="admin"))
    await client.put(
        f"{desk.base}/pages/support", json={"title": "Support", "body_html": SUPPORT}, headers=admin
    )
    case = await _open(desk)
    assert case["author_reachable"] is True and case["target"]["title"] == "More night porters"
    again = await desk.staff.post(
        f"{desk.base}/safeguarding",
        json={"target_kind": "idea", "target_id": desk.activity.alice_idea, "note": "Twice"},
        headers=desk.staff_headers,
    )
    assert again.status_code == 409
    url = f"/api/safeguarding/{case['id']}"
    await desk.staff.post(
        f"{url}/notes", json={"body": "Spoke to the lead facilitator"}, headers=desk.staff_headers
    )
    sent = await desk.staff.post(
        f"{url}/support-message",
        json={"body": "We read your post and we are worried about you."},
        headers=desk.staff_headers,
    )
    assert sent.status_code == 200, sent.text
    await deliver_all(app)
    [email] = smtp_server.to(desk.activity.alice.email)
    text = email.get_payload(decode=True).decode()
    assert "worried about you" in text and "Samaritans 116 123 (tel:116123)" in text
    closed = await desk.staff.post(
        f"{url}/close", json={"reason": "Author replied, safe"}, headers=desk.staff_headers
    )
    assert [e["kind"] for e in closed.json()["history"]] == [
        "opened",
        "note",
        "support_message",
        "closed",
    ]
    assert closed.json()["state"] == "closed"
    twice = await desk.staff.post(
        f"{url}/close", json={"reason": "again"}, headers=desk.staff_headers
    )
    assert twice.status_code == 409
    assert desk.activity.alice.email not in str(closed.json())


async def test_cases_are_for_facilitators_only(app: FastAPI, desk: Desk) -> None:
    case = await _open(desk)
    for role in ("participant", "sponsor", "admin"):
        person = desk.activity.bob if role == "participant" else await make_person(app, role=role)
        async with new_client(app) as other:
            headers = await sign_in(other, person)
            assert (
                await other.get(f"/api/safeguarding/{case['id']}", headers=headers)
            ).status_code == 403
            assert (
                await other.get(f"{desk.base}/safeguarding", headers=headers)
            ).status_code == 403


async def test_erasure_keeps_the_notes_but_cuts_the_link(app: FastAPI, desk: Desk) -> None:
    case = await _open(desk)
    async with new_client(app) as alice:
        erased = await alice.post(
            "/api/me/erase",
            json={"posts": "keep", "confirm": True},
            headers=await sign_in(alice, desk.activity.alice),
        )
        assert erased.status_code == 200
    after = (
        await desk.staff.get(f"/api/safeguarding/{case['id']}", headers=desk.staff_headers)
    ).json()
    assert after["author_reachable"] is False
    assert [e["kind"] for e in after["history"]] == ["opened", "author_erased"]
    refused = await desk.staff.post(
        f"/api/safeguarding/{case['id']}/support-message",
        json={"body": "Are you ok?"},
        headers=desk.staff_headers,
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "author_unreachable"
