"""Publishing: facilitators and admins see the live draft and publish versions; sponsors
read published versions only, unchanged by what happens afterwards; participants and
strangers read nothing."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import httpx
from fastapi import FastAPI

from tests.analysis.conftest import Staff, staff
from tests.analysis.reports.conftest import Planter
from tests.support.factories import (
    make_conversation,
    make_person,
    make_section,
    new_client,
    sign_in,
)


async def _conversation_with_an_idea(
    app: FastAPI, db: asyncpg.Connection
) -> tuple[uuid.UUID, Planter, uuid.UUID]:
    cid = await make_conversation(app)
    sid = await make_section(app, cid, "Staffing")
    plant = Planter(app, db, cid)
    await plant.idea(sid, await make_person(app, conversation_id=cid), title="First", likes=3)
    return cid, plant, sid


async def test_sponsors_read_only_what_was_published_and_it_stays_put(
    app: FastAPI, db: asyncpg.Connection, facilitator: Staff
) -> None:
    cid, plant, sid = await _conversation_with_an_idea(app, db)
    sponsor = await staff(app, "sponsor")
    base = f"/api/conversations/{cid}/report"

    refused = await sponsor.client.get(base, headers=sponsor.headers)
    assert refused.status_code == 403
    assert refused.json()["code"] == "report_draft_not_for_sponsors"
    assert "has been published yet" in refused.json()["detail"]
    missing = await sponsor.client.get(f"{base}/published", headers=sponsor.headers)
    assert (missing.status_code, missing.json()["code"]) == (404, "report_not_published")
    assert (await sponsor.client.get(f"{base}/versions", headers=sponsor.headers)).json() == []

    published = await facilitator.client.post(f"{base}/versions", headers=facilitator.headers)
    assert published.status_code == 201, published.text
    first = published.json()
    assert (first["status"], first["version"], first["overall"]["posts"]) == ("published", 1, 1)

    # Later content moves the draft, never version 1.
    await plant.idea(sid, await make_person(app, conversation_id=cid), title="Second", likes=1)
    read = await sponsor.client.get(f"{base}/published", headers=sponsor.headers)
    assert read.status_code == 200
    assert read.json() == first
    assert (await sponsor.client.get(f"{base}/versions/1", headers=sponsor.headers)).json() == first
    draft = (await facilitator.client.get(base, headers=facilitator.headers)).json()
    assert (draft["status"], draft["overall"]["posts"]) == ("draft", 2)

    second = await facilitator.client.post(f"{base}/versions", headers=facilitator.headers)
    assert second.json()["version"] == 2
    assert (await sponsor.client.get(f"{base}/published", headers=sponsor.headers)).json()[
        "overall"
    ]["posts"] == 2
    assert (await sponsor.client.get(f"{base}/versions/1", headers=sponsor.headers)).json() == first
    refused = await sponsor.client.get(base, headers=sponsor.headers)
    assert "The latest is version 2." in refused.json()["detail"]

    listed = (await sponsor.client.get(f"{base}/versions", headers=sponsor.headers)).json()
    assert [(v["version"], v["published_by"]) for v in listed] == [(2, None), (1, None)]
    staff_list = (
        await facilitator.client.get(f"{base}/versions", headers=facilitator.headers)
    ).json()
    assert all(v["published_by"] for v in staff_list)

    gone = await sponsor.client.get(f"{base}/versions/3", headers=sponsor.headers)
    assert (gone.status_code, gone.json()["code"]) == (404, "report_version_not_found")
    assert "latest is version 2" in gone.json()["detail"]
    bad = await sponsor.client.get(f"{base}/versions/0", headers=sponsor.headers)
    assert bad.status_code == 422
    await sponsor.client.aclose()


async def test_admins_publish_too_and_versions_are_numbered_per_conversation(
    app: FastAPI, db: asyncpg.Connection, admin: Staff, facilitator: Staff
) -> None:
    one, _, _ = await _conversation_with_an_idea(app, db)
    two, _, _ = await _conversation_with_an_idea(app, db)
    numbers = [
        (
            await who.client.post(f"/api/conversations/{cid}/report/versions", headers=who.headers)
        ).json()["version"]
        for who, cid in ((admin, one), (facilitator, one), (facilitator, two))
    ]
    assert numbers == [1, 2, 1]


async def test_who_may_do_what(app: FastAPI, db: asyncpg.Connection, facilitator: Staff) -> None:
    cid, _, _ = await _conversation_with_an_idea(app, db)
    base = f"/api/conversations/{cid}/report"
    assert (
        await facilitator.client.post(f"{base}/versions", headers=facilitator.headers)
    ).status_code == 201
    participant = await make_person(app, conversation_id=cid)
    sponsor = await staff(app, "sponsor")
    async with new_client(app) as browser:
        headers = await sign_in(browser, participant)
        for path in ("", "/published", "/versions", "/versions/1", "/export.csv", "/export.json"):
            answer = await browser.get(base + path, headers=headers)
            assert answer.status_code == 403, path
        assert (await browser.post(f"{base}/versions", headers=headers)).status_code == 403
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://testserver"
    ) as stranger:
        for path in ("", "/published", "/versions", "/versions/1", "/export.csv"):
            assert (await stranger.get(base + path)).status_code == 401, path
    publish = await sponsor.client.post(f"{base}/versions", headers=sponsor.headers)
    assert publish.status_code == 403
    unknown = f"/api/conversations/{uuid.uuid4()}/report"
    assert (await facilitator.client.get(unknown, headers=facilitator.headers)).status_code == 404
    assert (
        await sponsor.client.get(unknown + "/published", headers=sponsor.headers)
    ).status_code == 404
    assert (
        await facilitator.client.post(unknown + "/versions", headers=facilitator.headers)
    ).status_code == 404
    assert await db.fetchval("SELECT count(*) FROM report_versions") == 1
    await sponsor.client.aclose()


async def test_publishing_at_the_same_time_numbers_without_a_gap(
    app: FastAPI, db: asyncpg.Connection, facilitator: Staff, admin: Staff
) -> None:
    cid, _, _ = await _conversation_with_an_idea(app, db)
    url = f"/api/conversations/{cid}/report/versions"
    answers = await asyncio.gather(
        *(who.client.post(url, headers=who.headers) for who in (facilitator, admin) * 3)
    )
    assert [a.status_code for a in answers] == [201] * 6
    assert sorted(a.json()["version"] for a in answers) == [1, 2, 3, 4, 5, 6]


async def test_a_version_that_is_not_a_number_is_refused(
    app: FastAPI, db: asyncpg.Connection, facilitator: Staff
) -> None:
    cid, _, _ = await _conversation_with_an_idea(app, db)
    base = f"/api/conversations/{cid}/report"
    for path, query in (
        ("/versions/one", {}),
        ("/export.csv", {"version": "x"}),
        ("/export.json", {"version": "0"}),
        (f"/versions/{2**33}", {}),
        ("/export.csv", {"version": str(2**31)}),
    ):
        answer = await facilitator.client.get(
            base + path, params=query, headers=facilitator.headers
        )
        assert answer.status_code == 422, path
        assert answer.headers["content-type"].startswith("application/problem+json")
    bad_id = await facilitator.client.get(
        "/api/conversations/not-a-uuid/report", headers=facilitator.headers
    )
    assert bad_id.status_code == 422


async def test_a_version_never_brings_back_words_since_hidden_or_amended(
    app: FastAPI, db: asyncpg.Connection, facilitator: Staff
) -> None:
    """Figures stay as published; the words of a post hidden since are replaced, and an
    amended post is quoted as amended, in the version and in its downloads."""
    cid = await make_conversation(app)
    sid = await make_section(app, cid)
    plant = Planter(app, db, cid)
    author = await make_person(app, conversation_id=cid)
    named = await plant.idea(
        sid, author, title="Dr Gregory Kettering is rude", body="He shouts.", likes=4
    )
    amended = await plant.idea(
        sid, author, title="Ward 7 rota", body="Ask Nurse Ogbu-Lane why", likes=2
    )
    await plant.comment(named, author, body="Kettering again", likes=3)
    base = f"/api/conversations/{cid}/report"
    published = (
        await facilitator.client.post(f"{base}/versions", headers=facilitator.headers)
    ).json()
    assert "Kettering" in str(published) and "Ogbu-Lane" in str(published)

    await db.execute("UPDATE ideas SET moderation = 'hidden' WHERE id = $1", named)
    await db.execute("UPDATE comments SET moderation = 'removed' WHERE idea_id = $1", named)
    await db.execute(
        "UPDATE ideas SET body = 'Ask the ward manager why', amended = true WHERE id = $1", amended
    )
    for path in ("/versions/1", "/published", "/export.csv", "/export.json"):
        answer = await facilitator.client.get(base + path, headers=facilitator.headers)
        assert answer.status_code == 200
        assert "Kettering" not in answer.text and "Ogbu-Lane" not in answer.text, path
    version = (
        await facilitator.client.get(f"{base}/versions/1", headers=facilitator.headers)
    ).json()
    assert version["overall"]["likes"] == published["overall"]["likes"] == 9
    assert version["overall"]["top_ideas"][0]["title"] == "[no longer shown]"
    assert "Ask the ward manager why" in [q["text"] for q in version["overall"]["quotes"]]
    assert "[no longer shown]" in [q["text"] for q in version["overall"]["quotes"]]
