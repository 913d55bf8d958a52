"""Theme suggestions: clusters that separate obvious themes, the same every time, and
the record of what analysts accepted, confirmed and rejected."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
from fastapi import FastAPI

from candour.analysis.coding.clustering import suggest_themes, words_of
from tests.analysis.coding.conftest import Analyst, Place, make_place, new_code
from tests.analysis.coding.corpus import CANTEEN, PARKING, ROTA
from tests.support.factories import make_section


async def _post_corpus(place: Place) -> dict[str, str]:
    """theme of each post, by post id; the canteen posts are comments, the rest ideas."""
    themes: dict[str, str] = {}
    for name, group in (("parking", PARKING), ("rota", ROTA)):
        for title, body in group:
            themes[str(await place.idea(body, title=title))] = name
    anchor = await place.idea("Anything else", title="Other")
    themes[str(anchor)] = "other"
    for _, body in CANTEEN:
        themes[str(await place.comment(anchor, body))] = "canteen"
    return themes


async def _members(db: asyncpg.Connection, suggestion_id: str) -> set[str]:
    rows = await db.fetch(
        "SELECT COALESCE(idea_id, comment_id)::text AS post FROM theme_suggestion_posts"
        " WHERE suggestion_id = $1",
        uuid.UUID(suggestion_id),
    )
    return {r["post"] for r in rows}


async def test_the_clusters_separate_parking_rota_and_canteen(
    place: Place, ana: Analyst, db: asyncpg.Connection
) -> None:
    themes = await _post_corpus(place)
    hidden = await place.idea("The car park barrier is broken again.", moderation="hidden")
    response = await ana.post(f"{place.base}/theme-suggestions", {})
    assert response.status_code == 201, response.text
    run = response.json()
    assert run["posts_analysed"] == 19  # 18 posts and the anchor idea; not the hidden one
    assert run["parameters"]["posts_without_words"] == 1  # "Other: Anything else"
    assert run["parameters"]["themes"] == 3
    assert run["parameters"]["themes_chosen_by"] == "cosine silhouette"
    found: dict[str, set[str]] = {}
    for suggestion in run["suggestions"]:
        posts = await _members(db, suggestion["id"])
        assert str(hidden) not in posts
        kinds = {themes[p] for p in posts} - {"other"}
        assert len(kinds) == 1, (suggestion["keywords"], kinds)
        (kind,) = kinds
        found[kind] = posts
        assert suggestion["size"] == len(posts)
        assert len(suggestion["quotes"]) == 3
        assert all(themes[q["post_id"]] == kind for q in suggestion["quotes"])
        scores = [q["score"] for q in suggestion["quotes"]]
        assert scores == sorted(scores, reverse=True)
    assert set(found) == {"parking", "rota", "canteen"}
    for kind, posts in found.items():
        assert {p for p in posts if themes[p] == kind} == {
            p for p, k in themes.items() if k == kind
        }
    keywords = {s["keywords"][0] for s in run["suggestions"]}
    assert keywords == {"park", "rota", "canteen"}
    quote = run["suggestions"][0]["quotes"][0]
    assert quote["text"] and quote["end"] - quote["start"] == len(quote["text"])


async def test_the_same_posts_give_the_same_themes(place: Place, ana: Analyst) -> None:
    await _post_corpus(place)
    runs = [(await ana.post(f"{place.base}/theme-suggestions", {})).json() for _ in range(2)]

    def shape(run: dict) -> list[tuple]:
        return [
            (s["label"], tuple(s["keywords"]), s["size"], tuple(q["post_id"] for q in s["quotes"]))
            for s in run["suggestions"]
        ]

    assert shape(runs[0]) == shape(runs[1])
    listed = (await ana.get(f"{place.base}/theme-suggestions")).json()["runs"]
    assert {r["id"] for r in listed} == {r["id"] for r in runs}


def test_the_clustering_is_reproducible_and_independent_of_thread_timing() -> None:
    texts = [f"{t}\n{b}" for t, b in PARKING + ROTA + CANTEEN]
    bodies = [b for _, b in PARKING + ROTA + CANTEEN]
    first = suggest_themes(texts, bodies, None)
    assert first == suggest_themes(texts, bodies, None)
    assert words_of("Parking permits, the queries, a bus, businesses and species") == [
        "parking",
        "permit",
        "query",
        "bus",
        "business",
        "species",
    ]
    assert first.left_out == 0
    with_empty = suggest_themes([*texts, "Anything else?"], [*bodies, "Anything else?"], None)
    assert with_empty.left_out == 1
    assert [len(t.members) for t in with_empty.themes] == [6, 6, 6]


async def test_a_requested_number_of_themes_and_one_section(
    app: FastAPI, place: Place, ana: Analyst
) -> None:
    await _post_corpus(place)
    two = await ana.post(f"{place.base}/theme-suggestions", {"themes": 2})
    assert two.status_code == 201 and len(two.json()["suggestions"]) == 2
    assert two.json()["parameters"]["themes_chosen_by"] == "request"
    for themes in (1, 13):
        assert (
            await ana.post(f"{place.base}/theme-suggestions", {"themes": themes})
        ).status_code == 422
    too_many = await ana.post(f"{place.base}/theme-suggestions", {"themes": 12})
    assert too_many.status_code == 409 and too_many.json()["code"] == "too_few_posts"

    other_section = await make_section(app, place.conversation_id, "Elsewhere")
    for n in range(3):
        await place.idea(f"Lockers {n} are broken", section_id=other_section)
    few = await ana.post(f"{place.base}/theme-suggestions", {"section_id": str(other_section)})
    assert few.status_code == 409 and few.json()["code"] == "too_few_posts"
    foreign = await make_place(app)
    missing = await ana.post(
        f"{place.base}/theme-suggestions", {"section_id": str(foreign.section_id)}
    )
    assert missing.status_code == 404 and missing.json()["code"] == "section_not_found"
    section = await ana.post(
        f"{place.base}/theme-suggestions", {"section_id": str(place.section_id)}
    )
    assert section.status_code == 201 and section.json()["posts_analysed"] == 19


async def test_accepting_pre_codes_posts_as_suggested_until_a_person_confirms(
    place: Place, ana: Analyst, bob: Analyst, db: asyncpg.Connection
) -> None:
    themes = await _post_corpus(place)
    run = (await ana.post(f"{place.base}/theme-suggestions", {})).json()
    parking = next(s for s in run["suggestions"] if s["keywords"][0] == "park")
    parent = await new_code(ana, place, "Getting to work")
    # One of the theme's posts is hidden after the run: it is not pre-coded.
    members = await _members(db, parking["id"])
    gone = sorted(members)[0]
    await db.execute("UPDATE ideas SET moderation = 'hidden' WHERE id = $1", uuid.UUID(gone))

    accepted = await bob.post(
        f"{place.base}/theme-suggestions/{parking['id']}/accept",
        {"name": "Parking", "description": "Car park and permits", "parent_id": parent},
    )
    assert accepted.status_code == 201, accepted.text
    body = accepted.json()
    assert body["version"] == 2
    assert body["code"]["name"] == "Parking" and body["code"]["parent_id"] == parent
    assert (body["suggested_codings"], body["posts_left_out"]) == (len(members) - 1, 1)
    assert body["code"]["suggested_codings"] == len(members) - 1 and body["code"]["codings"] == 0
    decided = body["suggestion"]
    assert decided["status"] == "accepted" and decided["decided_by"] == str(bob.id)
    assert decided["code_id"] == body["code"]["id"] and decided["decided_at"]
    version = (await ana.get(f"{place.base}/versions")).json()["versions"][0]
    assert version["change"]["kind"] == "added"
    assert version["change"]["suggestion_id"] == parking["id"]
    assert version["actor_id"] == str(bob.id)

    codings = (
        await ana.get(f"{place.base}/codings", code_id=body["code"]["id"], status="suggested")
    ).json()["codings"]
    assert {c["post_id"] for c in codings} == members - {gone}
    assert all(themes[c["post_id"]] == "parking" for c in codings)
    assert all(c["suggestion_id"] == parking["id"] for c in codings)
    # Suggestions are not anyone's judgement: no agreement yet.
    assert (await ana.get(f"{place.base}/agreement")).json()["posts_in_common"] == 0

    confirmed = await ana.post(f"{place.base}/codings/{codings[0]['id']}/confirm")
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "confirmed"
    assert confirmed.json()["analyst_id"] == str(ana.id)
    assert confirmed.json()["reviewed_by"] == str(ana.id) and confirmed.json()["reviewed_at"]
    rejected = await bob.post(f"{place.base}/codings/{codings[1]['id']}/reject")
    assert rejected.json()["status"] == "rejected" and rejected.json()["reviewed_by"] == str(bob.id)
    again = await ana.post(f"{place.base}/codings/{codings[1]['id']}/confirm")
    assert again.status_code == 409 and again.json()["code"] == "coding_not_suggested"
    twice = await bob.post(f"{place.base}/theme-suggestions/{parking['id']}/accept", {})
    assert twice.status_code == 409 and twice.json()["code"] == "theme_suggestion_decided"

    listed = (await ana.get(f"{place.base}/codes")).json()["codes"]
    counts = {c["name"]: (c["codings"], c["suggested_codings"]) for c in listed}
    assert counts["Parking"] == (1, len(members) - 3)


async def test_confirming_what_you_coded_yourself_is_refused(place: Place, ana: Analyst) -> None:
    await _post_corpus(place)
    run = (await ana.post(f"{place.base}/theme-suggestions", {})).json()
    # No body at all: the suggestion's label names the code.
    accepted = await ana.post(
        f"{place.base}/theme-suggestions/{run['suggestions'][0]['id']}/accept"
    )
    assert accepted.status_code == 201, accepted.text
    code = accepted.json()["code"]
    assert code["name"] == run["suggestions"][0]["label"]
    suggested = (await ana.get(f"{place.base}/codings", code_id=code["id"])).json()["codings"][0]
    mine = await ana.post(
        f"{place.base}/codings",
        {
            "code_id": code["id"],
            "post_kind": suggested["post_kind"],
            "post_id": suggested["post_id"],
        },
    )
    # The suggestion is ana's (she accepted it), so her own coding of the post clashes.
    assert mine.status_code == 409


async def test_rejecting_a_suggestion_is_recorded_and_codes_nothing(
    place: Place, ana: Analyst, db: asyncpg.Connection
) -> None:
    await _post_corpus(place)
    run = (await ana.post(f"{place.base}/theme-suggestions", {})).json()
    target = run["suggestions"][1]
    rejected = await ana.post(
        f"{place.base}/theme-suggestions/{target['id']}/reject", {"reason": "Too broad"}
    )
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["status"] == "rejected" and rejected.json()["reason"] == "Too broad"
    assert rejected.json()["decided_by"] == str(ana.id)
    assert await db.fetchval("SELECT count(*) FROM codings") == 0
    assert await db.fetchval("SELECT count(*) FROM codes") == 0
    accept = await ana.post(f"{place.base}/theme-suggestions/{target['id']}/accept", {})
    assert accept.status_code == 409
    unknown = await ana.post(f"{place.base}/theme-suggestions/{uuid.uuid4()}/reject", {})
    assert unknown.status_code == 404
    listed = (await ana.get(f"{place.base}/theme-suggestions")).json()["runs"][0]
    statuses = {s["id"]: s["status"] for s in listed["suggestions"]}
    assert statuses[target["id"]] == "rejected"


async def test_a_quote_is_withheld_once_its_post_is_no_longer_shown(
    place: Place, ana: Analyst, db: asyncpg.Connection
) -> None:
    await _post_corpus(place)
    run = (await ana.post(f"{place.base}/theme-suggestions", {})).json()
    quote = run["suggestions"][0]["quotes"][0]
    table = "ideas" if quote["post_kind"] == "idea" else "comments"
    await db.execute(
        f"UPDATE {table} SET status = 'withdrawn' WHERE id = $1",
        uuid.UUID(quote["post_id"]),
    )
    listed = (await ana.get(f"{place.base}/theme-suggestions")).json()["runs"][0]
    again = listed["suggestions"][0]["quotes"][0]
    assert again["post_id"] == quote["post_id"] and again["text"] is None


async def test_suggested_codings_follow_a_merge_and_can_be_confirmed_there(
    place: Place, ana: Analyst
) -> None:
    await _post_corpus(place)
    run = (await ana.post(f"{place.base}/theme-suggestions", {})).json()
    accepted = await ana.post(
        f"{place.base}/theme-suggestions/{run['suggestions'][0]['id']}/accept", {}
    )
    suggested_code = accepted.json()["code"]["id"]
    size = accepted.json()["suggested_codings"]
    target = await new_code(ana, place, "Kept theme")
    merged = await ana.post(
        f"{place.base}/codes/merge", {"codes": [suggested_code], "into": target}
    )
    assert merged.status_code == 200, merged.text
    assert merged.json()["suggested_codings"] == size
    moved = (await ana.get(f"{place.base}/codings", code_id=target)).json()["codings"]
    assert len(moved) == size and all(c["status"] == "suggested" for c in moved)
    confirmed = await ana.post(f"{place.base}/codings/{moved[0]['id']}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["code"]["id"] == target


async def test_a_confirmation_waits_for_a_frame_change_before_locking_the_coding(
    app: FastAPI, place: Place, ana: Analyst
) -> None:
    """A frame change locks codes, then their codings. A confirmation that locked the
    coding first and then waited for its code would deadlock with a merge: it takes the
    code first, so a frame change holding the code can still take the coding."""
    await _post_corpus(place)
    run = (await ana.post(f"{place.base}/theme-suggestions", {})).json()
    code = (
        await ana.post(f"{place.base}/theme-suggestions/{run['suggestions'][0]['id']}/accept")
    ).json()["code"]["id"]
    coding = (await ana.get(f"{place.base}/codings", code_id=code)).json()["codings"][0]["id"]
    url: str = app.state.settings.connection_url
    holder = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        transaction = holder.transaction()
        await transaction.start()
        await holder.execute("SELECT 1 FROM codes WHERE id = $1 FOR UPDATE", uuid.UUID(code))
        confirming = asyncio.create_task(ana.post(f"{place.base}/codings/{coding}/confirm"))
        await asyncio.sleep(0.5)
        assert not confirming.done()
        await holder.execute("SET LOCAL lock_timeout = '2s'")
        await holder.execute(
            "SELECT 1 FROM codings WHERE id = $1 FOR UPDATE", uuid.UUID(coding)
        )  # would time out if the confirmation held the coding
        await transaction.rollback()
        confirmed = await confirming
    finally:
        await holder.close()
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
