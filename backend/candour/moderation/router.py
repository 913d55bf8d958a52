from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from candour.audit import service as audit
from candour.audit.schemas import AuditEntryOut
from candour.contributions.errors import ContributionNotFound
from candour.contributions.models import Moderation, ReasonCategory
from candour.core.database import SessionDep
from candour.core.errors import NotAuthenticated, NotFound, PermissionDenied, problem_responses
from candour.core.settings import SettingsDep
from candour.identity import AuthorUnreachable, FacilitatorCaller, ParticipantCaller, RateLimited
from candour.moderation import actions, cases, paper, restructure, triage
from candour.moderation.errors import (
    ActionNotPossible,
    AlreadyClaimed,
    ItemNotFound,
    ItemResolved,
    PaperWindowClosed,
)
from candour.moderation.schemas import (
    ActionRequest,
    AmendRequest,
    CaseNoteRequest,
    CaseOut,
    CloseCaseRequest,
    ContributionHistory,
    ContributionView,
    MergeRequest,
    MoveRequest,
    OpenCaseRequest,
    PaperSubmission,
    QueueItemOut,
    Removed,
    RemoveRequest,
    ReportOut,
    ReportRequest,
    ResolveRequest,
    ScreeningTermIn,
    SplitRequest,
    SplitResult,
    SupportMessageRequest,
    UnhideRequest,
)
from candour.queue import screening
from candour.queue.models import ItemState, TargetKind

router = APIRouter(tags=["moderation"])
BASE = "/conversations/{conversation_id}/moderation"
STAFF = (NotAuthenticated, PermissionDenied, NotFound)


@router.post(
    "/conversations/{conversation_id}/reports",
    operation_id="report_contribution",
    summary="Report a post to the facilitators",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ReportOut,
    responses=problem_responses(
        NotAuthenticated, PermissionDenied, NotFound, ContributionNotFound, RateLimited
    ),
)
async def report_contribution(
    conversation_id: uuid.UUID,
    body: ReportRequest,
    caller: ParticipantCaller,
    session: SessionDep,
    settings: SettingsDep,
) -> ReportOut:
    """Who reported is not recorded; the post joins the moderation queue with the reason."""
    return await triage.report(
        session,
        settings,
        caller,
        conversation_id,
        body.target_kind,
        body.target_id,
        body.category,
        body.note,
    )


