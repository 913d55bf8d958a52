"""Exporting as Pol.is open data: an import comes back as it went in (modulo the numbers,
times and hidden words the README names), and nothing in the files identifies anyone."""

from __future__ import annotations

import csv
import io
import uuid
from collections import Counter

import asyncpg
import pytest
from fastapi import FastAPI

from candour.identity import imported_pseudonym
from candour.identity.pseudonyms import pseudonym_for
from tests.analysis.conftest import (
    Staff,
    import_dataset,
    import_polis,
    latest_votes,
    polis_file,
    staff,
    unzip,
)
from tests.support.factories import make_conversation, make_person, make_section, sign_in

HOUR_MS = 3_600_000


async def _export(who: Staff, conversation_id: object) -> dict[str, str]:
    response = await who.client.get(
        f"/api/conversations/{conversation_id}/polis-export", headers=who.headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    files = unzip(response.content)
    assert set(files) == {"comments.csv", "votes.csv", "README.txt"}
    return files


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


async def _comment_numbers(db: asyncpg.Connection, cid: uuid.UUID) -> dict[uuid.UUID, int]:
    """The documented order: by the hour of creation, then by the (random) id."""
    ideas = await db.fetch(
        "SELECT id, created_at FROM ideas WHERE conversation_id = $1 AND moderation <> 'merged'",
        cid,
    )
    ordered = sorted(ideas, key=lambda r: (int(r["created_at"].timestamp()) // 3600, r["id"].bytes))
    return {r["id"]: n for n, r in enumerate(ordered)}


def _voter_numbers(pseudonyms: dict[int, bytes]) -> dict[int, int]:
    """The documented order of voters: by pseudonym."""
    ranked = sorted(pseudonyms.values())
    return {person: ranked.index(p) for person, p in pseudonyms.items()}


@pytest.mark.parametrize("dataset", ["15-per-hour-seattle", "canadian-electoral-reform"])
async def test_an_import_exports_as_it_came_in(
    app: FastAPI, dataset: str, admin: Staff, facilitator: Staff, db: asyncpg.Connection
) -> None:
    cid = await import_dataset(admin, dataset)
    files = await _export(facilitator, cid)
    original = _rows(polis_file(dataset, "comments.csv"))
    latest = latest_votes(polis_file(dataset, "votes.csv"))

    # Which exported number each original statement and voter should have.
    ideas = await db.fetch("SELECT id, body, created_at FROM ideas WHERE conversation_id = $1", cid)
    idea_of = {(r["body"], int(r["created_at"].timestamp() * 1000)): r["id"] for r in ideas}
    numbers = await _comment_numbers(db, cid)
    comment_number = {
        int(c["comment-id"]): numbers[idea_of[(c["comment-body"].strip(), int(c["timestamp"]))]]
        for c in original
    }
    voters = {v for v, _ in latest}
    voter_number = _voter_numbers(
        {v: imported_pseudonym(app.state.settings, cid, f"polis:{v}") for v in voters}
    )

    exported_votes = _rows(files["votes.csv"])
    assert Counter(
        (int(v["comment-id"]), int(v["voter-id"]), int(v["vote"])) for v in exported_votes
    ) == Counter((comment_number[c], voter_number[v], vote) for (v, c), vote in latest.items())

    exported = {int(c["comment-id"]): c for c in _rows(files["comments.csv"])}
    assert len(exported) == len(original)
    for comment in original:
        row = exported[comment_number[int(comment["comment-id"])]]
        hidden = comment["moderated"] == "-1"
        assert row["moderated"] == ("-1" if hidden else "1")
        # Hidden words stay hidden, as everywhere in Candour.
        expected = "[hidden by the facilitators]" if hidden else comment["comment-body"].strip()
        assert row["comment-body"] == expected
        votes = [x for (_, c), x in latest.items() if c == int(comment["comment-id"])]
        assert (int(row["agrees"]), int(row["disagrees"])) == (votes.count(1), votes.count(-1))
        assert int(row["timestamp"]) == int(comment["timestamp"]) // HOUR_MS * HOUR_MS
    # Every author has a number of their own, never a voter's.
    authors = [int(c["author-id"]) for c in exported.values()]
    assert len(set(authors)) == len(authors)
    assert not set(authors) & {int(v["voter-id"]) for v in exported_votes}
    # A vote carries its statement's (coarsened) time: Candour keeps none of its own.
    for vote in exported_votes:
        statement = exported[int(vote["comment-id"])]
        assert (vote["timestamp"], vote["datetime"]) == (
            statement["timestamp"],
            statement["datetime"],
        )


async def test_an_export_imports_again(admin: Staff, facilitator: Staff) -> None:
    cid = await import_dataset(admin, "brexit-consensus")
    files = await _export(facilitator, cid)
    again = await import_polis(admin, files["comments.csv"], files["votes.csv"])
    assert again.status_code == 201, again.text
    assert again.json()["votes"] == len(_rows(files["votes.csv"]))
    assert again.json()["statements"] == len(_rows(files["comments.csv"]))
    second = await _export(facilitator, again.json()["conversation_id"])
    # The same conversation, so the same files but for the numbering of voters and authors.
    first_comments = [(r["comment-body"], r["agrees"]) for r in _rows(files["comments.csv"])]
    second_comments = [(r["comment-body"], r["agrees"]) for r in _rows(second["comments.csv"])]
    assert sorted(first_comments) == sorted(second_comments)


async def test_an_export_names_nobody_and_numbers_people_by_pseudonym(
    app: FastAPI, db: asyncpg.Connection
) -> None:
    cid = await make_conversation(app)
    sid = await make_section(app, cid)
    people = [
        await make_person(
            app, conversation_id=cid, name=f"Sister Florence{n}", email=f"nurse{n}@trust.example"
        )
        for n in range(4)
    ]
    base = f"/api/conversations/{cid}"
    idea_ids: list[str] = []
    casted: dict[tuple[int, str], int] = {}
    clients = [await staff(app, "participant") for _ in people]  # re-signed in as ``people``
    headers = [await sign_in(c.client, p) for c, p in zip(clients, people, strict=True)]
    for n in range(len(people)):
        idea = await clients[n].client.post(
            f"{base}/ideas",
            json={"section_id": str(sid), "title": f"Idea {n}", "body": f"Idea {n} in full"},
            headers=headers[n],
        )
        assert idea.status_code == 201, idea.text
        idea_ids.append(idea.json()["id"])
        for m, target in enumerate(idea_ids[:-1]):
            vote = "like" if (n + m) % 2 else "dislike"
            cast = await clients[n].client.put(
                f"{base}/ideas/{target}/vote", json={"vote": vote}, headers=headers[n]
            )
            assert cast.status_code == 200, cast.text
            casted[(n, target)] = 1 if vote == "like" else -1
    withdrawn = await clients[1].client.post(
        f"{base}/ideas/{idea_ids[1]}/withdraw", headers=headers[1]
    )
    assert withdrawn.status_code == 200, withdrawn.text
    for c in clients:
        await c.client.aclose()
    moderator = await staff(app, "facilitator")
    hidden = await moderator.client.post(
        f"{base}/moderation/idea/{idea_ids[0]}/hide",
        json={"category": "personal", "reason": "Names a colleague"},
        headers=moderator.headers,
    )
    assert hidden.status_code == 200, hidden.text
    files = await _export(moderator, cid)
    await moderator.client.aclose()

    everything = "\n".join(files.values())
    for person in people:
        for needle in (person.email, person.display_name or "", str(person.id), person.id.hex):
            assert needle not in everything
        pseudonym = pseudonym_for(app.state.settings, cid, person.id)
        assert pseudonym.hex() not in everything
    for account in await db.fetch("SELECT id, email FROM accounts"):
        assert str(account["id"]) not in everything and account["email"] not in everything
    assert "Idea 0" not in everything  # hidden: its words stay out
    assert "Idea 1" not in everything  # withdrawn: likewise
    assert str(idea_ids[0]) not in everything  # no Candour id either

    numbers = await _comment_numbers(db, cid)
    voters = {n for n, _ in casted}  # the first person posted before there was anything to vote on
    voter_number = _voter_numbers(
        {n: pseudonym_for(app.state.settings, cid, people[n].id) for n in voters}
    )
    assert Counter(
        (int(v["comment-id"]), int(v["voter-id"]), int(v["vote"]))
        for v in _rows(files["votes.csv"])
    ) == Counter(
        (numbers[uuid.UUID(target)], voter_number[n], vote) for (n, target), vote in casted.items()
    )
    comments = _rows(files["comments.csv"])
    assert sorted(c["comment-body"] for c in comments if c["moderated"] == "-1") == [
        "[hidden by the facilitators]",
        "[withdrawn by its author]",
    ]
    assert {c["comment-body"] for c in comments if c["moderated"] == "1"} == {
        "Idea 2 in full",
        "Idea 3 in full",
    }
    assert all(int(c["timestamp"]) % HOUR_MS == 0 for c in comments)
    assert all(c["datetime"].endswith(":00:00 UTC " + c["datetime"][-4:]) for c in comments)
    assert "Candour keeps no time" in files["README.txt"]


@pytest.mark.parametrize("role", ["participant", "sponsor"])
async def test_only_facilitators_and_admins_export(app: FastAPI, role: str, admin: Staff) -> None:
    cid = await make_conversation(app)
    someone = await staff(app, role)
    refused = await someone.client.get(
        f"/api/conversations/{cid}/polis-export", headers=someone.headers
    )
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "permission_denied"
    await someone.client.aclose()
    await _export(admin, cid)  # an empty conversation exports two headers


async def test_exporting_an_unknown_conversation_is_404(facilitator: Staff) -> None:
    response = await facilitator.client.get(
        f"/api/conversations/{uuid.uuid4()}/polis-export", headers=facilitator.headers
    )
    assert response.status_code == 404
