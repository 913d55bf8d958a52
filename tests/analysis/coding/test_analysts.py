"""Analysts by name: staff act in their own name, so the coding pages can say who coded
what; a former member of staff who is now a participant is anonymous like any participant."""

from __future__ import annotations

from fastapi import FastAPI

from tests.analysis.coding.conftest import Analyst, Place, coded, make_analyst, new_code


async def _names(analyst: Analyst, place: Place) -> list[tuple[str, int, bool]]:
    response = await analyst.get(f"{place.base}/analysts")
    assert response.status_code == 200, response.text
    return [(a["label"], a["confirmed_codings"], a["you"]) for a in response.json()["analysts"]]


async def _label_of(app: FastAPI, analyst: Analyst) -> str:
    async with app.state.sessionmaker() as session:
        from candour import identity

        return (await identity.staff_labels(session, [analyst.id]))[analyst.id]


async def test_the_staff_behind_codings_versions_and_reviews_are_named(
    app: FastAPI, place: Place, ana: Analyst, bob: Analyst, boss: Analyst
) -> None:
    parking = await new_code(boss, place, "Parking")  # a frame version by the admin
    post = await place.idea("The car park is full by seven.")
    await coded(ana, place, parking, post)
    await coded(bob, place, parking, post, span=(4, 12))
    other = await place.idea("Permits cost too much.")
    await coded(bob, place, parking, other)

    names = await _names(ana, place)
    ana_name, bob_name, boss_name = (
        await _label_of(app, ana),
        await _label_of(app, bob),
        await _label_of(app, boss),
    )
    assert names == [(ana_name, 1, True), (bob_name, 2, False), (boss_name, 0, False)]
    assert all(name.startswith("Test ") for name, *_ in names), "their display names"


async def test_someone_now_a_participant_is_no_longer_named(
    app: FastAPI, place: Place, ana: Analyst, boss: Analyst
) -> None:
    code = await new_code(ana, place, "Rotas")
    await coded(ana, place, code, await place.idea("Rotas come out too late."))
    name = await _label_of(app, ana)
    demoted = await boss.client.put(
        "/api/admin/roles",
        json={
            "email": (await ana.client.get("/api/me", headers=ana.headers)).json()["email"],
            "role": "participant",
        },
        headers=boss.headers,
    )
    assert demoted.status_code == 200, demoted.text
    names = await _names(boss, place)
    assert ("(former staff)", 1, False) in names
    assert name not in [label for label, *_ in names]


async def test_only_facilitators_and_admins_see_the_names(app: FastAPI, place: Place) -> None:
    sponsor = await make_analyst(app, "sponsor")
    participant = await make_analyst(app, "participant")
    for caller in (sponsor, participant):
        refused = await caller.get(f"{place.base}/analysts")
        assert refused.status_code == 403
        await caller.client.aclose()
