"""The coding API: `/api/conversations/{conversation_id}/coding/...`.

Facilitators and admins only (``EditorCaller``): codes are analysts' working material.
Sponsors see themes only through the published summary report; participants and anonymous
callers are refused."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from candour.analysis.coding import agreement, analysts, changes, codings, frames, themes
from candour.analysis.coding.errors import (
    AnalystPairInvalid,
    CodeHasChildren,
    CodeNameTaken,
    CodeNotFound,
    CodeRetired,
    CodingExists,
    CodingNotFound,
    CodingNotSuggested,
    ExcerptOutOfRange,
    FrameChangeInvalid,
    FrameFull,
    FrameVersionNotFound,
    NotYourCoding,
    PostNotShown,
    SectionNotFound,
    SuggestionDecided,
    SuggestionNotFound,
    TooFewPosts,
    VersionsOutOfOrder,
)
from candour.analysis.coding.models import CodingStatus
from candour.analysis.coding.schemas import (
    AcceptedSuggestion,
    AcceptSuggestion,
    Agreement,
    AnalystList,
    CodeCreate,
    CodeList,
    CodeOut,
    CodeUpdate,
    CodingCreate,
    CodingList,
    CodingOut,
    FrameComparison,
    FrameVersionList,
    MergeRequest,
    RejectSuggestion,
    SplitRequest,
    SuggestRequest,
    ThemeRunList,
    ThemeRunOut,
    ThemeSuggestionOut,
)
from candour.contributions.errors import ContributionNotFound
from candour.core.database import SessionDep
from candour.core.errors import (
    FieldProblem,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    problem_responses,
)
from candour.identity import EditorCaller
from candour.queue.models import TargetKind

router = APIRouter(prefix="/conversations/{conversation_id}/coding", tags=["coding"])
MAX_VERSION = 2**31 - 1  # the column's range: a larger number is a 422, not a 500
STAFF = (NotAuthenticated, PermissionDenied, NotFound)
FRAME_CHANGE = (*STAFF, CodeNotFound, CodeRetired, CodeNameTaken, FrameFull)


# ---------------------------------------------------------------- the frame


@router.get(
    "/codes",
    operation_id="list_codes",
    summary="The coding frame: its codes",
    response_model=CodeList,
    responses=problem_responses(*STAFF),
)
async def list_codes(
    conversation_id: uuid.UUID,
    caller: EditorCaller,
    session: SessionDep,
    include_retired: Annotated[
        bool, Query(description="Also merged, split and retired codes.")
    ] = False,
) -> CodeList:
    """The frame's codes, parents before their children, with how many confirmed and
    suggested codings each holds, and the frame's current version."""
    return await frames.list_codes(
        session, caller, conversation_id, include_retired=include_retired
    )


@router.post(
    "/codes",
    operation_id="create_code",
    summary="Add a code to the frame",
    status_code=status.HTTP_201_CREATED,
    response_model=CodeOut,
    responses=problem_responses(*FRAME_CHANGE),
)
async def create_code(
    conversation_id: uuid.UUID, body: CodeCreate, caller: EditorCaller, session: SessionDep
) -> CodeOut:
    """A new code, at the top level or under a live parent; a new frame version. 409
    `code_name_taken` when a live sibling has the name (ignoring case)."""
    return await changes.create_code(session, caller, conversation_id, body)


@router.patch(
    "/codes/{code_id}",
    operation_id="update_code",
    summary="Rename, describe or move a code",
    response_model=CodeOut,
    responses=problem_responses(*FRAME_CHANGE, FrameChangeInvalid),
)
async def update_code(
    conversation_id: uuid.UUID,
    code_id: uuid.UUID,
    body: CodeUpdate,
    caller: EditorCaller,
    session: SessionDep,
) -> CodeOut:
    """Send what changes: a new `name`, `description`, or `parent_id` (null: the top
    level). Codings stay with the code. 422 `frame_change_invalid` for a move under the
    code itself or one of its sub-codes. A new frame version, unless nothing changed."""
    return await changes.update_code(session, caller, conversation_id, code_id, body)


