from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response, status

from candour.analysis.reports import exports, service
from candour.analysis.reports.errors import (
    DraftNotForSponsors,
    ReportNotPublished,
    ReportVersionNotFound,
)
from candour.analysis.reports.schemas import ReportVersionInfo, SummaryReport
from candour.core.database import SessionDep
from candour.core.errors import NotAuthenticated, NotFound, PermissionDenied, problem_responses
from candour.core.settings import SettingsDep
from candour.identity import Caller, EditorCaller, Role, require_role

router = APIRouter(tags=["reports"])
# Facilitators and admins read drafts and versions; sponsors published versions only.
ReaderCaller = Annotated[Caller, Depends(require_role(Role.facilitator, Role.admin, Role.sponsor))]
STAFF = (NotAuthenticated, PermissionDenied, NotFound)
# Versions are PostgreSQL integers: a larger number could never name one.
MAX_VERSION = 2**31 - 1
VersionQuery = Annotated[
    int | None,
    Query(
        ge=1,
        le=MAX_VERSION,
        description="A published version. Left out: the draft for facilitators and admins, "
        "the latest published version for sponsors.",
    ),
]


def _download(content_type: str, what: str) -> dict[int | str, dict[str, Any]]:
    # The JSON download is the report itself; the CSV is text.
    ok: dict[str, Any] = (
        {"model": SummaryReport}
        if content_type == "application/json"
        else {"content": {content_type: {"schema": {"type": "string"}}}}
    )
    return {
        200: {"description": what, **ok},
        **problem_responses(*STAFF, ReportNotPublished, ReportVersionNotFound),
    }


def _attachment(body: str, media_type: str, name: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/conversations/{conversation_id}/report",
    operation_id="get_report",
    summary="The live draft of the summary report",
    response_model=SummaryReport,
    responses=problem_responses(*STAFF, DraftNotForSponsors),
)
async def get_report(
    conversation_id: uuid.UUID, caller: ReaderCaller, session: SessionDep, settings: SettingsDep
) -> SummaryReport:
    """Figures for the whole conversation, each section and each theme (posts, distinct
    contributors, likes, dislikes, net support, agreement with its Wilson interval,
    divisiveness, top ideas, representative quotes), participation per day, the opinion
    groups and breakdowns by participant attribute with small groups suppressed. Shown
    content only. Facilitators and admins; sponsors are refused (403
    `report_draft_not_for_sponsors`) and read published versions instead."""
    return await service.get_report(session, settings, caller, conversation_id)


@router.post(
    "/conversations/{conversation_id}/report/versions",
    operation_id="publish_report",
    summary="Publish the draft as the next version",
    status_code=status.HTTP_201_CREATED,
    response_model=SummaryReport,
    responses=problem_responses(*STAFF),
)
async def publish_report(
    conversation_id: uuid.UUID, caller: EditorCaller, session: SessionDep, settings: SettingsDep
) -> SummaryReport:
    """Freeze the report as it stands now as version 1, 2, …: what sponsors read from then
    on, unchanged by later posts, votes or moderation. Facilitators and admins."""
    return await service.publish_report(session, settings, caller, conversation_id)


@router.get(
    "/conversations/{conversation_id}/report/versions",
    operation_id="list_report_versions",
    summary="The published versions of the report",
    response_model=list[ReportVersionInfo],
    responses=problem_responses(*STAFF),
)
async def list_report_versions(
    conversation_id: uuid.UUID, caller: ReaderCaller, session: SessionDep
) -> list[ReportVersionInfo]:
    """Newest first; empty until one is published. Facilitators, admins and sponsors
    (who are not told which member of staff published)."""
    return await service.list_report_versions(session, caller, conversation_id)


@router.get(
    "/conversations/{conversation_id}/report/published",
    operation_id="get_published_report",
    summary="The latest published version of the report",
    response_model=SummaryReport,
    responses=problem_responses(*STAFF, ReportNotPublished),
)
async def get_published_report(
    conversation_id: uuid.UUID, caller: ReaderCaller, session: SessionDep
) -> SummaryReport:
    """What sponsors read by default: 404 `report_not_published` until a version exists."""
    return await service.get_report_version(session, caller, conversation_id, None)


@router.get(
    "/conversations/{conversation_id}/report/versions/{version}",
    operation_id="get_report_version",
    summary="One published version of the report",
    response_model=SummaryReport,
    responses=problem_responses(*STAFF, ReportVersionNotFound),
)
async def get_report_version(
    conversation_id: uuid.UUID,
    version: Annotated[
        int, Path(ge=1, le=MAX_VERSION, description="The version's number, from 1.")
    ],
    caller: ReaderCaller,
    session: SessionDep,
) -> SummaryReport:
    """The version exactly as it was published. Facilitators, admins and sponsors."""
    return await service.get_report_version(session, caller, conversation_id, version)


@router.get(
    "/conversations/{conversation_id}/report/export.csv",
    operation_id="export_report_csv",
    summary="Download the report as one CSV table",
    response_class=Response,
    responses=_download(
        "text/csv",
        "One row per figure: `table, scope, scope_id, scope_name, "
        "item, measure, value` (see docs/analysis.md).",
    ),
)
async def export_report_csv(
    conversation_id: uuid.UUID,
    caller: ReaderCaller,
    session: SessionDep,
    settings: SettingsDep,
    version: VersionQuery = None,
) -> Response:
    """Every figure of the report as a row, for spreadsheets and scripts."""
    report = await service.report_for_download(session, settings, caller, conversation_id, version)
    return _attachment(
        exports.report_csv(report), "text/csv; charset=utf-8", exports.file_name(report, "csv")
    )


@router.get(
    "/conversations/{conversation_id}/report/export.json",
    operation_id="export_report_json",
    summary="Download the report as JSON",
    response_class=Response,
    responses=_download("application/json", "The report, as `get_report` returns it."),
)
async def export_report_json(
    conversation_id: uuid.UUID,
    caller: ReaderCaller,
    session: SessionDep,
    settings: SettingsDep,
    version: VersionQuery = None,
) -> Response:
    """The report as a file, the same JSON as `get_report` / `get_report_version`."""
    report = await service.report_for_download(session, settings, caller, conversation_id, version)
    return _attachment(
        exports.report_json(report), "application/json", exports.file_name(report, "json")
    )
