"""The shared Pol.is exports (../shared/data/polis, CC BY 4.0, see SOURCE-README.md there),
read independently of the code under test, and a signed-in admin to import them."""

from __future__ import annotations

import csv
import io
import uuid
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from candour.core.settings import PROJECT_ROOT
from tests.support.factories import make_person, new_client, sign_in

POLIS_DATA = PROJECT_ROOT.parent / "shared" / "data" / "polis"
DATASETS = (
    "15-per-hour-seattle",
    "brexit-consensus",
    "canadian-electoral-reform",
    "scoop-hivemind.biodiversity",
)


def polis_file(dataset: str, name: str) -> str:
    path: Path = POLIS_DATA / dataset / name
    assert path.is_file(), f"the shared Pol.is data is missing: {path}"
    return path.read_text(encoding="utf-8")


def latest_votes(votes_csv: str) -> dict[tuple[int, int], int]:
    """(voter, comment) → vote: the last in time, then in the file (a plain loop, so the
    tests do not trust the code they test)."""
    rows = list(csv.DictReader(io.StringIO(votes_csv)))
    ordered = sorted(enumerate(rows), key=lambda pair: (int(pair[1]["timestamp"]), pair[0]))
    latest: dict[tuple[int, int], int] = {}
    for _, row in ordered:
        latest[(int(row["voter-id"]), int(row["comment-id"]))] = int(row["vote"])
    return latest


def polis_groups(dataset: str) -> dict[int, int]:
    """participant → Pol.is's group, for those Pol.is placed in one."""
    rows = csv.DictReader(io.StringIO(polis_file(dataset, "participants-votes.csv")))
    return {int(r["participant"]): int(r["group-id"]) for r in rows if r["group-id"] != ""}


def unzip(archive: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        return {name: opened.read(name).decode("utf-8") for name in opened.namelist()}


@dataclass
class Staff:
    client: httpx.AsyncClient
    headers: dict[str, str]


async def staff(app: FastAPI, role: str) -> Staff:
    client = new_client(app)
    person = await make_person(app, role=role)
    return Staff(client, await sign_in(client, person))


@pytest.fixture
async def admin(app: FastAPI) -> AsyncIterator[Staff]:
    signed_in = await staff(app, "admin")
    yield signed_in
    await signed_in.client.aclose()


@pytest.fixture
async def facilitator(app: FastAPI) -> AsyncIterator[Staff]:
    signed_in = await staff(app, "facilitator")
    yield signed_in
    await signed_in.client.aclose()


async def import_polis(
    admin: Staff, comments: str, votes: str, *, title: str = "Imported from Pol.is"
) -> httpx.Response:
    return await admin.client.post(
        "/api/admin/conversations/polis-import",
        json={
            "title": title,
            "attribution": "Data was gathered using the Polis software (CC BY 4.0).",
            "comments_csv": comments,
            "votes_csv": votes,
        },
        headers=admin.headers,
    )


async def import_dataset(admin: Staff, dataset: str) -> uuid.UUID:
    response = await import_polis(
        admin, polis_file(dataset, "comments.csv"), polis_file(dataset, "votes.csv"), title=dataset
    )
    assert response.status_code == 201, response.text
    return uuid.UUID(response.json()["conversation_id"])
