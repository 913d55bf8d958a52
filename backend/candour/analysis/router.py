from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Response, status

from candour.analysis import interchange, opinion
from candour.analysis.errors import PolisFileRejected
from candour.analysis.schemas import OpinionGroups, PolisImportReport, PolisImportRequest
from candour.core.database import SessionDep
from candour.core.errors import NotAuthenticated, NotFound, PermissionDenied, problem_responses
from candour.core.settings import SettingsDep
from candour.identity import AdminCaller, EditorCaller

router = APIRouter(tags=["analysis"])
STAFF = (NotAuthenticated, PermissionDenied, NotFound)

_ZIP_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A zip of `comments.csv`, `votes.csv` and a `README.txt`.",
        "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.post(
    "/admin/conversations/polis-import",
    operation_id="import_polis",
    summary="Create a conversation from a Pol.is export",
    status_code=status.HTTP_201_CREATED,
    response_model=PolisImportReport,
    responses=problem_responses(PolisFileRejected, NotAuthenticated, PermissionDenied),
)
async def import_polis(
    body: PolisImportRequest, caller: AdminCaller, session: SessionDep, settings: SettingsDep
) -> PolisImportReport:
    """A closed conversation with one section, from Pol.is's open-data `comments.csv` and
    `votes.csv`. Statements become ideas (hidden where Pol.is moderated them out), Pol.is
    participants become pseudonyms that no account has, and each person's latest vote is
    kept: agree a like, disagree a dislike, pass a vote of 0 that counts as neither. All or
    nothing: a bad file is refused with every bad line named, and nothing is written."""
    return await interchange.import_polis(session, settings, caller, body)


@router.get(
    "/conversations/{conversation_id}/polis-export",
    operation_id="export_polis",
    summary="Download the conversation as Pol.is open-data files",
    response_class=Response,
    responses={**_ZIP_RESPONSE, **problem_responses(*STAFF)},
)
async def export_polis(
    conversation_id: uuid.UUID, caller: EditorCaller, session: SessionDep, settings: SettingsDep
) -> Response:
    """`comments.csv` and `votes.csv` in Pol.is's format, for facilitators and admins.
    Statements and voters are numbered in an order that reveals nothing, each statement has
    an author number of its own, times are coarsened, and a vote carries its statement's
    time (Candour keeps none for votes). The README in the zip says so."""
    archive = await interchange.export_polis(session, settings, caller, conversation_id)
    return Response(
        archive,
        media_type="application/zip",
        headers={"Content-Disposition": 'attachment; filename="polis-export.zip"'},
    )


@router.get(
    "/conversations/{conversation_id}/opinion-groups",
    operation_id="get_opinion_groups",
    summary="Groups of participants who vote alike",
    response_model=OpinionGroups,
    responses=problem_responses(*STAFF),
)
async def get_opinion_groups(
    conversation_id: uuid.UUID, caller: EditorCaller, session: SessionDep
) -> OpinionGroups:
    """Computed as Pol.is computes them (PCA of the vote matrix, k-means, silhouette), with
    the ideas that represent each group, those with broad agreement across groups and the
    most divisive. Group sizes and per-idea counts only: no participant appears."""
    return await opinion.get_opinion_groups(session, caller, conversation_id)
