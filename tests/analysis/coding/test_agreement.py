"""Cohen's kappa, against values worked out by hand.

The worked example (ten posts, both analysts coded every one of them):

    post   Ana            Bob
    p0-p3  Parking        Parking
    p4     Parking        Other
    p5     Other          Parking
    p6-p7  Rota           Rota
    p8-p9  Rota           Other

Parking: both 4, only Ana 1, only Bob 1, neither 4.
    p_o = 8/10 = 0.8; p_Ana = p_Bob = 0.5; p_e = 0.5·0.5 + 0.5·0.5 = 0.5;
    κ = (0.8 − 0.5) / (1 − 0.5) = 0.6
Rota: both 2, only Ana 2, only Bob 0, neither 6.
    p_o = 0.8; p_Ana = 0.4, p_Bob = 0.2; p_e = 0.08 + 0.48 = 0.56; κ = 0.24 / 0.44 = 6/11
Other: both 0, only Ana 1 (p5), only Bob 3 (p4, p8, p9), neither 6.
    p_o = 0.6; p_Ana = 0.1, p_Bob = 0.3; p_e = 0.03 + 0.63 = 0.66; κ = −0.06 / 0.34 = −3/17
Overall, pooled over the 30 (post, code) decisions: both 6, only Ana 4, only Bob 4,
neither 16. p_o = 22/30 = 11/15; p_Ana = p_Bob = 1/3; p_e = 1/9 + 4/9 = 5/9;
    κ = (11/15 − 5/9) / (4/9) = (33 − 25) / 20 = 0.4
Mean of the three: (0.6 + 6/11 − 3/17) / 3.
Canteen: nobody used it: undefined.
"""

from __future__ import annotations

import math

import pytest
from fastapi import FastAPI

from candour.analysis.coding.agreement import NO_OVERLAP, NO_VARIATION, UNUSED, Table, cohen_kappa
from tests.analysis.coding.conftest import Analyst, Place, coded, make_analyst, new_code


@pytest.mark.parametrize(
    ("table", "kappa"),
    [
        (Table(both=4, only_a=1, only_b=1, neither=4), 0.6),
        (Table(both=2, only_a=2, only_b=0, neither=6), 6 / 11),
        (Table(both=0, only_a=1, only_b=3, neither=6), -3 / 17),
        (Table(both=6, only_a=4, only_b=4, neither=16), 0.4),
        # The classic textbook table (yes/yes 20, yes/no 5, no/yes 10, no/no 15): 0.4.
        (Table(both=20, only_a=5, only_b=10, neither=15), 0.4),
        (Table(both=3, only_a=0, only_b=0, neither=5), 1.0),
        (Table(both=0, only_a=4, only_b=4, neither=0), -1.0),
    ],
)
def test_kappa_of_a_table(table: Table, kappa: float) -> None:
    result = cohen_kappa(table)
    assert result.kappa is not None and math.isclose(result.kappa, kappa, abs_tol=1e-12)
    assert result.decisions == table.n


def test_kappa_is_undefined_without_variation_or_material() -> None:
    unused = cohen_kappa(Table(0, 0, 0, 7))
    assert (unused.kappa, unused.observed_agreement, unused.reason) == (None, 1.0, UNUSED)
    everywhere = cohen_kappa(Table(7, 0, 0, 0))
    assert (everywhere.kappa, everywhere.reason) == (None, NO_VARIATION)
    nothing = cohen_kappa(Table(0, 0, 0, 0))
    assert (nothing.kappa, nothing.decisions, nothing.reason) == (None, 0, NO_OVERLAP)


async def _worked_example(place: Place, ana: Analyst, bob: Analyst) -> dict[str, str]:
    posts = [await place.idea(f"Post number {n} about work") for n in range(10)]
    codes = {name: await new_code(ana, place, name) for name in ("Parking", "Rota", "Other")}
    codes["Canteen"] = await new_code(ana, place, "Canteen")
    for n in range(5):
        await coded(ana, place, codes["Parking"], posts[n])
    # An excerpt as well as the whole post: still one decision, "coded with Parking".
    await coded(ana, place, codes["Parking"], posts[0], span=(0, 4))
    await coded(ana, place, codes["Other"], posts[5])
    for n in range(6, 10):
        await coded(ana, place, codes["Rota"], posts[n])
    for n in (0, 1, 2, 3, 5):
        await coded(bob, place, codes["Parking"], posts[n])
    for n in (4, 8, 9):
        await coded(bob, place, codes["Other"], posts[n])
    for n in (6, 7):
        await coded(bob, place, codes["Rota"], posts[n])
    return codes


