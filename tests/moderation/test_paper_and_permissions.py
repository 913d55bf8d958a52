"""Paper submissions, and who may do what on the facilitators' side."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI

from tests.moderation.conftest import Desk
from tests.support.factories import make_person, new_client, set_window, sign_in


async def test_paper_ideas_and_comments_have_no_author(desk: Desk, db) -> None:
    a = desk.activity
    idea = await desk.staff.post(
        f"{a.base}/paper-submissions",
        json={
            "kind": "idea",
            "section_id": str(a.section_id),
            "title": "From the ward box",
            "body": "Handwritten",
            "note": "Form 17",
        },
        headers=desk.staff_headers,
    )
    assert idea.status_code == 201, idea.text
    assert idea.json()["source"] == "paper"
    comment = await desk.staff.post(
        f"{a.base}/paper-submissions",
        json={"kind": "comment", "idea_id": idea.json()["id"], "body": "Also on paper"},
        headers=desk.staff_headers,
    )
    assert comment.status_code == 201
    public = (
        await desk.bob.get(f"{a.base}/ideas/{idea.json()['id']}", headers=desk.bob_headers)
    ).json()
    assert (public["source"], public["is_mine"], public["comment_count"]) == ("paper", False, 1)
    assert (
        await db.fetchval(
            "SELECT count(*) FROM ideas WHERE source = 'paper' AND author_pseudonym IS NULL"
        )
        == 1
    )
    log = (
        await desk.staff.get(
            f"{a.base}/audit", params={"action": "paper_submission"}, headers=desk.staff_headers
        )
    ).json()
    assert [e["reason"] for e in log] == ["Form 17", "Entered from a paper form"]
    refused = await desk.staff.post(
        f"{a.base}/messages",
        json={
            "target_kind": "idea",
            "target_id": idea.json()["id"],
            "subject": "Hello",
            "body": "Who are you?",
        },
        headers=desk.staff_headers,
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "paper_has_no_author"


async def test_paper_forms_are_accepted_during_the_grace_period_only(
    app: FastAPI, desk: Desk
) -> None:
    a = desk.activity
    body = {"kind": "idea", "section_id": str(a.section_id), "title": "Late form", "body": "x"}
    now = datetime.now(UTC)
    await set_window(
        app, a.conversation_id, opens=now - timedelta(days=30), closes=now - timedelta(days=3)
    )
    late = await desk.staff.post(
        f"{a.base}/paper-submissions", json=body, headers=desk.staff_headers
    )
    assert late.status_code == 201, "within the 14-day grace"
    online = await desk.bob.post(
        f"{a.base}/ideas",
        json={k: v for k, v in body.items() if k != "kind"},
        headers=desk.bob_headers,
    )
    assert online.status_code == 409, "online posting is closed"
    await set_window(
        app, a.conversation_id, opens=now - timedelta(days=60), closes=now - timedelta(days=15)
    )
    too_late = await desk.staff.post(
        f"{a.base}/paper-submissions", json=body, headers=desk.staff_headers
    )
    assert too_late.status_code == 409
    assert too_late.json()["code"] == "paper_window_closed"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "idea", "title": "No section", "body": "x"}, "body"),
        ({"kind": "comment", "body": "No idea"}, "body"),
        (
            {
                "kind": "idea",
                "section_id": "00000000-0000-4000-8000-000000000000",
                "title": "Lost",
                "body": "x",
            },
            "body.section_id",
        ),
        (
            {"kind": "idea", "section_id": None, "title": "T", "body": "x", "author": "me"},
            "body.author",
        ),
    ],
)
async def test_bad_paper_submissions_are_refused(
    desk: Desk, body: dict[str, object], field: str, db
) -> None:
    response = await desk.staff.post(
        f"{desk.base}/paper-submissions", json=body, headers=desk.staff_headers
    )
    assert response.status_code == 422
    assert any(e["field"].startswith(field) for e in response.json()["errors"])
    assert await db.fetchval("SELECT count(*) FROM ideas WHERE source = 'paper'") == 0


FACILITATOR_OPERATIONS = [
    ("GET", "{base}/moderation/queue", None),
    ("GET", "{base}/moderation/idea/{idea}", None),
    ("POST", "{base}/moderation/idea/{idea}/hide", {"category": "other", "reason": "test"}),
    ("POST", "{base}/moderation/idea/{idea}/unhide", {"reason": "test"}),
    ("POST", "{base}/paper-submissions", {"kind": "comment", "idea_id": "{idea}", "body": "x"}),
    ("GET", "{base}/audit", None),
    (
        "POST",
        "{base}/messages",
        {"target_kind": "idea", "target_id": "{idea}", "subject": "Hi", "body": "x"},
    ),
    ("GET", "{base}/messages", None),
    ("POST", "/api/moderation/items/00000000-0000-4000-8000-000000000000/claim", None),
    ("POST", "{base}/moderation/idea/{idea}/amend", {"body": "x", "reason": "test"}),
    ("POST", "{base}/moderation/idea/{idea}/remove", {"reason": "test"}),
    ("POST", "{base}/moderation/idea/{idea}/move", {"section_id": "{idea}", "reason": "test"}),
    ("POST", "{base}/moderation/idea/{idea}/merge", {"source_ids": ["{idea}"], "reason": "test"}),
    ("POST", "{base}/safeguarding", {"target_kind": "idea", "target_id": "{idea}", "note": "test"}),
    ("GET", "{base}/safeguarding", None),
    ("GET", "/api/moderation/terms", None),
]


@pytest.mark.parametrize("role", ["participant", "sponsor", "admin"])
async def test_only_facilitators_moderate(app: FastAPI, desk: Desk, role: str, db) -> None:
    a = desk.activity
    person = a.bob if role == "participant" else await make_person(app, role=role)
    async with new_client(app) as client:
        headers = await sign_in(client, person)
        for method, template, body in FACILITATOR_OPERATIONS:
            url = template.format(base=a.base, idea=a.alice_idea)
            filled = json.dumps(body).replace("{idea}", a.alice_idea)
            payload = json.loads(filled)
            response = await client.request(method, url, json=payload, headers=headers)
            assert response.status_code == 403, f"{role} {method} {url}: {response.status_code}"
    assert await db.fetchval("SELECT count(*) FROM audit_entries") == 0


async def test_anonymous_callers_get_401(client: httpx.AsyncClient, desk: Desk) -> None:
    response = await client.get(f"{desk.base}/moderation/queue")
    assert response.status_code == 401