@router.get(
    BASE + "/queue",
    operation_id="list_moderation_queue",
    summary="The moderation queue: safeguarding first, then abuse, personal, other; oldest first",
    response_model=list[QueueItemOut],
    responses=problem_responses(*STAFF),
)
async def list_moderation_queue(
    conversation_id: uuid.UUID,
    caller: FacilitatorCaller,
    session: SessionDep,
    state: Annotated[
        list[ItemState] | None, Query(description="Default: open and claimed.")
    ] = None,
    category: ReasonCategory | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[QueueItemOut]:
    states = state or [ItemState.open, ItemState.claimed]
    return await triage.list_queue(
        session, caller, conversation_id, states=states, category=category, limit=limit
    )


@router.post(
    "/moderation/items/{item_id}/claim",
    operation_id="claim_moderation_item",
    summary="Take a queue item so nobody else works on it",
    response_model=QueueItemOut,
    responses=problem_responses(
        NotAuthenticated, PermissionDenied, ItemNotFound, AlreadyClaimed, ItemResolved
    ),
)
async def claim_moderation_item(
    item_id: uuid.UUID, caller: FacilitatorCaller, session: SessionDep
) -> QueueItemOut:
    return await triage.claim(session, caller, item_id)


@router.post(
    "/moderation/items/{item_id}/resolve",
    operation_id="resolve_moderation_item",
    summary="Close a queue item with the decision taken",
    response_model=QueueItemOut,
    responses=problem_responses(
        NotAuthenticated, PermissionDenied, ItemNotFound, AlreadyClaimed, ItemResolved
    ),
)
async def resolve_moderation_item(
    item_id: uuid.UUID, body: ResolveRequest, caller: FacilitatorCaller, session: SessionDep
) -> QueueItemOut:
    return await triage.resolve(session, caller, item_id, body.decision)


@router.get(
    BASE + "/{target_kind}/{target_id}",
    operation_id="get_contribution_history",
    summary="A post as the facilitators see it, with its queue items and audit history",
    response_model=ContributionHistory,
    responses=problem_responses(*STAFF, ContributionNotFound),
)
async def get_contribution_history(
    conversation_id: uuid.UUID,
    target_kind: TargetKind,
    target_id: uuid.UUID,
    caller: FacilitatorCaller,
    session: SessionDep,
) -> ContributionHistory:
    return await triage.history(session, caller, conversation_id, target_kind, target_id)


@router.post(
    BASE + "/{target_kind}/{target_id}/hide",
    operation_id="hide_contribution",
    summary="Hide a post behind a public note",
    response_model=ContributionView,
    responses=problem_responses(*STAFF, ContributionNotFound, ActionNotPossible),
)
async def hide_contribution(
    conversation_id: uuid.UUID,
    target_kind: TargetKind,
    target_id: uuid.UUID,
    body: ActionRequest,
    caller: FacilitatorCaller,
    session: SessionDep,
) -> ContributionView:
    """The public sees "Hidden by the facilitators" and the reason's category; replies
    under a hidden post stay visible."""
    return await actions.set_moderation(
        session,
        caller,
        conversation_id,
        target_kind,
        target_id,
        to=Moderation.hidden,
        category=body.category,
        reason=body.reason,
    )


@router.post(
    BASE + "/{target_kind}/{target_id}/unhide",
    operation_id="unhide_contribution",
    summary="Show a hidden post again (or approve a held one)",
    response_model=ContributionView,
    responses=problem_responses(*STAFF, ContributionNotFound, ActionNotPossible),
)
async def unhide_contribution(
    conversation_id: uuid.UUID,
    target_kind: TargetKind,
    target_id: uuid.UUID,
    body: UnhideRequest,
    caller: FacilitatorCaller,
    session: SessionDep,
) -> ContributionView:
    return await actions.set_moderation(
        session,
        caller,
        conversation_id,
        target_kind,
        target_id,
        to=Moderation.visible,
        category=None,
        reason=body.reason,
    )


@router.post(
    "/conversations/{conversation_id}/paper-submissions",
    operation_id="create_paper_submission",
    summary="Enter an idea or comment from a paper form",
    status_code=status.HTTP_201_CREATED,
    response_model=ContributionView,
    responses=problem_responses(*STAFF, ContributionNotFound, PaperWindowClosed),
)
async def create_paper_submission(
    conversation_id: uuid.UUID,
    body: PaperSubmission,
    caller: FacilitatorCaller,
    session: SessionDep,
    settings: SettingsDep,
) -> ContributionView:
    """Marked as from paper, with no author; accepted after the close for the grace period."""
    return await paper.create_paper_submission(session, settings, caller, conversation_id, body)


_CSV_OR_JSON: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "JSON, or CSV with `format=csv`.",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}


@router.get(
    "/conversations/{conversation_id}/audit",
    operation_id="list_audit_log",
    summary="The facilitators' decisions, with who, when, why, before and after",
    response_model=list[AuditEntryOut],
    responses={**_CSV_OR_JSON, **problem_responses(*STAFF)},
)
async def list_audit_log(
    conversation_id: uuid.UUID,
    caller: FacilitatorCaller,
    session: SessionDep,
    action: Annotated[str | None, Query(max_length=40)] = None,
    target_id: uuid.UUID | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    format: Annotated[str, Query(pattern="^(json|csv)$")] = "json",
) -> Any:
    entries = await audit.list_audit(
        session,
        caller,
        conversation_id,
        action=action,
        target_id=target_id,
        since=since,
        until=until,
    )
    if format == "csv":
        return Response(
            audit.audit_csv(entries),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="candour-audit-log.csv"'},
        )
    return entries