async def test_the_worked_example_through_the_api(
    app: FastAPI, place: Place, ana: Analyst, bob: Analyst
) -> None:
    codes = await _worked_example(place, ana, bob)
    # A third analyst with less in common does not become the default pair.
    carol = await make_analyst(app)
    extra = await place.idea("Post coded by Carol")
    await coded(carol, place, codes["Rota"], extra)
    await coded(ana, place, codes["Rota"], extra)

    response = await ana.get(f"{place.base}/agreement")
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["chosen"] == "most_in_common"
    assert {result["analyst_a"], result["analyst_b"]} == {str(ana.id), str(bob.id)}
    assert result["posts_in_common"] == 10
    by_name = {c["code"]["name"]: c for c in result["codes"]}
    assert set(by_name) == {"Parking", "Rota", "Other", "Canteen"}
    flip = result["analyst_a"] != str(ana.id)  # the default pair comes in id order
    expected = {
        "Parking": (4, 1, 1, 4, 0.6),
        "Rota": (2, 2, 0, 6, 6 / 11),
        "Other": (0, 1, 3, 6, -3 / 17),
    }
    for name, (both, only_ana, only_bob, neither, kappa) in expected.items():
        row = by_name[name]
        only_a, only_b = (only_bob, only_ana) if flip else (only_ana, only_bob)
        assert (row["both"], row["only_a"], row["only_b"], row["neither"]) == (
            both,
            only_a,
            only_b,
            neither,
        )
        assert math.isclose(row["kappa"], kappa, abs_tol=1e-12), name
    assert by_name["Canteen"]["kappa"] is None and by_name["Canteen"]["reason"] == UNUSED
    assert math.isclose(result["overall"]["kappa"], 0.4, abs_tol=1e-12)
    assert result["overall"]["decisions"] == 30
    assert math.isclose(result["overall"]["expected_agreement"], 5 / 9, abs_tol=1e-12)
    assert math.isclose(result["mean_kappa"], (0.6 + 6 / 11 - 3 / 17) / 3, abs_tol=1e-12)

    named = await ana.get(f"{place.base}/agreement", analyst_a=str(ana.id), analyst_b=str(bob.id))
    assert named.json()["chosen"] == "requested"
    assert named.json()["codes"][0]["code"]["name"] == "Canteen"  # frame order
    rota = next(c for c in named.json()["codes"] if c["code"]["name"] == "Rota")
    assert (rota["only_a"], rota["only_b"]) == (2, 0)


async def test_perfect_agreement_is_one(place: Place, ana: Analyst, bob: Analyst) -> None:
    posts = [await place.idea(f"Post {n}") for n in range(4)]
    parking = await new_code(ana, place, "Parking")
    rota = await new_code(ana, place, "Rota")
    for analyst in (ana, bob):
        for n, post in enumerate(posts):
            await coded(analyst, place, parking if n < 2 else rota, post)
    result = (await ana.get(f"{place.base}/agreement")).json()
    assert result["overall"]["kappa"] == 1.0
    assert [c["kappa"] for c in result["codes"]] == [1.0, 1.0]


async def test_no_overlap_and_no_pair_give_null_with_a_reason(
    place: Place, ana: Analyst, bob: Analyst
) -> None:
    nobody = (await ana.get(f"{place.base}/agreement")).json()
    assert nobody["analyst_a"] is None and nobody["overall"]["kappa"] is None
    assert "No two analysts" in nobody["overall"]["reason"]

    parking = await new_code(ana, place, "Parking")
    await coded(ana, place, parking, await place.idea("One"))
    await coded(bob, place, parking, await place.idea("Two"))
    apart = await ana.get(f"{place.base}/agreement", analyst_a=str(ana.id), analyst_b=str(bob.id))
    body = apart.json()
    assert body["posts_in_common"] == 0
    assert body["overall"]["kappa"] is None and body["overall"]["reason"] == NO_OVERLAP
    assert body["codes"][0]["kappa"] is None and body["codes"][0]["reason"] == NO_OVERLAP
    assert body["mean_kappa"] is None


async def test_suggested_and_retired_codings_do_not_count(
    place: Place, ana: Analyst, bob: Analyst
) -> None:
    posts = [await place.idea(f"Post {n}") for n in range(2)]
    kept = await new_code(ana, place, "Kept")
    dropped = await new_code(ana, place, "Dropped")
    for analyst in (ana, bob):
        await coded(analyst, place, kept, posts[0])
        await coded(analyst, place, dropped, posts[1])
    await ana.post(f"{place.base}/codes/{dropped}/retire")
    result = (await ana.get(f"{place.base}/agreement")).json()
    assert result["posts_in_common"] == 1
    assert [c["code"]["name"] for c in result["codes"]] == ["Kept"]


@pytest.mark.parametrize(
    "params",
    [
        {"analyst_a": "same"},
        {"analyst_a": "same", "analyst_b": "same"},
    ],
)
async def test_a_pair_needs_two_different_analysts(
    place: Place, ana: Analyst, params: dict[str, str]
) -> None:
    query = {k: str(ana.id) for k in params}
    response = await ana.get(f"{place.base}/agreement", **query)
    assert response.status_code == 422 and response.json()["code"] == "analyst_pair_invalid"
