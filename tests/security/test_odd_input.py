"""Injection and odd input in every text field of the main write endpoints (and the search
query): SQL metacharacters, very long strings, NUL bytes, lone surrogates, right-to-left
overrides, zero-width and combining characters.

Each answer is either a 4xx problem that names what was wrong, or a success whose stored
text comes back exactly as sent — never a 5xx. The JSON is written by hand where Python's
encoder could not carry the value (a lone surrogate is only expressible as a ``\\ud800``
escape), so the app sees what a hostile client would send.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import httpx
import pytest

from tests.security.conftest import Shared
from tests.security.world import World

PAYLOADS = {
    "sql quote": "Robert'); DROP TABLE ideas; --",
    "sql or": "x' OR '1'='1",
    "sql comment and wildcard": 'a"; -- %_\\ /* */',
    "tsquery syntax": "night & !porters | (a:* <-> b)",
    "nul byte": "night\x00porters",
    "lone surrogate": "\ud800night",
    "rtl override": "night \u202eevil.exe\u202c porters",
    "zero width": "ni\u200bght\u200d por\ufeffters",
    "combining marks": "nig\u0301\u0301\u0301\u0301ht porte\u0308rs",
    "emoji and astral": "night 👩🏽‍⚕️ 𝔭𝔬𝔯𝔱𝔢𝔯𝔰",
    "html": "<b>night</b> &amp; <i>porters</i>",
    "very long": "long " * 60_000,
    "control characters": "night\x07\x1b[31mporters\x7f",
}


def _raw_json(body: dict[str, object]) -> bytes:
    """JSON with every non-ASCII character escaped, surrogates included."""
    return json.dumps(body, ensure_ascii=True).encode()


@dataclass(frozen=True)
class Field:
    """One text field of one write: who sends it, where, with which body around it, and
    where the stored value comes back (``None``: it is not echoed)."""

    role: str
    method: str
    url: Callable[[World], str]
    body: Callable[[World, str], dict[str, object]]
    echoed: Callable[[dict[str, object]], object] | None
    refusals: frozenset[int] = frozenset({400, 409, 422})


def _idea(world: World, text: str, field: str) -> dict[str, object]:
    body = {"section_id": world.ids["section_id"], "title": "Odd input", "body": "Plain body"}
    return {**body, field: text}


def _window() -> dict[str, str]:
    now = datetime.now(UTC)
    return {"opens_at": now.isoformat(), "closes_at": (now + timedelta(days=3)).isoformat()}


def _get(key: str) -> Callable[[dict[str, object]], object]:
    return lambda answer: answer[key]


# Wrong credentials, then the throttle after a few: refusals with a problem, as designed.
SIGN_IN_REFUSALS = frozenset({401, 422, 429})

FIELDS: dict[str, Field] = {
    "idea title": Field(
        "participant", "POST", lambda w: f"{w.base}/ideas",
        lambda w, t: _idea(w, t, "title"), _get("title"),
    ),
    "idea body": Field(
        "participant", "POST", lambda w: f"{w.base}/ideas",
        lambda w, t: _idea(w, t, "body"), _get("body"),
    ),
    "idea edit": Field(
        "participant", "PATCH", lambda w: f"{w.base}/ideas/{w.ids['idea_id']}",
        lambda w, t: {"body": t}, _get("body"),
    ),
    "comment body": Field(
        "other_participant", "POST", lambda w: f"{w.base}/ideas/{w.ids['idea_id']}/comments",
        lambda w, t: {"body": t}, _get("body"),
    ),
    "comment edit": Field(
        "participant", "PATCH", lambda w: f"{w.base}/comments/{w.ids['comment_id']}",
        lambda w, t: {"body": t}, _get("body"),
    ),
    "report note": Field(
        "other_participant", "POST", lambda w: f"{w.base}/reports",
        lambda w, t: {"target_kind": "idea", "target_id": w.ids["idea_id"],
                      "category": "other", "note": t},
        None,
    ),
    "relay subject": Field(
        "facilitator", "POST", lambda w: f"{w.base}/messages",
        lambda w, t: {"target_kind": "idea", "target_id": w.ids["idea_id"], "subject": t,
                      "body": "Hello"},
        None,
    ),
    "relay body": Field(
        "facilitator", "POST", lambda w: f"{w.base}/messages",
        lambda w, t: {"target_kind": "idea", "target_id": w.ids["idea_id"],
                      "subject": "Hello", "body": t},
        None,
    ),
    "relay reply": Field(
        "participant", "POST", lambda w: f"/api/me/messages/{w.ids['thread_id']}/replies",
        lambda w, t: {"body": t}, None,
    ),
    "paper title": Field(
        "facilitator", "POST", lambda w: f"{w.base}/paper-submissions",
        lambda w, t: {"kind": "idea", "section_id": w.ids["section_id"], "title": t,
                      "body": "From a form"},
        None,
    ),
    "paper body": Field(
        "facilitator", "POST", lambda w: f"{w.base}/paper-submissions",
        lambda w, t: {"kind": "idea", "section_id": w.ids["section_id"], "title": "Paper",
                      "body": t},
        None,
    ),
    "case note": Field(
        "facilitator", "POST", lambda w: f"/api/safeguarding/{w.ids['case_id']}/notes",
        lambda w, t: {"body": t}, None,
    ),
    "screening term": Field(
        "facilitator", "POST", lambda w: "/api/moderation/terms",
        lambda w, t: {"term": t}, None,
    ),
    "conversation title": Field(
        "admin", "POST", lambda w: "/api/conversations",
        lambda w, t: {"title": t, **_window()}, _get("title"),
    ),
    "conversation introduction": Field(
        "admin", "PATCH", lambda w: w.base,
        lambda w, t: {"introduction": t}, _get("introduction"),
    ),
    "section title": Field(
        "admin", "POST", lambda w: f"{w.base}/sections",
        lambda w, t: {"title": t}, _get("title"),
    ),
    "section description": Field(
        "admin", "PATCH", lambda w: f"{w.base}/sections/{w.ids['second_section_id']}",
        lambda w, t: {"description": t}, _get("description"),
    ),
    "page title": Field(
        "facilitator", "PUT", lambda w: f"{w.base}/pages/support",
        lambda w, t: {"title": t, "body_html": "<p>Support</p>"}, _get("title"),
    ),
    "sign-in address": Field(
        "anonymous", "POST", lambda w: "/api/auth/login",
        lambda w, t: {"email": t, "password": "whatever it is"}, None, SIGN_IN_REFUSALS,
    ),
    "password": Field(
        "anonymous", "POST", lambda w: "/api/auth/login",
        lambda w, t: {"email": "nobody@trust.example", "password": t}, None, SIGN_IN_REFUSALS,
    ),
    "sign-in link address": Field(
        "anonymous", "POST", lambda w: "/api/auth/sign-in-link",
        lambda w, t: {"email": t}, None,
    ),
    "staff import csv": Field(
        "admin", "POST", lambda w: "/api/admin/participants/import",
        lambda w, t: {"csv": f"email,name\nodd@trust.example,{t}\n", "send_invitations": False},
        None,
    ),
    # Rich text is sanitised on the way in, so it is not echoed as sent.
    "page rich text": Field(
        "facilitator", "PUT", lambda w: f"{w.base}/pages/privacy",
        lambda w, t: {"title": "Privacy", "body_html": t}, None,
    ),
}  # fmt: skip


# Not free text: a screening term is a word or phrase to match, an address is an address,
# so punctuation may be refused by design; and a password is never accepted at random.
NOT_FREE_TEXT = {"screening term", "sign-in address", "sign-in link address", "password"}


def _assert_problem(response: httpx.Response, where: str) -> None:
    assert response.headers["content-type"].startswith("application/problem+json"), where
    problem = response.json()
    assert {"type", "title", "status", "detail"} <= problem.keys(), where
    assert problem["status"] == response.status_code, where


async def _send(shared: Shared, field: Field, text: str) -> httpx.Response:
    caller = shared.world.callers[field.role]
    return await caller.client.request(
        field.method,
        field.url(shared.world),
        content=_raw_json(field.body(shared.world, text)),
        headers={**caller.headers, "Content-Type": "application/json"},
    )


@pytest.mark.parametrize("name", FIELDS)
async def test_odd_text_is_refused_or_kept_intact_never_a_500(
    shared_world: Shared, name: str
) -> None:
    field = FIELDS[name]
    outcomes: dict[str, int] = {}
    for label, text in PAYLOADS.items():
        where = f"{name} with {label}"
        response = await _send(shared_world, field, text)
        outcomes[label] = response.status_code
        assert response.status_code < 500, f"{where}: {response.status_code} {response.text}"
        if response.status_code >= 400:
            assert response.status_code in field.refusals, f"{where}: {response.text[:300]}"
            _assert_problem(response, where)
        elif field.echoed is not None:
            assert field.echoed(response.json()) == text, f"{where}: changed on the way"
    if name not in NOT_FREE_TEXT:
        assert outcomes["sql quote"] < 300, f"{name}: ordinary punctuation must be accepted"
    assert outcomes["very long"] == 422, f"{name}: a 300,000-character value must be refused"
    assert outcomes["lone surrogate"] == 422, f"{name}: not text; cannot be stored as UTF-8"


@pytest.mark.parametrize("label", PAYLOADS)
async def test_odd_search_queries_are_answered(shared_world: Shared, label: str) -> None:
    reader = shared_world.world.callers["participant"]
    query = PAYLOADS[label]
    # Percent-encoded by hand: a lone surrogate becomes the bytes a hostile client would
    # send (ED A0 80, not UTF-8), which httpx itself refuses to encode.
    encoded = quote(query[:1000].encode("utf-8", "surrogatepass"), safe="")
    response = await reader.client.get(
        f"{shared_world.world.base}/search?q={encoded}", headers=reader.headers
    )
    assert response.status_code < 500, f"{label}: {response.status_code} {response.text}"
    if response.status_code >= 400:
        assert response.status_code == 422, response.text
        _assert_problem(response, label)
    else:
        assert isinstance(response.json()["items"], list)


async def test_stored_sql_metacharacters_are_only_text(shared_world: Shared) -> None:
    """Control that the quote above really reached the table as text: the idea is found by
    its own words and the table it names is still there."""
    world = shared_world.world
    author = world.callers["participant"]
    text = "Bobby'); DROP TABLE ideas; -- tables"
    posted = await author.client.post(
        f"{world.base}/ideas",
        json={"section_id": world.ids["section_id"], "title": text, "body": "x"},
        headers=author.headers,
    )
    assert posted.status_code == 201
    found = await author.client.get(
        f"{world.base}/search", params={"q": "Bobby tables"}, headers=author.headers
    )
    assert found.status_code == 200
    titles = [hit["idea"]["title"] for hit in found.json()["items"] if hit["kind"] == "idea"]
    assert text in titles
