"""Opinion groups: as Pol.is finds them on its own exports (adjusted Rand index against the
``group-id`` Pol.is published), and what the answer holds — counts, never people."""

from __future__ import annotations

import uuid

import numpy as np
import pytest
from fastapi import FastAPI
from sklearn.metrics import adjusted_rand_score

from candour.analysis.groups import group_participants
from candour.analysis.votes import fetch_votes
from candour.identity import imported_pseudonym
from tests.analysis.conftest import (
    DATASETS,
    Staff,
    import_dataset,
    import_polis,
    latest_votes,
    polis_file,
    polis_groups,
    staff,
)
from tests.support.factories import make_conversation

ARI_REQUIRED = 0.6


def _groups_url(conversation_id: object) -> str:
    return f"/api/conversations/{conversation_id}/opinion-groups"


@pytest.mark.parametrize("dataset", DATASETS)
async def test_groups_match_the_groups_polis_published(
    app: FastAPI,
    dataset: str,
    admin: Staff,
    facilitator: Staff,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cid = await import_dataset(admin, dataset)
    async with app.state.sessionmaker() as session:
        votes = await fetch_votes(session, cid)
    grouping, group_of = group_participants(votes)

    # Voters are numbered in pseudonym order; the test holds the key, so it can say who is who.
    pids = sorted({voter for voter, _ in latest_votes(polis_file(dataset, "votes.csv"))})
    pseudonym = {p: imported_pseudonym(app.state.settings, cid, f"polis:{p}") for p in pids}
    number = {p: rank for rank, p in enumerate(sorted(pids, key=pseudonym.__getitem__))}
    assert votes.voters == len(pids)
    published = polis_groups(dataset)
    both = [p for p in pids if p in published and group_of[number[p]] >= 0]
    ari = adjusted_rand_score(
        [published[p] for p in both], [int(group_of[number[p]]) for p in both]
    )
    with capsys.disabled():
        print(
            f"\n[opinion groups] {dataset}: adjusted Rand index {ari:.3f} over {len(both)} "
            f"participants (Pol.is grouped {len(published)}, Candour {grouping.grouped}); "
            f"groups {[g.size for g in grouping.groups]}"
        )
    assert len(both) >= 0.9 * len(published)
    assert ari >= ARI_REQUIRED, f"{dataset}: adjusted Rand index {ari:.3f} < {ARI_REQUIRED}"

    # The API answers the same groups, as sizes only.
    answer = await facilitator.client.get(_groups_url(cid), headers=facilitator.headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "grouped"
    assert [g["size"] for g in body["groups"]] == [g.size for g in grouping.groups]
    assert sorted(np.bincount(group_of[group_of >= 0]).tolist(), reverse=True) == [
        g["size"] for g in body["groups"]
    ]
    assert body["grouped_participants"] == sum(g["size"] for g in body["groups"])
    assert body["participants"] == len(pids)


def _camps(extra_votes: str = "") -> tuple[str, str]:
    """Two camps of 20 that disagree on statements 0–7; on statement 8 camp A passes and
    camp B agrees;
    five people with six votes each (too few to be grouped); and person 100, who agrees
    with camp A three times and passes four times (seven votes: enough)."""
    comments = ["timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body"]
    comments += [f"{1000 + c},x,{c},0,0,0,1,Statement number {c}" for c in range(9)]
    votes = ["timestamp,datetime,comment-id,voter-id,vote"]
    for person in range(40):
        camp = 1 if person < 20 else -1
        for c in range(8):
            side = camp if c < 4 else -camp
            # A little noise, so that the camps are not single points.
            if (person + c) % 7 == 0:
                side = 0
            votes.append(f"{2000 + person},x,{c},{person},{side}")
        votes.append(f"{2000 + person},x,8,{person},{0 if camp == 1 else 1}")
    for person in range(50, 55):
        votes += [f"3000,x,{c},{person},1" for c in range(6)]
    votes += [f"4000,x,{c},100,1" for c in range(3)] + [f"4000,x,{c},100,0" for c in range(4, 8)]
    return "\n".join(comments) + "\n", "\n".join(votes) + "\n" + extra_votes


async def test_passes_are_votes_seen_and_the_vote_threshold_holds(
    admin: Staff, facilitator: Staff
) -> None:
    comments, votes = _camps()
    imported = await import_polis(admin, comments, votes)
    assert imported.status_code == 201, imported.text
    body = (
        await facilitator.client.get(
            _groups_url(imported.json()["conversation_id"]), headers=facilitator.headers
        )
    ).json()
    assert body["status"] == "grouped"
    assert body["participants"] == 46
    # 40 campers and person 100, whose passes count towards their seven votes; not the five.
    assert body["grouped_participants"] == 41
    assert sorted(g["size"] for g in body["groups"]) == [20, 21]
    assert body["ideas_analysed"] == 9
    passed_on = [i for i in body["divisive_ideas"] if i["title"] == "Statement number 8"]
    assert passed_on, "statement 8 divides the camps"
    # Camp A's passes are votes seen, neither agrees nor disagrees; so its smoothed agree rate
    # is 1/22, not the 1/2 of a group that never saw the statement.
    assert sorted((g["agrees"], g["disagrees"], g["seen"]) for g in passed_on[0]["groups"]) == [
        (0, 0, 20),
        (20, 0, 20),
    ]
    for group in body["groups"]:
        assert group["representative_ideas"], group
        assert all(r["significant"] for r in group["representative_ideas"])


async def test_hidden_ideas_are_left_out(app: FastAPI, admin: Staff, facilitator: Staff) -> None:
    comments, votes = _camps()
    cid = (await import_polis(admin, comments, votes)).json()["conversation_id"]
    before = (await facilitator.client.get(_groups_url(cid), headers=facilitator.headers)).json()
    divisive = before["divisive_ideas"][0]
    moderator = await staff(app, "facilitator")
    hidden = await moderator.client.post(
        f"/api/conversations/{cid}/moderation/idea/{divisive['idea_id']}/hide",
        json={"category": "other", "reason": "Testing"},
        headers=moderator.headers,
    )
    assert hidden.status_code == 200, hidden.text
    await moderator.client.aclose()
    after = (await facilitator.client.get(_groups_url(cid), headers=facilitator.headers)).json()
    assert (after["ideas_analysed"], after["ideas_left_out"]) == (8, 1)
    named = [
        i["idea_id"]
        for i in after["consensus_ideas"]
        + after["divisive_ideas"]
        + [r for g in after["groups"] for r in g["representative_ideas"]]
    ]
    assert divisive["idea_id"] not in named
    assert after["votes"] < before["votes"]


async def test_the_same_votes_give_the_same_answer(admin: Staff, facilitator: Staff) -> None:
    cid = await import_dataset(admin, "brexit-consensus")
    first = await facilitator.client.get(_groups_url(cid), headers=facilitator.headers)
    second = await facilitator.client.get(_groups_url(cid), headers=facilitator.headers)
    assert first.json() == second.json()


async def test_the_answer_holds_counts_and_no_participant(admin: Staff) -> None:
    cid = await import_dataset(admin, "15-per-hour-seattle")
    body = (await admin.client.get(_groups_url(cid), headers=admin.headers)).json()
    assert set(body) == {
        "conversation_id",
        "status",
        "participants",
        "grouped_participants",
        "ideas_analysed",
        "ideas_left_out",
        "votes",
        "silhouette",
        "groups",
        "consensus_ideas",
        "divisive_ideas",
    }
    for group in body["groups"]:
        assert set(group) == {"label", "size", "representative_ideas"}
    for idea in body["consensus_ideas"] + body["divisive_ideas"]:
        assert {g["group"] for g in idea["groups"]} == {g["label"] for g in body["groups"]}
    # Consensus ranks by the product of the groups' smoothed agree rates.
    scores = [i["score"] for i in body["consensus_ideas"]]
    assert scores == sorted(scores, reverse=True)
    first = body["consensus_ideas"][0]
    assert first["score"] == pytest.approx(
        np.prod([(g["agrees"] + 1) / (g["seen"] + 2) for g in first["groups"]])
    )
    spread = body["divisive_ideas"][0]
    rates = [g["agree_rate"] for g in spread["groups"]]
    assert spread["score"] == pytest.approx(max(rates) - min(rates))


async def test_a_conversation_without_votes_has_no_groups(app: FastAPI, facilitator: Staff) -> None:
    cid = await make_conversation(app)
    body = (await facilitator.client.get(_groups_url(cid), headers=facilitator.headers)).json()
    assert body["status"] == "too_few_votes"
    assert body["groups"] == [] and body["participants"] == 0


@pytest.mark.parametrize("role", ["participant", "sponsor"])
async def test_participants_and_sponsors_are_refused(app: FastAPI, role: str) -> None:
    cid = await make_conversation(app)
    someone = await staff(app, role)
    refused = await someone.client.get(_groups_url(cid), headers=someone.headers)
    assert refused.status_code == 403, refused.text
    await someone.client.aclose()


async def test_an_unknown_conversation_is_404(facilitator: Staff) -> None:
    response = await facilitator.client.get(_groups_url(uuid.uuid4()), headers=facilitator.headers)
    assert response.status_code == 404
