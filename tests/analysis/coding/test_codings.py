"""Coding posts: whole or excerpts, who coded what, listing, removal, and what happens
when the post changes or goes."""

from __future__ import annotations

import uuid

import asyncpg
from fastapi import FastAPI

from tests.analysis.coding.conftest import (
    Analyst,
    Place,
    code_post,
    coded,
    make_place,
    new_code,
)

BODY = "The car park is full by eight. Night staff park on the verge."


async def test_a_whole_post_and_an_excerpt_are_coded_with_who_coded_them(
    place: Place, ana: Analyst, bob: Analyst
) -> None:
    idea = await place.idea(BODY)
    comment = await place.comment(idea, "Same on Ward 5: no spaces after seven.")
    parking = await new_code(ana, place, "Parking")

    whole = await code_post(ana, place, parking, idea)
    assert whole.status_code == 201, whole.text
    assert whole.json()["excerpt"] is None and whole.json()["excerpt_shown"] == "whole_post"
    excerpt = await code_post(bob, place, parking, idea, span=(31, 61))
    assert excerpt.status_code == 201, excerpt.text
    body = excerpt.json()
    assert (body["start"], body["end"], body["excerpt"]) == (
        31,
        61,
        "Night staff park on the verge.",
    )
    assert body["analyst_id"] == str(bob.id) and body["by_me"] is True
    assert body["status"] == "confirmed" and body["code"] == {"id": parking, "name": "Parking"}
    # Several analysts may code the same text; one analyst once.
    assert (await code_post(bob, place, parking, idea)).status_code == 201
    again = await code_post(ana, place, parking, idea)
    assert again.status_code == 409 and again.json()["code"] == "coding_exists"
    on_comment = await code_post(ana, place, parking, comment, kind="comment", span=(0, 14))
    assert on_comment.status_code == 201 and on_comment.json()["excerpt"] == "Same on Ward 5"

    by_post = await ana.get(f"{place.base}/codings", post_kind="idea", post_id=str(idea))
    assert by_post.json()["total"] == 3
    seen_by_ana = {(c["analyst_id"], c["by_me"]) for c in by_post.json()["codings"]}
    assert seen_by_ana == {(str(ana.id), True), (str(bob.id), False)}
    by_analyst = await ana.get(f"{place.base}/codings", analyst_id=str(bob.id))
    assert by_analyst.json()["total"] == 2
    lonely = await ana.get(f"{place.base}/codings", post_id=str(idea))
    assert lonely.status_code == 422


async def test_excerpts_must_lie_inside_the_text(place: Place, ana: Analyst) -> None:
    idea = await place.idea("Short body")  # 10 characters
    code = await new_code(ana, place, "Any")
    for span in ((0, 11), (9, 12)):
        response = await code_post(ana, place, code, idea, span=span)
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "excerpt_out_of_range"
        assert response.json()["errors"][0]["field"] == "body.end"
    for body in (
        {"start": 5, "end": 5},
        {"start": 6, "end": 2},
        {"start": -1, "end": 3},
        {"start": 2},
        {"start": 0, "end": 2**31},
    ):
        response = await ana.post(
            f"{place.base}/codings",
            {"code_id": code, "post_kind": "idea", "post_id": str(idea), **body},
        )
        assert response.status_code == 422, (body, response.text)
    assert (await code_post(ana, place, code, idea, span=(6, 10))).json()["excerpt"] == "body"


async def test_characters_are_counted_as_code_points(place: Place, ana: Analyst) -> None:
    idea = await place.idea("Café 🙂 rota")
    code = await new_code(ana, place, "Rota")
    response = await code_post(ana, place, code, idea, span=(7, 11))
    assert response.json()["excerpt"] == "rota"


async def test_only_shown_posts_of_the_conversation_can_be_coded(
    app: FastAPI, place: Place, ana: Analyst
) -> None:
    code = await new_code(ana, place, "Any")
    hidden = await place.idea("Hidden words", moderation="hidden")
    held = await place.idea("Held words", moderation="held")
    for post in (hidden, held):
        response = await code_post(ana, place, code, post)
        assert response.status_code == 409 and response.json()["code"] == "post_not_shown"
    elsewhere = await make_place(app)
    foreign = await elsewhere.idea("Another conversation")
    assert (await code_post(ana, place, code, foreign)).status_code == 404
    assert (await code_post(ana, place, code, uuid.uuid4(), kind="comment")).status_code == 404
    foreign_code = await new_code(ana, elsewhere, "Foreign")
    mine = await place.idea("Mine")
    response = await code_post(ana, place, foreign_code, mine)
    assert response.status_code == 404 and response.json()["code"] == "code_not_found"


