"""Every email Candour sends, read whole: it goes only to the person it concerns, names no
one else, and none reaches the staff about a participant — the facilitators learn nothing
by mail that the API would not tell them."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from tests.identity.test_invitation_journey import deliver_all
from tests.moderation.conftest import Desk, desk  # noqa: F401  (the facilitators' desk)
from tests.support.factories import make_person, sign_in
from tests.support.smtp import SmtpServer


def _needles(*people: object) -> list[str]:
    found = []
    for person in people:
        found += [person.email, person.display_name or "", str(person.id), person.id.hex]  # type: ignore[attr-defined]
    return [n for n in found if n]


async def test_every_email_goes_to_its_own_subject_and_names_nobody_else(
    app: FastAPI,
    desk: Desk,  # noqa: F811
    client: httpx.AsyncClient,
    smtp_server: SmtpServer,
) -> None:
    a = desk.activity
    admin = await make_person(app, role="admin", name="Ada Admin")
    admin_headers = await sign_in(client, admin)
    # Invitations for newly imported staff, with attributes.
    imported = await client.post(
        "/api/admin/participants/import",
        json={
            "csv": "email,name,site\nnew.nurse@trust.example,Nia Newcomer,North Ward\n",
            "conversation_id": str(a.conversation_id),
        },
        headers=admin_headers,
    )
    assert imported.status_code == 201, imported.text
    # A sign-in link someone asks for.
    asked = await client.post("/api/auth/sign-in-link", json={"email": a.bob.email})
    assert asked.status_code == 202
    # The relay: a facilitator messages Alice about her idea, and she replies.
    thread = await desk.staff.post(
        f"{a.base}/messages",
        json={
            "target_kind": "idea",
            "target_id": a.alice_idea,
            "subject": "Your idea",
            "body": "Could you tell us more?",
        },
        headers=desk.staff_headers,
    )
    assert thread.status_code == 201, thread.text
    reply = await client.post(
        f"/api/me/messages/{thread.json()['id']}/replies",
        json={"body": "Happy to, it is about nights."},
        headers=await sign_in(client, a.alice),
    )
    assert reply.status_code == 201, reply.text
    # A safeguarding support message to Bob, the author of a comment.
    case = await desk.staff.post(
        f"{a.base}/safeguarding",
        json={"target_kind": "idea", "target_id": a.bob_idea, "note": "Worried"},
        headers=desk.staff_headers,
    )
    assert case.status_code == 201, case.text
    support = await desk.staff.post(
        f"/api/safeguarding/{case.json()['id']}/support-message",
        json={"body": "We read your post and we are thinking of you."},
        headers=desk.staff_headers,
    )
    assert support.status_code == 200, support.text
    await deliver_all(app)

    newcomer_email = "new.nurse@trust.example"
    recipients = sorted(m["To"] for m in smtp_server.messages)
    assert recipients == sorted([newcomer_email, a.bob.email, a.alice.email, a.bob.email])
    participants = {a.alice.email: a.alice, a.bob.email: a.bob}
    staff_addresses = {admin.email}
    for message in smtp_server.messages:
        to = message["To"]
        assert to not in staff_addresses, "no email about a participant goes to staff"
        text = message.as_string() + message.get_payload(decode=True).decode()
        others = [p for address, p in participants.items() if address != to]
        for needle in _needles(*others):
            assert needle not in text, f"an email to {to} names someone else: {needle!r}"
        for staff_name in ("Fran Facilitator", "Ada Admin"):
            assert staff_name not in text or to in participants, staff_name
        assert "Nia Newcomer" not in text or to == newcomer_email
        assert "North Ward" not in text, "attributes are used in aggregate only"
    alices = [m for m in smtp_server.messages if m["To"] == a.alice.email]
    assert (
        len(alices) == 1
        and "Could you tell us more?" in alices[0].get_payload(decode=True).decode()
    )
    assert all("it is about nights" not in m.as_string() for m in smtp_server.messages), (
        "a participant's reply reaches the facilitators in the console, never by email"
    )
