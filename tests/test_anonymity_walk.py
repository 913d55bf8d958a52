"""The anonymity walk: sign in as every role, call every GET operation in the OpenAPI
document, and fail if any answer holds another person's address, name or account id, or
anyone's pseudonym in any encoding.

A new GET operation is walked automatically; one whose path parameter the walk cannot
fill fails the test, so it cannot slip past.
"""

from __future__ import annotations

import base64
import io
import zipfile
from datetime import UTC

import asyncpg
import httpx
from fastapi import FastAPI

from candour.identity.pseudonyms import pseudonym_for
from tests.support.factories import (
    Person,
    make_conversation,
    make_person,
    make_section,
    new_client,
    sign_in,
)

QUERY_VALUES = {"q": "night", "sort": "most_divided"}


def _encodings(raw: bytes) -> list[str]:
    return [
        raw.hex(),
        base64.b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
        base64.b64encode(raw).decode().rstrip("="),
    ]


def _person_needles(person: Person) -> list[str]:
    return [person.email, person.display_name or "", str(person.id), person.id.hex]


async def _seed(app: FastAPI) -> tuple[dict[str, str], list[Person], list[bytes]]:
    cid = await make_conversation(app)
    sid = await make_section(app, cid)
    authors = [
        await make_person(
            app, conversation_id=cid, name=f"Nurse Ratched{n}", email=f"writer{n}@trust.example"
        )
        for n in range(3)
    ]
    ids: dict[str, str] = {"conversation_id": str(cid), "section_id": str(sid), "kind": "support"}
    for n, author in enumerate(authors):
        async with new_client(app) as browser:
            headers = await sign_in(browser, author)
            base = f"/api/conversations/{cid}"
            idea = await browser.post(
                f"{base}/ideas",
                json={
                    "section_id": str(sid),
                    "title": f"Night shift idea {n}",
                    "body": "More staff at night",
                },
                headers=headers,
            )
            ids["idea_id"] = idea.json()["id"]
            comment = await browser.post(
                f"{base}/ideas/{ids['idea_id']}/comments",
                json={"body": "night too"},
                headers=headers,
            )
            ids["comment_id"] = comment.json()["id"]
            await browser.put(
                f"{base}/ideas/{ids['idea_id']}/vote", json={"vote": "like"}, headers=headers
            )
            edited = await browser.patch(
                f"{base}/ideas/{ids['idea_id']}", json={"body": "More at night"}, headers=headers
            )
            assert edited.status_code == 200, edited.text
    await _moderate(app, cid, ids, authors[0])
    pseudonyms = [pseudonym_for(app.state.settings, cid, a.id) for a in authors]
    return ids, authors, pseudonyms


async def _moderate(app: FastAPI, cid: object, ids: dict[str, str], author: Person) -> None:
    """A report, a hidden comment and a relay thread with a reply: the facilitators' views
    have something to show, and so something they could leak."""
    base = f"/api/conversations/{cid}"
    async with new_client(app) as staff, new_client(app) as writer:
        staff_headers = await sign_in(staff, await make_person(app, role="facilitator"))
        writer_headers = await sign_in(writer, author)
        report = {"target_kind": "idea", "target_id": ids["idea_id"], "category": "personal"}
        assert (
            await writer.post(f"{base}/reports", json=report, headers=writer_headers)
        ).status_code == 202
        hide = {"category": "abusive", "reason": "Swearing at a colleague"}
        hidden = await staff.post(
            f"{base}/moderation/comment/{ids['comment_id']}/hide", json=hide, headers=staff_headers
        )
        assert hidden.status_code == 200
        own = (await writer.get("/api/me/contributions", headers=writer_headers)).json()["ideas"][
            0
        ]["id"]
        message = {
            "target_kind": "idea",
            "target_id": own,
            "subject": "About your idea",
            "body": "Can you say more?",
        }
        thread = await staff.post(f"{base}/messages", json=message, headers=staff_headers)
        assert thread.status_code == 201, thread.text
        ids["thread_id"] = thread.json()["id"]
        replied = await writer.post(
            f"/api/me/messages/{ids['thread_id']}/replies",
            json={"body": "Yes: nights."},
            headers=writer_headers,
        )
        assert replied.status_code == 201
        case = await staff.post(
            f"{base}/safeguarding",
            json={"target_kind": "idea", "target_id": own, "note": "Worried"},
            headers=staff_headers,
        )
        assert case.status_code == 201, case.text
        ids["case_id"] = case.json()["id"]
        # A code applied to an excerpt of the idea, so the coding views hold something.
        code = await staff.post(
            f"{base}/coding/codes", json={"name": "Night staffing"}, headers=staff_headers
        )
        assert code.status_code == 201, code.text
        coded = await staff.post(
            f"{base}/coding/codings",
            json={
                "code_id": code.json()["id"],
                "post_kind": "idea",
                "post_id": ids["idea_id"],
                "start": 5,
                "end": 10,
            },
            headers=staff_headers,
        )
        assert coded.status_code == 201, coded.text
        # A published summary report, so the sponsor's paths read a real version.
        published = await staff.post(f"{base}/report/versions", headers=staff_headers)
        assert published.status_code == 201, published.text
        ids["version"] = str(published.json()["version"])
    ids["target_kind"] = "idea"
    ids["target_id"] = ids["idea_id"]


