from __future__ import annotations

from enum import StrEnum
from typing import Any

from fastapi import APIRouter, Response

from candour.core.database import SessionDep
from candour.core.errors import NotAuthenticated, NotFound, PermissionDenied, problem_responses
from candour.core.settings import SettingsDep
from candour.identity import CSRF_COOKIE, SESSION_COOKIE, AdminCaller, AnyCaller
from candour.privacy import service
from candour.privacy.schemas import (
    Erased,
    EraseMeRequest,
    EraseParticipantRequest,
    MyDataExport,
    RetentionRunOut,
    RetentionStatus,
)

router = APIRouter(tags=["personal data"])


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"


_CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Your data, as JSON (`format=json`) or as one CSV table (`format=csv`).",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}


@router.get(
    "/me/export",
    operation_id="export_my_data",
    summary="Download what you posted and voted",
    response_model=MyDataExport,
    responses={**_CSV_RESPONSE, **problem_responses(NotAuthenticated)},
)
async def export_my_data(
    caller: AnyCaller,
    session: SessionDep,
    settings: SettingsDep,
    format: ExportFormat = ExportFormat.json,
) -> Any:
    export = await service.export_my_data(session, settings, caller)
    if format == ExportFormat.csv:
        return Response(
            service.export_csv(export),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="candour-my-data.csv"'},
        )
    return export


@router.post(
    "/me/erase",
    operation_id="erase_me",
    summary="Erase your account and what links you to your posts",
    response_model=Erased,
    responses=problem_responses(NotAuthenticated, PermissionDenied, service.ErasureNotConfirmed),
)
async def erase_me(
    body: EraseMeRequest,
    caller: AnyCaller,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
) -> Erased:
    """At once and for good: your address, name, password and the link from you to your
    posts go, and every session of yours stops working. You choose whether your posts (and
    with them your likes and dislikes) stay, anonymous and unchangeable, or are withdrawn."""
    erased = await service.erase_me(session, settings, caller, body.posts, body.confirm)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="strict")
    response.delete_cookie(CSRF_COOKIE, path="/", secure=True, samesite="strict")
    return erased


@router.post(
    "/admin/participants/erase",
    operation_id="erase_participant",
    summary="Erase someone who asked by email",
    response_model=Erased,
    responses=problem_responses(NotAuthenticated, PermissionDenied, NotFound),
)
async def erase_participant(
    body: EraseParticipantRequest, _: AdminCaller, session: SessionDep, settings: SettingsDep
) -> Erased:
    return await service.erase_participant(session, settings, body.email, body.posts)


@router.get(
    "/admin/retention",
    operation_id="get_retention_status",
    summary="When personal data will be deleted, and what was deleted",
    response_model=RetentionStatus,
    responses=problem_responses(NotAuthenticated, PermissionDenied),
)
async def get_retention_status(
    _: AdminCaller, session: SessionDep, settings: SettingsDep
) -> RetentionStatus:
    return await service.retention_status(session, settings)


@router.post(
    "/admin/retention/run",
    operation_id="run_retention_now",
    summary="Run the retention job now",
    response_model=list[RetentionRunOut],
    responses=problem_responses(NotAuthenticated, PermissionDenied),
)
async def run_retention_now(
    _: AdminCaller, session: SessionDep, settings: SettingsDep
) -> list[RetentionRunOut]:
    """Deletes the personal data of every conversation whose retention date has passed
    (the same job the scheduler runs); returns what each run deleted."""
    return [service.run_out(run) for run in await service.run_due_in_session(session, settings)]
