"""The authorisation matrix: every operation of the live OpenAPI document × every role.

The document comes from ``app.openapi()``, not the committed file, so an endpoint added
today is in the walk at once; :data:`RULES` must classify it (who may call it, with what
request) or :func:`test_every_operation_is_classified` fails. For each cell the request has
real identifiers from one seeded conversation (``world.py``):

- a role that may call the operation gets an answer that is neither 401 nor 403 (a 2xx,
  unless the rule names what a harmless request gets, e.g. 422 for a body left empty on
  purpose so that an allowed erasure or role change is refused by validation only);
- the anonymous caller gets 401; a signed-in role that may not gets 403, or 404 where the
  API hides that the thing exists from that role (``hidden_from``).

Refused calls run before allowed ones, and the operations that spend what they act on
(withdraw, remove, merge …) run last, so one seeded conversation serves every cell.
The object-level checks (someone else's post, inbox, export; a conversation one is not
part of) are in ``test_object_access.py``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI

from tests.security.world import ROLES, World, make_world, random_id

SIGNED_IN = frozenset(ROLES) - {"anonymous"}
EVERYONE = frozenset(ROLES)
PARTICIPANTS = frozenset({"participant", "other_participant"})
AUTHOR = frozenset({"participant"})
FACILITATOR = frozenset({"facilitator"})
EDITORS = frozenset({"facilitator", "admin"})
ADMIN = frozenset({"admin"})
NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Rule:
    """Who may call one operation, and the request each role sends.

    ``path`` maps a path parameter to the world's id to use for it (default: the id of the
    same name); ``expect`` is what an allowed role gets when not a 2xx.
    """

    allow: frozenset[str]
    body: object = None
    path: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    expect: frozenset[int] | None = None
    hidden_from: frozenset[str] = NOBODY
    last: bool = False


def _window() -> dict[str, str]:
    now = datetime.now(UTC)
    return {"opens_at": now.isoformat(), "closes_at": (now + timedelta(days=7)).isoformat()}


EMPTY_BODY_REFUSED = frozenset({422})
# Past the role check, refused for what the request named or carried.
PAST_THE_DOOR = frozenset({404, 409, 422})
MAYBE_NOT_THERE = frozenset({200, 404})
READERS_OF_REPORTS = frozenset({"facilitator", "sponsor", "admin"})
REASON = {"reason": "Checking who may do this"}

RULES: dict[str, Rule] = {
    # Public.
    "get_health": Rule(EVERYONE),
    "login": Rule(EVERYONE, body="author-credentials"),
    "logout": Rule(EVERYONE),
    "request_sign_in_link": Rule(EVERYONE, body={"email": "nobody@trust.example"}),
    "set_password": Rule(
        EVERYONE,
        body={"token": "A" * 43, "password": "a long enough passphrase"},
        expect=frozenset({400}),
    ),
    # Anyone signed in, about themselves.
    "get_me": Rule(SIGNED_IN),
    "change_password": Rule(SIGNED_IN, body={}, expect=EMPTY_BODY_REFUSED),
    "export_my_data": Rule(SIGNED_IN),
    "erase_me": Rule(SIGNED_IN, body={}, expect=EMPTY_BODY_REFUSED),
    # Reading a conversation: its participants and the staff.
    "list_conversations": Rule(SIGNED_IN),
    "get_conversation": Rule(SIGNED_IN),
    "list_sections": Rule(SIGNED_IN),
    "list_pages": Rule(SIGNED_IN),
    "get_page": Rule(SIGNED_IN),
    "list_ideas": Rule(SIGNED_IN),
    "get_idea": Rule(SIGNED_IN),
    "list_comments": Rule(SIGNED_IN),
    "search_contributions": Rule(SIGNED_IN, query={"q": "night"}),
    # Participants write; staff never post, vote or report.
    "create_idea": Rule(
        PARTICIPANTS, body={"section_id": "{section_id}", "title": "A new idea", "body": "Yes"}
    ),
    "create_comment": Rule(PARTICIPANTS, body={"body": "A reply"}),
    "vote_idea": Rule(PARTICIPANTS, body={"vote": "like"}, path={"idea_id": "colleague_idea_id"}),
    "vote_comment": Rule(PARTICIPANTS, body={"vote": "dislike"}),
    "report_contribution": Rule(
        PARTICIPANTS,
        body={"target_kind": "comment", "target_id": "{comment_id}", "category": "other"},
    ),
    "list_my_contributions": Rule(PARTICIPANTS),
    "list_my_messages": Rule(PARTICIPANTS),
    "count_my_unread_messages": Rule(PARTICIPANTS),
    # Only the author, on their own post or thread.
    "update_idea": Rule(AUTHOR, body={"body": "Edited by its author"}),
    "update_comment": Rule(AUTHOR, body={"body": "Edited by its author"}),
    "withdraw_idea": Rule(AUTHOR, path={"idea_id": "withdraw_idea_id"}, last=True),
    "withdraw_comment": Rule(AUTHOR, path={"comment_id": "withdraw_comment_id"}, last=True),
    "mark_my_thread_read": Rule(AUTHOR, hidden_from=frozenset({"other_participant"})),
    "reply_to_message": Rule(
        AUTHOR, body={"body": "Thank you"}, hidden_from=frozenset({"other_participant"})
    ),
    # The facilitators' desk.
    "list_moderation_queue": Rule(FACILITATOR),
    "claim_moderation_item": Rule(FACILITATOR),
    "resolve_moderation_item": Rule(FACILITATOR, body={"decision": "no action needed"}),
    "get_contribution_history": Rule(FACILITATOR),
    "hide_contribution": Rule(FACILITATOR, body={"category": "other", **REASON}),
    "unhide_contribution": Rule(FACILITATOR, body=REASON),
    "amend_contribution": Rule(FACILITATOR, body={"body": "Amended text", **REASON}),
    "remove_contribution": Rule(FACILITATOR, body=REASON, last=True),
    "move_idea": Rule(
        FACILITATOR,
        body={"section_id": "{second_section_id}", **REASON},
        path={"idea_id": "colleague_idea_id"},
    ),
    "split_idea": Rule(
        FACILITATOR,
        body={
            "parts": [{"title": "First part", "body": "a"}, {"title": "Second part", "body": "b"}],
            **REASON,
        },
        path={"idea_id": "colleague_idea_id"},
        last=True,
    ),
    "merge_ideas": Rule(
        FACILITATOR,
        body={"source_ids": ["{merge_source_id}"], **REASON},
        path={"idea_id": "colleague_idea_id"},
        last=True,
    ),
    "create_paper_submission": Rule(
        FACILITATOR,
        body={"kind": "idea", "section_id": "{section_id}", "title": "From paper", "body": "x"},
    ),
    "list_audit_log": Rule(FACILITATOR),
    "list_screening_terms": Rule(FACILITATOR),
    "add_screening_term": Rule(FACILITATOR, body={"term": "{term}"}),
    "remove_screening_term": Rule(FACILITATOR, last=True),
    "open_safeguarding_case": Rule(
        FACILITATOR,
        body={"target_kind": "idea", "target_id": "{colleague_idea_id}", "note": "Worried"},
    ),
    "list_safeguarding_cases": Rule(FACILITATOR),
    "get_safeguarding_case": Rule(FACILITATOR),
    "add_case_note": Rule(FACILITATOR, body={"body": "Called the author's manager? No."}),
    "send_support_message": Rule(FACILITATOR, body={"body": "Here is where to find support"}),
    "close_safeguarding_case": Rule(FACILITATOR, body=REASON, last=True),
    "message_author": Rule(
        FACILITATOR,
        body={
            "target_kind": "idea",
            "target_id": "{idea_id}",
            "subject": "A question",
            "body": "Could you say more?",
        },
    ),
    "list_message_threads": Rule(FACILITATOR),
    "get_message_thread": Rule(FACILITATOR),
    # Pages: facilitators edit them; admins may too.
    "update_page": Rule(EDITORS, body={"title": "Questions", "body_html": "<p>Answers</p>"}),
    "get_opinion_groups": Rule(EDITORS),
    "export_polis": Rule(EDITORS),
    # The platform operator.
    "create_conversation": Rule(ADMIN, body="conversation"),
    "update_conversation": Rule(ADMIN, body={"introduction": "Updated by the admin"}),
    "create_section": Rule(ADMIN, body={"title": "A new section"}, last=True),
    "update_section": Rule(ADMIN, body={"description": "Updated"}),
    "reorder_sections": Rule(ADMIN, body={"section_ids": ["{second_section_id}", "{section_id}"]}),
    "delete_section": Rule(ADMIN, path={"section_id": "random"}, expect=frozenset({404})),
    "import_participants": Rule(ADMIN, body={}, expect=EMPTY_BODY_REFUSED),
    "assign_role": Rule(ADMIN, body={}, expect=EMPTY_BODY_REFUSED),
    "get_invitation_totals": Rule(ADMIN),
    "resend_failed_invitations": Rule(ADMIN),
    "erase_participant": Rule(ADMIN, body={}, expect=EMPTY_BODY_REFUSED),
    "get_retention_status": Rule(ADMIN),
    "run_retention_now": Rule(ADMIN),
    "import_polis": Rule(ADMIN, body={}, expect=EMPTY_BODY_REFUSED),
    # Live updates (a server-sent event stream): anyone who may read the conversation.
    "follow_conversation": Rule(SIGNED_IN),
    "get_participation": Rule(EDITORS),
    # The summary report: the staff read it, facilitators and admins publish it.
    # The live draft is not for sponsors, who read published versions.
    "get_report": Rule(EDITORS),
    "publish_report": Rule(EDITORS),
    "list_report_versions": Rule(READERS_OF_REPORTS),
    "get_published_report": Rule(READERS_OF_REPORTS, expect=MAYBE_NOT_THERE),
    "get_report_version": Rule(READERS_OF_REPORTS, path={"version": "1"}, expect=MAYBE_NOT_THERE),
    "export_report_csv": Rule(READERS_OF_REPORTS),
    "export_report_json": Rule(READERS_OF_REPORTS),
    # The coding frame: analysts' working material, for facilitators and admins. The
    # world seeds no codes: with an unknown id or an empty body, an allowed caller gets
    # past the role check to a 404 or a 422, which is all this matrix asks of them.
    "list_codes": Rule(EDITORS),
    "create_code": Rule(EDITORS, body={}, expect=PAST_THE_DOOR),
    "update_code": Rule(EDITORS, body={}, path={"code_id": "random"}, expect=PAST_THE_DOOR),
    "merge_codes": Rule(EDITORS, body={}, expect=PAST_THE_DOOR),
    "split_code": Rule(EDITORS, body={}, path={"code_id": "random"}, expect=PAST_THE_DOOR),
    "retire_code": Rule(EDITORS, path={"code_id": "random"}, expect=PAST_THE_DOOR),
    "list_frame_versions": Rule(EDITORS),
    "compare_frame_versions": Rule(EDITORS, expect=PAST_THE_DOOR | {200}),
    "code_contribution": Rule(EDITORS, body={}, expect=PAST_THE_DOOR),
    "list_codings": Rule(EDITORS),
    "remove_coding": Rule(EDITORS, path={"coding_id": "random"}, expect=PAST_THE_DOOR),
    "confirm_coding": Rule(EDITORS, path={"coding_id": "random"}, expect=PAST_THE_DOOR),
    "reject_coding": Rule(EDITORS, path={"coding_id": "random"}, expect=PAST_THE_DOOR),
    "coder_agreement": Rule(EDITORS, expect=PAST_THE_DOOR | {200}),
    "list_analysts": Rule(EDITORS),
    "suggest_themes": Rule(EDITORS, body={}, expect=PAST_THE_DOOR | {201}),
    "list_theme_suggestions": Rule(EDITORS),
    "accept_theme_suggestion": Rule(
        EDITORS, body={}, path={"suggestion_id": "random"}, expect=PAST_THE_DOOR
    ),
    "reject_theme_suggestion": Rule(
        EDITORS, body={}, path={"suggestion_id": "random"}, expect=PAST_THE_DOOR
    ),
}


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    streams: bool = False


def live_operations(app: FastAPI) -> list[Operation]:
    return [
        Operation(
            op["operationId"],
            method.upper(),
            path,
            "text/event-stream" in op["responses"].get("200", {}).get("content", {}),
        )
        for path, item in app.openapi()["paths"].items()
        for method, op in item.items()
    ]


def _fill(template: str, ids: dict[str, str]) -> str:
    for name, value in ids.items():
        template = template.replace("{" + name + "}", value)
    return template


def _body(rule: Rule, world: World) -> object:
    if rule.body == "author-credentials":
        person = world.people["participant"]
        return {"email": person.email, "password": person.password}
    if rule.body == "conversation":
        return {"title": "Made in the matrix", **_window()}
    if isinstance(rule.body, dict):
        return {
            key: (
                [_fill(v, world.ids) for v in value]
                if isinstance(value, list) and all(isinstance(v, str) for v in value)
                else _fill(value, world.ids)
                if isinstance(value, str)
                else value
            )
            for key, value in rule.body.items()
        }
    return rule.body


def _url(operation: Operation, rule: Rule, world: World) -> str:
    ids = dict(world.ids)
    for name, source in rule.path.items():
        ids[name] = random_id() if source == "random" else world.ids.get(source, source)
    url = _fill(operation.path, ids)
    assert "{" not in url, f"{operation.operation_id}: the matrix cannot fill {url}"
    return url


async def call(app: FastAPI, world: World, role: str, operation: Operation) -> int:
    """The status one role gets for one operation."""
    rule = RULES[operation.operation_id]
    caller = world.callers[role]
    url = _url(operation, rule, world)
    if operation.streams:
        return await status_of_stream(app, url, caller.headers)
    response = await caller.client.request(
        operation.method, url, json=_body(rule, world), params=rule.query, headers=caller.headers
    )
    return response.status_code


async def status_of_stream(app: FastAPI, url: str, headers: dict[str, str]) -> int:
    """The status of a GET whose answer is an endless event stream: the app is called
    directly, the status read from the response's start, and the client then leaves (an
    in-process client would wait for the end of a body that never ends)."""
    started: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    leave = asyncio.Event()

    async def receive() -> dict[str, object]:
        await leave.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, object]) -> None:
        if message["type"] == "http.response.start" and not started.done():
            started.set_result(int(message["status"]))  # type: ignore[call-overload]

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "https",
        "path": url,
        "raw_path": url.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 443),
        "state": dict(getattr(app.state, "_lifespan_state", {}) or {}),
    }
    task = asyncio.create_task(app(scope, receive, send))  # type: ignore[arg-type]
    try:
        await asyncio.wait({started, task}, timeout=10, return_when="FIRST_COMPLETED")
        assert started.done(), f"{url}: no answer within 10 s"
        return started.result()
    finally:
        leave.set()
        try:
            await asyncio.wait_for(task, timeout=5)
        except (TimeoutError, asyncio.CancelledError):
            task.cancel()


def _verdict(rule: Rule, role: str, status: int) -> str | None:
    """What is wrong with this answer, or None."""
    if role in rule.allow:
        wanted = rule.expect or frozenset(range(200, 300))
        return None if status in wanted else f"allowed, wanted {sorted(wanted)[:3]}…"
    if role == "anonymous":
        return None if status == 401 else "anonymous, wanted 401"
    wanted = {403, 404} if role in rule.hidden_from else {403}
    return None if status in wanted else f"refused, wanted {sorted(wanted)}"


async def test_every_operation_is_classified(app: FastAPI) -> None:
    live = {op.operation_id for op in live_operations(app)}
    missing = sorted(live - RULES.keys())
    assert not missing, (
        f"classify these operations in {__name__}.RULES (who may call them): {missing}"
    )
    stale = sorted(RULES.keys() - live)
    assert not stale, f"RULES names operations the app no longer has: {stale}"


async def test_every_role_gets_what_the_matrix_says(app: FastAPI) -> None:
    world = await make_world(app)
    operations = [op for op in live_operations(app) if op.operation_id in RULES]
    # Spending operations last, each after the others have used what it spends.
    operations.sort(key=lambda op: RULES[op.operation_id].last)
    wrong: list[str] = []
    cells = 0
    try:
        for operation in operations:
            rule = RULES[operation.operation_id]
            # Refusals first: they change nothing, so the allowed calls see the seed intact.
            for role in sorted(ROLES, key=lambda r: r in rule.allow):
                status = await call(app, world, role, operation)
                cells += 1
                problem = _verdict(rule, role, status)
                if problem:
                    wrong.append(f"{operation.operation_id} as {role}: {status} ({problem})")
    finally:
        await world.close()
    assert cells == len(operations) * len(ROLES)
    assert not wrong, "\n".join(wrong)