def _text_of(response: httpx.Response) -> str:
    """What an answer says: its text, or for a zip (the Pol.is export) every file in it."""
    if response.headers.get("content-type", "").startswith("application/zip"):
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    return response.text


# The moments a participant acted that the database keeps exact (an edit, a relay reply, a
# message read); what it keeps floored to the hour (a post, a report) is no needle.
_ACT_TIMES = """
    SELECT t FROM (
        SELECT created_at AS t FROM ideas UNION ALL SELECT edited_at FROM ideas
        UNION ALL SELECT created_at FROM comments UNION ALL SELECT edited_at FROM comments
        UNION ALL SELECT created_at FROM moderation_items
        UNION ALL SELECT created_at FROM messages WHERE direction = 'from_author'
        UNION ALL SELECT read_at FROM messages
    ) AS acts
    WHERE t IS NOT NULL AND t <> date_trunc('hour', t)
"""


async def _time_needles(db: asyncpg.Connection) -> list[str]:
    """Each exact time as an answer could carry it: ISO 8601 (JSON), with a space (CSV),
    Unix seconds and milliseconds (the Pol.is export)."""
    needles = []
    for (moment,) in await db.fetch(_ACT_TIMES):
        utc = moment.astimezone(UTC).replace(tzinfo=None)
        iso = utc.isoformat(timespec="microseconds")
        needles += [iso, iso.replace("T", " "), str(int(moment.timestamp() * 1000))]
    return needles


def _fill(path: str, ids: dict[str, str]) -> str:
    for name, value in ids.items():
        path = path.replace("{" + name + "}", value)
    assert "{" not in path, f"the anonymity walk cannot fill {path}: add its parameter to _seed"
    return path


async def test_no_get_operation_reveals_who_wrote_or_voted(
    app: FastAPI, db: asyncpg.Connection
) -> None:
    """Nor when a participant acted: a time could be matched against sign-in records."""
    ids, authors, pseudonyms = await _seed(app)
    times = await _time_needles(db)
    assert len(times) >= 4 * 3, "three edits and a relay reply (three forms of each), at least"
    document = app.openapi()
    get_operations = [
        (path, op)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method == "get"
    ]
    callers = [authors[0]] + [
        await make_person(app, role=role) for role in ("facilitator", "sponsor", "admin")
    ]
    # Server-sent event streams end after this long, so the walk can read them whole.
    app.state.live_feed.stream_seconds = 0.05
    walked = 0
    for caller in callers:
        others = [a for a in authors if a.id != caller.id]
        needles = (
            [n for a in others for n in _person_needles(a)]
            + [e for p in pseudonyms for e in _encodings(p)]
            + times
        )
        async with new_client(app) as browser:
            headers = await sign_in(browser, caller)
            for path, operation in get_operations:
                query = {
                    p["name"]: QUERY_VALUES[p["name"]]
                    for p in operation.get("parameters", [])
                    if p["in"] == "query" and p["name"] in QUERY_VALUES
                }
                response = await browser.get(_fill(path, ids), params=query, headers=headers)
                assert response.status_code < 500, f"{path}: {response.status_code}"
                text = _text_of(response)
                for needle in needles:
                    assert needle not in text, (
                        f"{operation['operationId']} as {caller.role} shows {needle!r}"
                    )
                walked += 1
    assert walked == len(callers) * len(get_operations)
    assert {
        "list_ideas",
        "get_idea",
        "list_comments",
        "search_contributions",
        "list_my_contributions",
        "get_opinion_groups",
        "export_polis",
        "get_report",
        "get_published_report",
        "get_report_version",
        "list_report_versions",
        "export_report_csv",
        "export_report_json",
        "get_participation",
        "follow_conversation",
    } <= {op["operationId"] for _, op in get_operations}


async def test_the_walk_would_catch_a_leak(app: FastAPI) -> None:
    """Control: the needles are really there to be found when personal data is shown."""
    _, authors, pseudonyms = await _seed(app)
    async with new_client(app) as browser:
        me = await browser.get("/api/me", headers=await sign_in(browser, authors[1]))
    assert authors[1].email in me.text
    assert pseudonyms[0].hex() not in me.text


async def test_the_walk_reads_inside_the_pol_is_export(app: FastAPI) -> None:
    """Control: the export is a zip, and the walk reads the files in it, not its bytes."""
    ids, _, _ = await _seed(app)
    async with new_client(app) as browser:
        headers = await sign_in(browser, await make_person(app, role="facilitator"))
        export = await browser.get(
            f"/api/conversations/{ids['conversation_id']}/polis-export", headers=headers
        )
    assert export.status_code == 200
    assert "Night shift idea" not in export.text  # compressed: unreadable as it comes
    assert "More at night" in _text_of(export)
