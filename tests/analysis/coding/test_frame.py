"""The coding frame: changes, their versions, comparisons, and the refusals."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
from fastapi import FastAPI

from tests.analysis.coding.conftest import (
    Analyst,
    Place,
    code_post,
    coded,
    make_analyst,
    make_place,
    new_code,
)


async def _codes(analyst: Analyst, place: Place, **params: object) -> dict[str, dict]:
    response = await analyst.get(f"{place.base}/codes", **params)
    assert response.status_code == 200, response.text
    return {c["name"]: c for c in response.json()["codes"]}


async def _versions(analyst: Analyst, place: Place) -> list[dict]:
    response = await analyst.get(f"{place.base}/versions")
    assert response.status_code == 200, response.text
    versions: list[dict] = response.json()["versions"]
    return versions


async def _compare(analyst: Analyst, place: Place, old: int, new: int) -> dict:
    response = await analyst.get(f"{place.base}/versions/compare", **{"from": old, "to": new})
    assert response.status_code == 200, response.text
    comparison: dict = response.json()
    return comparison


async def test_each_change_is_a_numbered_version_with_who_and_what(
    place: Place, ana: Analyst, bob: Analyst
) -> None:
    staffing = await new_code(ana, place, "Staffing", description="Who is on")
    nights = await new_code(bob, place, "Nights", parent=staffing)
    renamed = await ana.patch(
        f"{place.base}/codes/{nights}", {"name": "Night shifts", "description": "After 8pm"}
    )
    assert renamed.status_code == 200, renamed.text
    moved = await ana.patch(f"{place.base}/codes/{nights}", {"parent_id": None})
    assert moved.status_code == 200 and moved.json()["parent_id"] is None

    versions = await _versions(ana, place)
    assert [v["number"] for v in versions] == [4, 3, 2, 1]
    assert [v["change"]["kind"] for v in versions] == ["updated", "updated", "added", "added"]
    assert versions[2]["actor_id"] == str(bob.id) and versions[3]["actor_id"] == str(ana.id)
    assert versions[2]["change"]["after"] == {
        "name": "Nights",
        "description": "",
        "parent_id": staffing,
    }
    assert versions[1]["change"]["before"]["name"] == "Nights"
    assert versions[1]["change"]["after"]["name"] == "Night shifts"
    assert versions[0]["change"]["before"]["parent_id"] == staffing
    assert versions[0]["change"]["after"]["parent_id"] is None

    listed = await ana.get(f"{place.base}/codes")
    assert listed.json()["version"] == 4
    # A request that changes nothing makes no version.
    same = await ana.patch(f"{place.base}/codes/{nights}", {"name": "Night shifts"})
    assert same.status_code == 200
    assert len(await _versions(ana, place)) == 4


async def test_names_are_unique_among_live_siblings_ignoring_case(
    place: Place, ana: Analyst
) -> None:
    top = await new_code(ana, place, "Pay")
    await new_code(ana, place, "Overtime", parent=top)
    twice = await ana.post(f"{place.base}/codes", {"name": "pay"})
    assert twice.status_code == 409
    assert twice.json()["code"] == "code_name_taken"
    assert twice.json()["errors"][0]["field"] == "body.name"
    # The same name under another parent is fine; so is a retired code's name.
    loose = await ana.post(f"{place.base}/codes", {"name": "Overtime"})
    assert loose.status_code == 201
    old = await new_code(ana, place, "Car park")
    assert (await ana.post(f"{place.base}/codes/{old}/retire")).status_code == 200
    assert (await ana.post(f"{place.base}/codes", {"name": "Car Park"})).status_code == 201
    # Moving under a parent that has a child of that name is refused too.
    moved = await ana.patch(f"{place.base}/codes/{loose.json()['id']}", {"parent_id": top})
    assert moved.status_code == 409 and moved.json()["code"] == "code_name_taken"


async def test_moves_that_would_make_a_cycle_are_refused(place: Place, ana: Analyst) -> None:
    top = await new_code(ana, place, "Wellbeing")
    middle = await new_code(ana, place, "Rest", parent=top)
    bottom = await new_code(ana, place, "Break rooms", parent=middle)
    for parent in (top, bottom):
        response = await ana.patch(f"{place.base}/codes/{top}", {"parent_id": parent})
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "frame_change_invalid"
    assert len(await _versions(ana, place)) == 3


async def test_unknown_retired_and_foreign_codes_are_refused(
    app: FastAPI, place: Place, ana: Analyst
) -> None:
    elsewhere = await make_place(app)
    foreign = await new_code(ana, elsewhere, "Elsewhere")
    mine = await new_code(ana, place, "Mine")
    for code_id in (foreign, str(uuid.uuid4())):
        assert (await ana.patch(f"{place.base}/codes/{code_id}", {"name": "X"})).json()[
            "code"
        ] == "code_not_found"
        under = await ana.post(f"{place.base}/codes", {"name": "Child", "parent_id": code_id})
        assert under.status_code == 404 and under.json()["errors"][0]["field"] == "body.parent_id"
    assert (await ana.post(f"{place.base}/codes/{mine}/retire")).status_code == 200
    for response in (
        await ana.patch(f"{place.base}/codes/{mine}", {"name": "Again"}),
        await ana.post(f"{place.base}/codes/{mine}/retire"),
        await ana.post(f"{place.base}/codes", {"name": "Child", "parent_id": mine}),
    ):
        assert response.status_code == 409, response.text
        assert response.json()["code"] == "code_retired"
    nulls = await ana.patch(f"{place.base}/codes/{mine}", {"name": None})
    assert nulls.status_code == 422
    assert (await ana.patch(f"{place.base}/codes/{mine}", {})).status_code == 422


async def test_merging_moves_codings_and_sub_codes_and_drops_duplicates(
    place: Place, ana: Analyst, bob: Analyst
) -> None:
    post_1 = await place.idea("The car park is full by eight.")
    post_2 = await place.idea("Parking permits cost too much.")
    parking = await new_code(ana, place, "Parking")
    cars = await new_code(ana, place, "Cars")
    fees = await new_code(ana, place, "Fees", parent=cars)
    await coded(ana, place, cars, post_1)
    await coded(ana, place, parking, post_1)  # the same judgement twice once merged
    await coded(bob, place, cars, post_1)
    await coded(bob, place, cars, post_2, span=(0, 16))

    merged = await ana.post(f"{place.base}/codes/merge", {"codes": [cars], "into": parking})
    assert merged.status_code == 200, merged.text
    assert merged.json()["codings"] == 3

    codes = await _codes(ana, place, include_retired="true")
    assert codes["Cars"]["state"] == "retired" and codes["Cars"]["merged_into_id"] == parking
    assert codes["Fees"]["parent_id"] == parking
    listing = (await ana.get(f"{place.base}/codings", code_id=parking)).json()
    assert listing["total"] == 3
    assert {(c["analyst_id"], c["post_id"], c["excerpt"]) for c in listing["codings"]} == {
        (str(ana.id), str(post_1), None),
        (str(bob.id), str(post_1), None),
        (str(bob.id), str(post_2), "Parking permits "),
    }
    change = (await _versions(ana, place))[0]["change"]
    assert change["kind"] == "merged"
    assert change["code"] == {"id": parking, "name": "Parking"}
    assert change["merged"] == [{"id": cars, "name": "Cars"}]
    assert change["children_moved"] == [{"id": fees, "name": "Fees"}]
    assert (change["codings_moved"], change["duplicates_dropped"]) == (2, 1)
    # Coding with the merged code is refused now; its successor takes it.
    refused = await code_post(ana, place, cars, post_2)
    assert refused.status_code == 409 and refused.json()["code"] == "code_retired"


async def test_merges_that_make_no_sense_are_refused(place: Place, ana: Analyst) -> None:
    top = await new_code(ana, place, "Environment")
    child = await new_code(ana, place, "Noise", parent=top)
    other = await new_code(ana, place, "Other")
    into_itself = await ana.post(f"{place.base}/codes/merge", {"codes": [top, other], "into": top})
    assert into_itself.status_code == 422 and into_itself.json()["code"] == "frame_change_invalid"
    into_child = await ana.post(f"{place.base}/codes/merge", {"codes": [top], "into": child})
    assert into_child.status_code == 422
    assert into_child.json()["errors"][0]["field"] == "body.codes.0"
    unknown = await ana.post(
        f"{place.base}/codes/merge", {"codes": [str(uuid.uuid4())], "into": other}
    )
    assert unknown.status_code == 404 and unknown.json()["code"] == "code_not_found"
    assert len(await _versions(ana, place)) == 3


async def test_splitting_sends_the_named_codings_to_each_part(
    place: Place, ana: Analyst, bob: Analyst
) -> None:
    posts = [await place.idea(f"Food and drink {n}") for n in range(4)]
    food = await new_code(ana, place, "Food")
    codings = [await coded(ana, place, food, p) for p in posts]
    other_code = await new_code(ana, place, "Other")
    not_food = await coded(bob, place, other_code, posts[0])

    wrong = await ana.post(
        f"{place.base}/codes/{food}/split",
        {"parts": [{"name": "Hot", "coding_ids": [not_food]}, {"name": "Cold"}]},
    )
    assert wrong.status_code == 404 and wrong.json()["code"] == "coding_not_found"
    twice = await ana.post(
        f"{place.base}/codes/{food}/split",
        {
            "parts": [
                {"name": "Hot", "coding_ids": [codings[0]]},
                {"name": "Cold", "coding_ids": [codings[0]]},
            ]
        },
    )
    assert twice.status_code == 422
    one_part = await ana.post(f"{place.base}/codes/{food}/split", {"parts": [{"name": "Hot"}]})
    assert one_part.status_code == 422

    split = await ana.post(
        f"{place.base}/codes/{food}/split",
        {
            "parts": [
                {"name": "Hot food", "coding_ids": codings[:2]},
                {"name": "Food", "description": "The rest", "coding_ids": [codings[2]]},
            ]
        },
    )
    assert split.status_code == 201, split.text
    parts = {p["name"]: p for p in split.json()}
    assert parts["Hot food"]["codings"] == 2 and parts["Food"]["codings"] == 1
    assert all(p["split_from_id"] == food for p in parts.values())
    listed = await ana.get(f"{place.base}/codes", include_retired="true")
    original = next(c for c in listed.json()["codes"] if c["id"] == food)
    assert original["state"] == "retired" and original["codings"] == 1  # the one left behind
    change = (await _versions(ana, place))[0]["change"]
    assert change["kind"] == "split" and change["code"]["id"] == food
    assert sorted((p["name"], p["codings"]) for p in change["parts"]) == [
        ("Food", 1),
        ("Hot food", 2),
    ]


async def test_a_code_with_live_sub_codes_is_neither_retired_nor_split(
    place: Place, ana: Analyst
) -> None:
    top = await new_code(ana, place, "Pay")
    await new_code(ana, place, "Overtime", parent=top)
    for response in (
        await ana.post(f"{place.base}/codes/{top}/retire"),
        await ana.post(
            f"{place.base}/codes/{top}/split", {"parts": [{"name": "A"}, {"name": "B"}]}
        ),
    ):
        assert response.status_code == 409 and response.json()["code"] == "code_has_children"


async def test_comparing_versions_says_what_was_added_renamed_moved_merged_split_retired(
    place: Place, ana: Analyst
) -> None:
    post = await place.idea("Anything")
    keep = await new_code(ana, place, "Keep")  # 1
    rename = await new_code(ana, place, "Old name")  # 2
    move = await new_code(ana, place, "Mover")  # 3
    merge = await new_code(ana, place, "Merge me")  # 4
    split = await new_code(ana, place, "Split me")  # 5
    retire = await new_code(ana, place, "Retire me")  # 6
    coding = await coded(ana, place, split, post)
    await ana.patch(f"{place.base}/codes/{rename}", {"name": "New name"})  # 7
    await ana.patch(f"{place.base}/codes/{move}", {"parent_id": keep})  # 8
    await ana.post(f"{place.base}/codes/merge", {"codes": [merge], "into": keep})  # 9
    parts = await ana.post(
        f"{place.base}/codes/{split}/split",
        {"parts": [{"name": "Left", "coding_ids": [coding]}, {"name": "Right"}]},
    )  # 10
    await ana.post(f"{place.base}/codes/{retire}/retire")  # 11
    added = await new_code(ana, place, "Late")  # 12

    comparison = await _compare(ana, place, 6, 12)
    assert comparison["from_version"] == 6 and comparison["to_version"] == 12
    assert comparison["renamed"] == [{"id": rename, "old_name": "Old name", "new_name": "New name"}]
    assert comparison["moved"] == [
        {"id": move, "name": "Mover", "old_parent_id": None, "new_parent_id": keep}
    ]
    assert comparison["merged"] == [
        {"id": merge, "name": "Merge me", "into": {"id": keep, "name": "Keep"}}
    ]
    ids = {p["name"]: p["id"] for p in parts.json()}
    assert comparison["split"] == [
        {
            "id": split,
            "name": "Split me",
            "into": [{"id": ids["Left"], "name": "Left"}, {"id": ids["Right"], "name": "Right"}],
        }
    ]
    assert comparison["retired"] == [{"id": retire, "name": "Retire me"}]
    assert {c["name"] for c in comparison["added"]} == {"Left", "Right", "Late"}
    assert added in {c["id"] for c in comparison["added"]}
    assert comparison["redescribed"] == []

    # From the empty frame: everything live now is added; by default the last change.
    assert {c["name"] for c in (await _compare(ana, place, 0, 12))["added"]} == {
        "Keep",
        "New name",
        "Mover",
        "Left",
        "Right",
        "Late",
    }
    latest = (await ana.get(f"{place.base}/versions/compare")).json()
    assert (latest["from_version"], latest["to_version"]) == (11, 12)
    assert [c["name"] for c in latest["added"]] == ["Late"]
    backwards = await ana.get(f"{place.base}/versions/compare", **{"from": 5, "to": 2})
    assert backwards.status_code == 422 and backwards.json()["code"] == "versions_out_of_order"
    missing = await ana.get(f"{place.base}/versions/compare", **{"from": 1, "to": 13})
    assert missing.status_code == 404 and missing.json()["code"] == "frame_version_not_found"
    for params in ({"to": 2**31}, {"from": 2**31}):
        huge = await ana.get(f"{place.base}/versions/compare", **params)
        assert huge.status_code == 422, huge.text
    assert (await ana.get(f"{place.base}/versions", before=2**31)).status_code == 422


async def test_two_changes_at_once_get_versions_two_and_three(
    app: FastAPI, place: Place, ana: Analyst, bob: Analyst, db: asyncpg.Connection
) -> None:
    await new_code(ana, place, "First")
    # Hold the frame's lock so both requests queue behind it, then let them go together.
    holder = await asyncpg.connect(dsn=_dsn(app))
    try:
        transaction = holder.transaction()
        await transaction.start()
        await holder.execute(
            "SELECT 1 FROM coding_frames WHERE conversation_id = $1 FOR UPDATE",
            place.conversation_id,
        )
        racing = [
            asyncio.create_task(ana.post(f"{place.base}/codes", {"name": "From Ana"})),
            asyncio.create_task(bob.post(f"{place.base}/codes", {"name": "From Bob"})),
        ]
        await asyncio.sleep(0.5)
        assert not any(task.done() for task in racing), "the frame lock held them back"
        await transaction.rollback()
        responses = await asyncio.gather(*racing)
    finally:
        await holder.close()
    assert [r.status_code for r in responses] == [201, 201]
    rows = await db.fetch(
        "SELECT number, change->'code'->>'name' AS name FROM frame_versions"
        " WHERE conversation_id = $1 ORDER BY number",
        place.conversation_id,
    )
    assert [r["number"] for r in rows] == [1, 2, 3]
    assert {r["name"] for r in rows[1:]} == {"From Ana", "From Bob"}
    created_in = {r["created_in"] for r in await db.fetch("SELECT created_in FROM codes")}
    assert created_in == {1, 2, 3}


async def test_two_changes_on_the_first_use_of_a_frame_do_not_fork(
    app: FastAPI, place: Place, db: asyncpg.Connection
) -> None:
    analysts = [await make_analyst(app) for _ in range(4)]
    responses = await asyncio.gather(
        *(a.post(f"{place.base}/codes", {"name": f"Code {n}"}) for n, a in enumerate(analysts))
    )
    assert [r.status_code for r in responses] == [201] * 4
    numbers = [
        r["number"]
        for r in await db.fetch(
            "SELECT number FROM frame_versions WHERE conversation_id = $1 ORDER BY number",
            place.conversation_id,
        )
    ]
    assert numbers == [1, 2, 3, 4]
    for analyst in analysts:
        await analyst.client.aclose()


def _dsn(app: FastAPI) -> str:
    url: str = app.state.settings.connection_url
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def test_the_same_name_twice_at_once_is_one_code_and_one_refusal(
    place: Place, ana: Analyst, bob: Analyst
) -> None:
    responses = await asyncio.gather(
        ana.post(f"{place.base}/codes", {"name": "Parking"}),
        bob.post(f"{place.base}/codes", {"name": "parking"}),
    )
    assert sorted(r.status_code for r in responses) == [201, 409]
    assert len((await ana.get(f"{place.base}/codes")).json()["codes"]) == 1