async def test_an_excerpt_is_kept_as_coded_and_withheld_once_its_post_changes(
    place: Place, ana: Analyst, db: asyncpg.Connection
) -> None:
    idea = await place.idea(BODY)
    code = await new_code(ana, place, "Parking")
    await coded(ana, place, code, idea, span=(4, 12))
    await db.execute("UPDATE ideas SET body = 'The car  park is full.' WHERE id = $1", idea)
    row = await db.fetchrow("SELECT excerpt, start_offset, end_offset FROM codings")
    assert row is not None and row["excerpt"] == "car park"  # as it was
    listed = (await ana.get(f"{place.base}/codings", code_id=code)).json()["codings"][0]
    assert listed["excerpt"] is None and listed["excerpt_shown"] == "post_changed"

    await db.execute("UPDATE ideas SET body = $2 WHERE id = $1", idea, "A car park, " + BODY)
    listed = (await ana.get(f"{place.base}/codings", code_id=code)).json()["codings"][0]
    assert listed["excerpt"] == "car park" and listed["excerpt_shown"] == "shown"

    assert listed["post_shown"] is True
    await db.execute("UPDATE ideas SET moderation = 'hidden' WHERE id = $1", idea)
    listed = (await ana.get(f"{place.base}/codings", code_id=code)).json()["codings"][0]
    assert listed["excerpt"] is None and listed["excerpt_shown"] == "post_not_shown"
    assert listed["post_shown"] is False


async def test_codings_go_with_their_post(
    place: Place, ana: Analyst, db: asyncpg.Connection
) -> None:
    idea = await place.idea(BODY)
    comment = await place.comment(idea, "A reply")
    code = await new_code(ana, place, "Parking")
    await coded(ana, place, code, idea)
    await coded(ana, place, code, comment, kind="comment")
    await db.execute("DELETE FROM comments WHERE id = $1", comment)
    assert await db.fetchval("SELECT count(*) FROM codings") == 1
    await db.execute("DELETE FROM ideas WHERE id = $1", idea)
    assert await db.fetchval("SELECT count(*) FROM codings") == 0


async def test_listing_by_code_can_include_sub_codes(place: Place, ana: Analyst) -> None:
    posts = [await place.idea(f"Post {n}") for n in range(3)]
    top = await new_code(ana, place, "Environment")
    child = await new_code(ana, place, "Noise", parent=top)
    grandchild = await new_code(ana, place, "Alarms", parent=child)
    other = await new_code(ana, place, "Other")
    for code, post in zip((top, child, grandchild), posts, strict=True):
        await coded(ana, place, code, post)
    await coded(ana, place, other, posts[0])
    only = await ana.get(f"{place.base}/codings", code_id=top)
    assert only.json()["total"] == 1
    below = await ana.get(f"{place.base}/codings", code_id=top, include_subcodes="true")
    assert {c["code"]["name"] for c in below.json()["codings"]} == {
        "Environment",
        "Noise",
        "Alarms",
    }
    page = await ana.get(f"{place.base}/codings", limit=2, offset=2)
    assert page.json()["total"] == 4 and len(page.json()["codings"]) == 2


async def test_analysts_remove_their_own_codings_and_admins_anyones(
    place: Place, ana: Analyst, bob: Analyst, boss: Analyst
) -> None:
    idea = await place.idea(BODY)
    code = await new_code(ana, place, "Parking")
    anas = await coded(ana, place, code, idea)
    bobs = await coded(bob, place, code, idea)
    refused = await ana.delete(f"{place.base}/codings/{bobs}")
    assert refused.status_code == 403 and refused.json()["code"] == "not_your_coding"
    assert (await ana.delete(f"{place.base}/codings/{anas}")).status_code == 204
    assert (await ana.delete(f"{place.base}/codings/{anas}")).status_code == 404
    assert (await boss.delete(f"{place.base}/codings/{bobs}")).status_code == 204
    assert (await ana.get(f"{place.base}/codings")).json()["total"] == 0


async def test_confirming_or_rejecting_needs_a_suggested_coding(place: Place, ana: Analyst) -> None:
    idea = await place.idea(BODY)
    code = await new_code(ana, place, "Parking")
    coding = await coded(ana, place, code, idea)
    for action in ("confirm", "reject"):
        response = await ana.post(f"{place.base}/codings/{coding}/{action}")
        assert response.status_code == 409 and response.json()["code"] == "coding_not_suggested"
    assert (await ana.post(f"{place.base}/codings/{uuid.uuid4()}/confirm")).status_code == 404