@router.post(
    "/codes/merge",
    operation_id="merge_codes",
    summary="Merge codes into another",
    response_model=CodeOut,
    responses=problem_responses(*FRAME_CHANGE, FrameChangeInvalid),
)
async def merge_codes(
    conversation_id: uuid.UUID, body: MergeRequest, caller: EditorCaller, session: SessionDep
) -> CodeOut:
    """The codes in `codes` are retired into `into`: their codings move to it (where one
    analyst had coded the same text with both, one coding is kept, a confirmed one first),
    and their live sub-codes move under it. Returns the code merged into."""
    return await changes.merge_codes(session, caller, conversation_id, body)


@router.post(
    "/codes/{code_id}/split",
    operation_id="split_code",
    summary="Split a code into new ones",
    status_code=status.HTTP_201_CREATED,
    response_model=list[CodeOut],
    responses=problem_responses(*FRAME_CHANGE, FrameChangeInvalid, CodeHasChildren, CodingNotFound),
)
async def split_code(
    conversation_id: uuid.UUID,
    code_id: uuid.UUID,
    body: SplitRequest,
    caller: EditorCaller,
    session: SessionDep,
) -> list[CodeOut]:
    """Two or more new codes under the same parent. Each part lists the codings of the
    original that move to it; the others stay on the original, which is retired (a code
    with live sub-codes cannot be split: move them first). Returns the new codes."""
    return await changes.split_code(session, caller, conversation_id, code_id, body)


@router.post(
    "/codes/{code_id}/retire",
    operation_id="retire_code",
    summary="Retire a code",
    response_model=CodeOut,
    responses=problem_responses(*FRAME_CHANGE, CodeHasChildren),
)
async def retire_code(
    conversation_id: uuid.UUID, code_id: uuid.UUID, caller: EditorCaller, session: SessionDep
) -> CodeOut:
    """The code takes no new codings and leaves the frame; its codings are kept, for the
    record. A code with live sub-codes cannot be retired."""
    return await changes.retire_code(session, caller, conversation_id, code_id)