@router.get(
    "/moderation/terms",
    operation_id="list_screening_terms",
    summary="The abusive-language list that screening uses",
    response_model=list[str],
    responses=problem_responses(NotAuthenticated, PermissionDenied),
)
async def list_screening_terms(_: FacilitatorCaller, session: SessionDep) -> list[str]:
    return await screening.abusive_terms(session)


@router.post(
    "/moderation/terms",
    operation_id="add_screening_term",
    summary="Add a word or phrase to the abusive-language list",
    status_code=status.HTTP_201_CREATED,
    response_model=list[str],
    responses=problem_responses(NotAuthenticated, PermissionDenied),
)
async def add_screening_term(
    body: ScreeningTermIn, _: FacilitatorCaller, session: SessionDep
) -> list[str]:
    return await screening.add_term(session, body.term)


@router.delete(
    "/moderation/terms/{term}",
    operation_id="remove_screening_term",
    summary="Take a word or phrase off the abusive-language list",
    response_model=list[str],
    responses=problem_responses(NotAuthenticated, PermissionDenied, NotFound),
)
async def remove_screening_term(term: str, _: FacilitatorCaller, session: SessionDep) -> list[str]:
    return await screening.remove_term(session, term)


@router.post(
    BASE + "/{target_kind}/{target_id}/amend",
    operation_id="amend_contribution",
    summary="Reword a post to take out what identifies someone",
    response_model=ContributionView,
    responses=problem_responses(*STAFF, ContributionNotFound, ActionNotPossible),
)
async def amend_contribution(
    conversation_id: uuid.UUID,
    target_kind: TargetKind,
    target_id: uuid.UUID,
    body: AmendRequest,
    caller: FacilitatorCaller,
    session: SessionDep,
) -> ContributionView:
    """The public sees the new text with "Edited by the facilitators"; the original stays in
    the audit log, for facilitators only."""
    return await actions.amend(session, caller, conversation_id, target_kind, target_id, body)


@router.post(
    BASE + "/{target_kind}/{target_id}/remove",
    operation_id="remove_contribution",
    summary="Remove an abusive post and tell its author why",
    response_model=Removed,
    responses=problem_responses(*STAFF, ContributionNotFound, ActionNotPossible),
)
async def remove_contribution(
    conversation_id: uuid.UUID,
    target_kind: TargetKind,
    target_id: uuid.UUID,
    body: RemoveRequest,
    caller: FacilitatorCaller,
    session: SessionDep,
    settings: SettingsDep,
) -> Removed:
    return await actions.remove(
        session, settings, caller, conversation_id, target_kind, target_id, body
    )


@router.post(
    BASE + "/idea/{idea_id}/move",
    operation_id="move_idea",
    summary="Move an idea to another section",
    response_model=ContributionView,
    responses=problem_responses(*STAFF, ContributionNotFound, ActionNotPossible),
)
async def move_idea(
    conversation_id: uuid.UUID,
    idea_id: uuid.UUID,
    body: MoveRequest,
    caller: FacilitatorCaller,
    session: SessionDep,
) -> ContributionView:
    return await restructure.move_idea(session, caller, conversation_id, idea_id, body)


@router.post(
    BASE + "/idea/{idea_id}/split",
    operation_id="split_idea",
    summary="Split a multi-topic idea into several",
    response_model=SplitResult,
    responses=problem_responses(*STAFF, ContributionNotFound, ActionNotPossible),
)
async def split_idea(
    conversation_id: uuid.UUID,
    idea_id: uuid.UUID,
    body: SplitRequest,
    caller: FacilitatorCaller,
    session: SessionDep,
) -> SplitResult:
    return await restructure.split_idea(session, caller, conversation_id, idea_id, body)


