"""The report as downloads: its JSON, and one flat CSV table.

The CSV is "long": one row per figure, with the columns ``table, scope, scope_id,
scope_name, item, measure, value``, so a spreadsheet's filter or a pivot table reads any
part of it and a script needs no knowledge of its layout:

- ``report`` (scope ``conversation``): ``title``, ``status``, ``version``, ``published_at``,
  ``computed_at``, ``time_zone``, ``min_group_size``;
- ``figures`` (scope ``conversation``, ``section`` or ``theme``, with its id and name): every
  number of ``ScopeFigures``, ``posts`` … ``divisiveness``; empty where there are no votes;
- ``top_ideas`` (item: rank 1–5): ``idea_id``, ``title``, ``likes``, ``dislikes``,
  ``net_support``, ``comments``, ``agreement``;
- ``quotes`` (item: rank 1–3): ``kind``, ``idea_id``, ``text``, ``likes``, ``dislikes``;
- ``participation`` (item: the day, ISO): ``ideas``, ``comments``, ``votes``;
- ``breakdown`` (scope ``attribute``, ``scope_name`` the attribute; item: the value, or
  ``(suppressed)`` for the groups folded together, or ``(withheld)``): ``contributors``,
  ``posts``, and ``groups`` on the suppressed row;
- ``opinion_groups`` (item: the group's letter, empty for the whole): ``size``; ``status``,
  ``participants``, ``grouped_participants``.

Cells a spreadsheet would run as formulas are neutralised (``core.csvfiles``).
"""

from __future__ import annotations

from collections.abc import Iterator

from candour.analysis.reports.schemas import ScopeFigures, SummaryReport
from candour.core.csvfiles import csv_text

COLUMNS = ("table", "scope", "scope_id", "scope_name", "item", "measure", "value")
FIGURE_MEASURES = (
    "posts",
    "ideas",
    "comments",
    "paper_posts",
    "contributors",
    "voters",
    "likes",
    "dislikes",
    "net_support",
    "agreement",
    "agreement_low",
    "agreement_high",
    "divisiveness",
)
TOP_IDEA_MEASURES = (
    "idea_id",
    "title",
    "likes",
    "dislikes",
    "net_support",
    "comments",
    "agreement",
)
QUOTE_MEASURES = ("kind", "idea_id", "text", "likes", "dislikes")
SUPPRESSED, WITHHELD = "(suppressed)", "(withheld)"

Row = dict[str, object]


def _row(table: str, scope: str, measure: str, value: object, **rest: object) -> Row:
    return {"table": table, "scope": scope, "measure": measure, "value": value, **rest}


def _scope_rows(figures: ScopeFigures) -> Iterator[Row]:
    where = {
        "scope_id": figures.scope_id or "",
        "scope_name": figures.name,
    }
    scope = figures.kind.value
    data = figures.model_dump(mode="json")
    for measure in FIGURE_MEASURES:
        yield _row("figures", scope, measure, data[measure], **where)
    for rank, idea in enumerate(data["top_ideas"], 1):
        for measure in TOP_IDEA_MEASURES:
            yield _row("top_ideas", scope, measure, idea[measure], item=rank, **where)
    for rank, quote in enumerate(data["quotes"], 1):
        for measure in QUOTE_MEASURES:
            yield _row("quotes", scope, measure, quote[measure], item=rank, **where)


def _rows(report: SummaryReport) -> Iterator[Row]:
    head = report.model_dump(mode="json")
    whole = {"scope_id": report.conversation_id}
    for measure in (
        "title",
        "status",
        "version",
        "published_at",
        "computed_at",
        "time_zone",
        "min_group_size",
    ):
        yield _row("report", "conversation", measure, head[measure], **whole)
    for figures in (report.overall, *report.sections, *report.themes):
        yield from _scope_rows(figures)
    for day in report.participation:
        for measure in ("ideas", "comments", "votes"):
            value = getattr(day, measure)
            yield _row("participation", "conversation", measure, value, item=day.day.isoformat())
    for b in report.breakdowns:
        named = {"scope_name": b.attribute}
        if b.withheld:
            yield _row("breakdown", "attribute", "withheld", 1, item=WITHHELD, **named)
            continue
        for g in b.groups:
            for measure in ("contributors", "posts"):
                yield _row(
                    "breakdown", "attribute", measure, getattr(g, measure), item=g.value, **named
                )
        if b.suppressed_groups:
            for measure, value in (
                ("groups", b.suppressed_groups),
                ("contributors", b.suppressed_contributors),
                ("posts", b.suppressed_posts),
            ):
                yield _row("breakdown", "attribute", measure, value, item=SUPPRESSED, **named)
    groups = report.opinion_groups
    for measure, value in (
        ("status", groups.status.value),
        ("participants", groups.participants),
        ("grouped_participants", groups.grouped_participants),
    ):
        yield _row("opinion_groups", "conversation", measure, value)
    for group in groups.groups:
        yield _row("opinion_groups", "conversation", "size", group.size, item=group.label)


def report_csv(report: SummaryReport) -> str:
    return csv_text(COLUMNS, _rows(report))


def report_json(report: SummaryReport) -> str:
    return report.model_dump_json(indent=2)


def file_name(report: SummaryReport, extension: str) -> str:
    which = f"v{report.version}" if report.version else "draft"
    return f"report-{report.conversation_id}-{which}.{extension}"