@router.get(
    "/versions",
    operation_id="list_frame_versions",
    summary="The frame's versions",
    response_model=FrameVersionList,
    responses=problem_responses(*STAFF),
)
async def list_frame_versions(
    conversation_id: uuid.UUID,
    caller: EditorCaller,
    session: SessionDep,
    before: Annotated[
        int | None, Query(ge=1, le=MAX_VERSION, description="Versions before this one.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> FrameVersionList:
    """Newest first: each version's number, time, the staff member who made it, and what
    changed (a structured record: added, updated with before and after, merged, split,
    retired)."""
    return await frames.list_versions(session, caller, conversation_id, before=before, limit=limit)


@router.get(
    "/versions/compare",
    operation_id="compare_frame_versions",
    summary="Compare two versions of the frame",
    response_model=FrameComparison,
    responses=problem_responses(*STAFF, FrameVersionNotFound, VersionsOutOfOrder),
)
async def compare_frame_versions(
    conversation_id: uuid.UUID,
    caller: EditorCaller,
    session: SessionDep,
    from_version: Annotated[
        int | None,
        Query(
            alias="from",
            ge=0,
            le=MAX_VERSION,
            description="The earlier version (0: the empty frame); default the one before `to`.",
        ),
    ] = None,
    to_version: Annotated[
        int | None,
        Query(
            alias="to", ge=0, le=MAX_VERSION, description="The later version; default the latest."
        ),
    ] = None,
) -> FrameComparison:
    """What was added, renamed, re-described, moved, merged into what, split into what and
    retired between the two versions."""
    return await frames.compare_versions(session, caller, conversation_id, from_version, to_version)


# ---------------------------------------------------------------- codings


@router.post(
    "/codings",
    operation_id="code_contribution",
    summary="Apply a code to an idea or a comment",
    status_code=status.HTTP_201_CREATED,
    response_model=CodingOut,
    responses=problem_responses(
        *STAFF,
        CodeNotFound,
        CodeRetired,
        ContributionNotFound,
        PostNotShown,
        ExcerptOutOfRange,
        CodingExists,
    ),
)
async def code_contribution(
    conversation_id: uuid.UUID, body: CodingCreate, caller: EditorCaller, session: SessionDep
) -> CodingOut:
    """The whole post, or an excerpt of its body (`start`, `end`: character offsets, end
    exclusive, into the body as it is now; the excerpt's text is kept as it was). The post
    must be shown (published and visible) and the code live. Recorded as the caller's
    judgement; several analysts may code the same text."""
    return await codings.code_contribution(session, caller, conversation_id, body)


@router.get(
    "/codings",
    operation_id="list_codings",
    summary="Codings by code, by post or by analyst",
    response_model=CodingList,
    responses=problem_responses(*STAFF),
)
async def list_codings(
    conversation_id: uuid.UUID,
    caller: EditorCaller,
    session: SessionDep,
    code_id: uuid.UUID | None = None,
    include_subcodes: Annotated[
        bool, Query(description="With `code_id`: codings of the codes below it too.")
    ] = False,
    post_kind: Annotated[TargetKind | None, Query(description="With `post_id`.")] = None,
    post_id: uuid.UUID | None = None,
    analyst_id: uuid.UUID | None = None,
    coding_status: Annotated[CodingStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> CodingList:
    """Oldest first. An excerpt's text is given while its post is shown and the excerpt
    still stands in it (`excerpt_shown` says why not otherwise)."""
    if (post_kind is None) != (post_id is None):
        raise InvalidInput(
            "Give `post_kind` and `post_id` together.",
            errors=[FieldProblem(field="query.post_kind", message="with post_id", code="pair")],
        )
    return await codings.list_codings(
        session,
        caller,
        conversation_id,
        code_id=code_id,
        include_subcodes=include_subcodes,
        post_kind=post_kind,
        post_id=post_id,
        analyst_id=analyst_id,
        status=coding_status,
        limit=limit,
        offset=offset,
    )


@router.delete(
    "/codings/{coding_id}",
    operation_id="remove_coding",
    summary="Remove a coding",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problem_responses(*STAFF, CodingNotFound, NotYourCoding),
)
async def remove_coding(
    conversation_id: uuid.UUID, coding_id: uuid.UUID, caller: EditorCaller, session: SessionDep
) -> Response:
    """An analyst removes their own codings; an admin anyone's."""
    await codings.remove_coding(session, caller, conversation_id, coding_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/codings/{coding_id}/confirm",
    operation_id="confirm_coding",
    summary="Confirm a suggested coding",
    response_model=CodingOut,
    responses=problem_responses(
        *STAFF, CodingNotFound, CodingNotSuggested, CodeRetired, CodingExists
    ),
)
async def confirm_coding(
    conversation_id: uuid.UUID, coding_id: uuid.UUID, caller: EditorCaller, session: SessionDep
) -> CodingOut:
    """A pre-coding from an accepted theme suggestion becomes the caller's judgement
    (`status: confirmed`, `reviewed_by` the caller)."""
    return await codings.review_coding(session, caller, conversation_id, coding_id, confirm=True)


@router.post(
    "/codings/{coding_id}/reject",
    operation_id="reject_coding",
    summary="Reject a suggested coding",
    response_model=CodingOut,
    responses=problem_responses(*STAFF, CodingNotFound, CodingNotSuggested),
)
async def reject_coding(
    conversation_id: uuid.UUID, coding_id: uuid.UUID, caller: EditorCaller, session: SessionDep
) -> CodingOut:
    """The pre-coding is kept, marked rejected with who and when, and counts nowhere."""
    return await codings.review_coding(session, caller, conversation_id, coding_id, confirm=False)


# ---------------------------------------------------------------- agreement


@router.get(
    "/analysts",
    operation_id="list_analysts",
    summary="The staff who work on this coding, by name",
    response_model=AnalystList,
    responses=problem_responses(*STAFF),
)
async def list_analysts(
    conversation_id: uuid.UUID, caller: EditorCaller, session: SessionDep
) -> AnalystList:
    """Turns the account ids on codings, versions and suggestions into the names colleagues
    know each other by; staff act in their own name. The choice of two analysts for
    `coder_agreement` comes from here."""
    return await analysts.list_analysts(session, caller, conversation_id)


@router.get(
    "/agreement",
    operation_id="coder_agreement",
    summary="Agreement between two analysts (Cohen's kappa)",
    response_model=Agreement,
    responses=problem_responses(*STAFF, AnalystPairInvalid),
)
async def coder_agreement(
    conversation_id: uuid.UUID,
    caller: EditorCaller,
    session: SessionDep,
    analyst_a: uuid.UUID | None = None,
    analyst_b: uuid.UUID | None = None,
) -> Agreement:
    """Over the posts both analysts coded: per live code the 2×2 table of yes/no decisions
    and its kappa; overall, kappa of the pooled (post, code) decisions of the codes either
    used, and the mean per-code kappa. Name both analysts, or neither for the pair who coded
    most posts in common. Kappa is null, with the reason, where it is undefined."""
    return await agreement.coder_agreement(session, caller, conversation_id, analyst_a, analyst_b)


# ---------------------------------------------------------------- theme suggestions


@router.post(
    "/theme-suggestions",
    operation_id="suggest_themes",
    summary="Suggest candidate themes from the text",
    status_code=status.HTTP_201_CREATED,
    response_model=ThemeRunOut,
    responses=problem_responses(*STAFF, SectionNotFound, TooFewPosts),
)
async def suggest_themes(
    conversation_id: uuid.UUID, body: SuggestRequest, caller: EditorCaller, session: SessionDep
) -> ThemeRunOut:
    """Clusters the shown posts (ideas and comments) of the conversation or one section
    with TF-IDF and k-means, offline and reproducibly, into candidate themes, each with
    keywords and its most representative quotes. The run is kept; nothing is coded until
    an analyst accepts a suggestion."""
    return await themes.suggest(session, caller, conversation_id, body)


@router.get(
    "/theme-suggestions",
    operation_id="list_theme_suggestions",
    summary="Theme suggestion runs and what was decided",
    response_model=ThemeRunList,
    responses=problem_responses(*STAFF),
)
async def list_theme_suggestions(
    conversation_id: uuid.UUID,
    caller: EditorCaller,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> ThemeRunList:
    """The latest runs, newest first, with each suggestion's keywords, quotes and
    decision (who accepted or rejected it, when, and the code it became)."""
    return await themes.list_runs(session, caller, conversation_id, limit=limit)


@router.post(
    "/theme-suggestions/{suggestion_id}/accept",
    operation_id="accept_theme_suggestion",
    summary="Accept a suggestion as a code",
    status_code=status.HTTP_201_CREATED,
    response_model=AcceptedSuggestion,
    responses=problem_responses(*FRAME_CHANGE, SuggestionNotFound, SuggestionDecided),
)
async def accept_theme_suggestion(
    conversation_id: uuid.UUID,
    suggestion_id: uuid.UUID,
    caller: EditorCaller,
    session: SessionDep,
    body: AcceptSuggestion | None = None,
) -> AcceptedSuggestion:
    """A new code (named as given, or by the suggestion's label; optionally under a
    parent), a new frame version, and each of the theme's still-shown posts pre-coded with
    it as `suggested`, waiting for a person to confirm or reject each."""
    return await themes.accept(
        session, caller, conversation_id, suggestion_id, body or AcceptSuggestion()
    )


@router.post(
    "/theme-suggestions/{suggestion_id}/reject",
    operation_id="reject_theme_suggestion",
    summary="Reject a suggestion",
    response_model=ThemeSuggestionOut,
    responses=problem_responses(*STAFF, SuggestionNotFound, SuggestionDecided),
)
async def reject_theme_suggestion(
    conversation_id: uuid.UUID,
    suggestion_id: uuid.UUID,
    caller: EditorCaller,
    session: SessionDep,
    body: RejectSuggestion | None = None,
) -> ThemeSuggestionOut:
    """Recorded with who, when and the reason given; nothing is coded."""
    return await themes.reject(
        session, caller, conversation_id, suggestion_id, body or RejectSuggestion()
    )
