"""The CSV and JSON downloads parse, hold the same figures as the report, and carry
nothing that identifies a participant."""

from __future__ import annotations

import csv
import io
import json

import asyncpg
from fastapi import FastAPI

from candour.analysis.reports.exports import COLUMNS, FIGURE_MEASURES
from candour.identity.pseudonyms import pseudonym_for
from tests.analysis.conftest import Staff, staff
from tests.analysis.reports.conftest import Planter
from tests.analysis.reports.test_figures import small_conversation
from tests.support.factories import make_conversation, make_person, make_section


def _rows(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames or ()) == COLUMNS
    return list(reader)


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def _assert_csv_matches(rows: list[dict[str, str]], report: dict) -> None:
    figures = {
        (r["scope"], r["scope_id"], r["measure"]): r["value"]
        for r in rows
        if r["table"] == "figures"
    }
    for scope in (report["overall"], *report["sections"], *report["themes"]):
        for measure in FIGURE_MEASURES:
            key = (scope["kind"], scope["scope_id"] or "", measure)
            assert figures[key] == _cell(scope[measure]), key
    tops = [
        r["value"]
        for r in rows
        if r["table"] == "top_ideas" and r["scope"] == "conversation" and r["measure"] == "title"
    ]
    assert tops == [i["title"] for i in report["overall"]["top_ideas"]]
    days = {
        (r["item"], r["measure"]): int(r["value"]) for r in rows if r["table"] == "participation"
    }
    assert days == {
        (d["day"], m): d[m] for d in report["participation"] for m in ("ideas", "comments", "votes")
    }
    head = {r["measure"]: r["value"] for r in rows if r["table"] == "report"}
    assert head["status"] == report["status"]
    assert head["version"] == _cell(report["version"])


async def test_downloads_match_the_report(
    app: FastAPI, db: asyncpg.Connection, facilitator: Staff
) -> None:
    ids = await small_conversation(app, db)
    base = f"/api/conversations/{ids['conversation']}/report"
    draft_csv = await facilitator.client.get(f"{base}/export.csv", headers=facilitator.headers)
    assert draft_csv.status_code == 200, draft_csv.text
    assert draft_csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in draft_csv.headers["content-disposition"]
    assert "draft" in draft_csv.headers["content-disposition"]
    draft = (await facilitator.client.get(base, headers=facilitator.headers)).json()
    _assert_csv_matches(_rows(draft_csv.text), draft)

    published = (
        await facilitator.client.post(f"{base}/versions", headers=facilitator.headers)
    ).json()
    sponsor = await staff(app, "sponsor")
    # Without a version a sponsor downloads the latest published one.
    for who, query in ((sponsor, {}), (facilitator, {"version": 1})):
        as_csv = await who.client.get(f"{base}/export.csv", params=query, headers=who.headers)
        assert as_csv.status_code == 200
        assert 'filename="report-' in as_csv.headers["content-disposition"]
        _assert_csv_matches(_rows(as_csv.text), published)
        as_json = await who.client.get(f"{base}/export.json", params=query, headers=who.headers)
        assert as_json.status_code == 200
        assert json.loads(as_json.text) == published
    nothing = await sponsor.client.get(
        f"{base}/export.csv", params={"version": 9}, headers=sponsor.headers
    )
    assert nothing.status_code == 404
    await sponsor.client.aclose()


async def test_a_formula_in_a_post_is_neutralised_in_the_csv(
    app: FastAPI, db: asyncpg.Connection, facilitator: Staff
) -> None:
    cid = await make_conversation(app)
    sid = await make_section(app, cid)
    plant = Planter(app, db, cid)
    await plant.idea(
        sid, await make_person(app, conversation_id=cid), title="=HYPERLINK(1)", likes=2
    )
    text = (
        await facilitator.client.get(
            f"/api/conversations/{cid}/report/export.csv", headers=facilitator.headers
        )
    ).text
    assert ",'=HYPERLINK(1)\r\n" in text
    assert ",=HYPERLINK" not in text


async def test_no_report_output_identifies_a_participant(
    app: FastAPI, db: asyncpg.Connection, facilitator: Staff
) -> None:
    """Twelve named participants at one site write and vote; neither the draft, a version,
    nor either download holds an address, a name, an account id or a pseudonym."""
    cid = await make_conversation(app)
    sid = await make_section(app, cid)
    plant = Planter(app, db, cid)
    people = [
        await make_person(
            app,
            conversation_id=cid,
            name=f"Matron Hattie Jacques{n}",
            email=f"hattie{n}@trust.example",
            attributes={"site": "Central", "band": f"Band {n}"},
        )
        for n in range(12)
    ]
    plant.pool = [pseudonym_for(app.state.settings, cid, p.id) for p in people]
    for person in people:
        idea = await plant.idea(
            sid, person, title="Break room", body="A quieter break room", likes=4, dislikes=1
        )
        await plant.comment(idea, person, body="Seconded", likes=2)
    base = f"/api/conversations/{cid}/report"
    await facilitator.client.post(f"{base}/versions", headers=facilitator.headers)
    needles = [
        needle for p in people for needle in (p.email, p.display_name or "", str(p.id), p.id.hex)
    ]
    for p in plant.pool:
        needles += [p.hex(), *(__import__("base64").b64encode(p).decode()[:20],)]
    outputs = [
        await facilitator.client.get(base + path, headers=facilitator.headers)
        for path in ("", "/versions/1", "/published", "/versions", "/export.csv", "/export.json")
    ]
    for output in outputs:
        assert output.status_code == 200
        for needle in needles:
            assert needle not in output.text
    report = outputs[0].json()
    # The attribute everyone shares is shown; "band", one value per person, is all suppressed.
    sites = next(b for b in report["breakdowns"] if b["attribute"] == "site")
    bands = next(b for b in report["breakdowns"] if b["attribute"] == "band")
    assert sites["groups"] == [{"value": "Central", "contributors": 12, "posts": 24}]
    assert (bands["groups"], bands["suppressed_groups"]) == ([], 12)
    assert "Band 3" not in outputs[0].text