@router.post(
    BASE + "/idea/{idea_id}/merge",
    operation_id="merge_ideas",
    summary="Merge duplicate ideas into this one",
    response_model=ContributionView,
    responses=problem_responses(*STAFF, ContributionNotFound, ActionNotPossible),
)
async def merge_ideas(
    conversation_id: uuid.UUID,
    idea_id: uuid.UUID,
    body: MergeRequest,
    caller: FacilitatorCaller,
    session: SessionDep,
) -> ContributionView:
    """Comments move over; each person's vote counts once."""
    return await restructure.merge_ideas(session, caller, conversation_id, idea_id, body)


CASES = "/conversations/{conversation_id}/safeguarding"
CASE_ERRORS = (NotAuthenticated, PermissionDenied, cases.CaseNotFound, cases.CaseConflict)


@router.post(
    CASES,
    operation_id="open_safeguarding_case",
    summary="Open a safeguarding case from a post",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseOut,
    responses=problem_responses(*STAFF, ContributionNotFound, cases.CaseConflict),
)
async def open_safeguarding_case(
    conversation_id: uuid.UUID,
    body: OpenCaseRequest,
    caller: FacilitatorCaller,
    session: SessionDep,
) -> CaseOut:
    return await cases.open_case(
        session, caller, conversation_id, body.target_kind, body.target_id, body.note
    )


@router.get(
    CASES,
    operation_id="list_safeguarding_cases",
    summary="The safeguarding cases of a conversation",
    response_model=list[CaseOut],
    responses=problem_responses(*STAFF),
)
async def list_safeguarding_cases(
    conversation_id: uuid.UUID,
    caller: FacilitatorCaller,
    session: SessionDep,
    state: Annotated[str | None, Query(pattern="^(open|closed)$")] = None,
) -> list[CaseOut]:
    return await cases.list_cases(session, caller, conversation_id, state)


@router.get(
    "/safeguarding/{case_id}",
    operation_id="get_safeguarding_case",
    summary="One safeguarding case with its history",
    response_model=CaseOut,
    responses=problem_responses(*CASE_ERRORS),
)
async def get_safeguarding_case(
    case_id: uuid.UUID, caller: FacilitatorCaller, session: SessionDep
) -> CaseOut:
    return await cases.get_case(session, caller, case_id)


@router.post(
    "/safeguarding/{case_id}/notes",
    operation_id="add_case_note",
    summary="Add a note to a safeguarding case",
    response_model=CaseOut,
    responses=problem_responses(*CASE_ERRORS),
)
async def add_case_note(
    case_id: uuid.UUID, body: CaseNoteRequest, caller: FacilitatorCaller, session: SessionDep
) -> CaseOut:
    return await cases.add_note(session, caller, case_id, body.body)


@router.post(
    "/safeguarding/{case_id}/support-message",
    operation_id="send_support_message",
    summary="Send the author a support message listing the support services",
    response_model=CaseOut,
    responses=problem_responses(*CASE_ERRORS, AuthorUnreachable),
)
async def send_support_message(
    case_id: uuid.UUID,
    body: SupportMessageRequest,
    caller: FacilitatorCaller,
    session: SessionDep,
    settings: SettingsDep,
) -> CaseOut:
    """Through the relay: the author's inbox and email; the facilitator never learns who."""
    return await cases.send_support_message(session, settings, caller, case_id, body.body)


@router.post(
    "/safeguarding/{case_id}/close",
    operation_id="close_safeguarding_case",
    summary="Close a safeguarding case",
    response_model=CaseOut,
    responses=problem_responses(*CASE_ERRORS),
)
async def close_safeguarding_case(
    case_id: uuid.UUID, body: CloseCaseRequest, caller: FacilitatorCaller, session: SessionDep
) -> CaseOut:
    return await cases.close_case(session, caller, case_id, body.reason)
