"""Sign-in, sessions, and the admin's import of staff, their invitations and roles."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from candour.core.database import SessionDep
from candour.core.errors import NotAuthenticated, NotFound, PermissionDenied, problem_responses
from candour.core.settings import Settings, SettingsDep
from candour.identity import (
    accounts,
    importing,
    invitations,
    links,
    passwords,
    sessions,
    signin,
    visits,
)
from candour.identity.dependencies import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    AdminCaller,
    AnyCaller,
)
from candour.identity.errors import (
    ImportRejected,
    InvalidCredentials,
    InvalidSignInLink,
    SignInThrottled,
    WeakPassword,
)
from candour.identity.models import Account
from candour.identity.schemas import (
    Accepted,
    AccountSummary,
    AssignRoleRequest,
    ChangePasswordRequest,
    ImportParticipantsRequest,
    ImportReport,
    InvitationsResent,
    InvitationTotals,
    LoginRequest,
    Me,
    SessionOut,
    SetPasswordRequest,
    SignInLinkRequest,
)

router = APIRouter(tags=["identity"])

LINK_REQUESTED = (
    "If this address may take part, a sign-in link is on its way. It can take a few "
    "minutes; check your junk folder too."
)


def _client_of(request: Request) -> str:
    # Used only as a throttling key, hashed before it is stored, never logged.
    return request.client.host if request.client else "unknown"


async def _me(session: AsyncSession, account: Account) -> Me:
    return Me(
        **accounts.me_fields(account),
        conversation_ids=await accounts.conversation_ids_of(session, account.id),
    )


async def _start_session(
    session: AsyncSession, settings: Settings, response: Response, account: Account
) -> SessionOut:
    token, claims = sessions.open_session(settings, account)
    max_age = settings.access_token_minutes * 60
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age,
        httponly=True,
        secure=True,
        samesite="strict",
        path="/",
    )
    # Readable by our page's script (not HttpOnly) so it can echo it in X-CSRF-Token;
    # another site can neither read it nor make the browser send the session cookie.
    response.set_cookie(
        CSRF_COOKIE,
        claims.csrf,
        max_age=max_age,
        httponly=False,
        secure=True,
        samesite="strict",
        path="/",
    )
    return SessionOut(
        access_token=token,
        expires_at=claims.expires_at,
        csrf_token=claims.csrf,
        me=await _me(session, account),
    )


@router.post(
    "/auth/login",
    operation_id="login",
    summary="Sign in with email and password",
    response_model=SessionOut,
    responses=problem_responses(InvalidCredentials, SignInThrottled),
)
async def login(
    body: LoginRequest,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
) -> SessionOut:
    """Answers the same, in the same time, for an unknown address and a wrong password.
    Repeated failures are refused for a while (429 with `Retry-After`)."""
    async with signin.minimum_duration(settings.auth_min_response_ms):
        account = await signin.authenticate(
            session, settings, email=body.email, password=body.password, client=_client_of(request)
        )
    await visits.count_visit(session, account)
    return await _start_session(session, settings, response, account)


@router.post(
    "/auth/logout",
    operation_id="logout",
    summary="Sign out of this browser",
    status_code=status.HTTP_204_NO_CONTENT,
)
async def logout(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="strict")
    response.delete_cookie(CSRF_COOKIE, path="/", secure=True, samesite="strict")


@router.post(
    "/auth/sign-in-link",
    operation_id="request_sign_in_link",
    summary="Ask for a new sign-in link by email",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Accepted,
    responses=problem_responses(),
)
async def request_sign_in_link(
    body: SignInLinkRequest, session: SessionDep, settings: SettingsDep
) -> Accepted:
    """The answer, and the time it takes, are the same whether or not the address is known."""
    async with signin.minimum_duration(settings.auth_min_response_ms):
        await links.request_sign_in_link(session, settings, body.email)
        await session.flush()
    return Accepted(detail=LINK_REQUESTED)


@router.post(
    "/auth/set-password",
    operation_id="set_password",
    summary="Choose a password from an emailed link, and sign in",
    response_model=SessionOut,
    responses=problem_responses(InvalidSignInLink, WeakPassword),
)
async def set_password(
    body: SetPasswordRequest, response: Response, session: SessionDep, settings: SettingsDep
) -> SessionOut:
    """The link works once and expires; setting a password ends every older session."""
    account = await passwords.set_password_with_link(
        session, settings, token=body.token, password=body.password
    )
    await visits.count_visit(session, account)
    return await _start_session(session, settings, response, account)


@router.post(
    "/auth/change-password",
    operation_id="change_password",
    summary="Change your password",
    response_model=SessionOut,
    responses=problem_responses(InvalidCredentials, WeakPassword, PermissionDenied),
)
async def change_password(
    body: ChangePasswordRequest,
    caller: AnyCaller,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
) -> SessionOut:
    """Every other session of yours stops working; this one is renewed."""
    account = await passwords.change_password(
        session,
        settings,
        account_id=caller.account_id,
        current=body.current_password,
        new=body.new_password,
    )
    return await _start_session(session, settings, response, account)


@router.get(
    "/me",
    operation_id="get_me",
    summary="Who am I",
    response_model=Me,
    responses=problem_responses(NotAuthenticated, PermissionDenied),
)
async def get_me(caller: AnyCaller, session: SessionDep) -> Me:
    account = await session.get_one(Account, caller.account_id)
    return await _me(session, account)


@router.post(
    "/admin/participants/import",
    operation_id="import_participants",
    summary="Import staff from CSV and invite them",
    response_model=ImportReport,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(ImportRejected, NotAuthenticated, PermissionDenied, NotFound),
)
async def import_participants(
    body: ImportParticipantsRequest, _: AdminCaller, session: SessionDep, settings: SettingsDep
) -> ImportReport:
    """All or nothing: a bad row refuses the import and the answer lists every bad line."""
    return await importing.import_participants(
        session,
        settings,
        csv_text=body.csv,
        conversation_id=body.conversation_id,
        send_invitations=body.send_invitations,
    )


@router.put(
    "/admin/roles",
    operation_id="assign_role",
    summary="Give a person a role",
    response_model=AccountSummary,
    responses=problem_responses(NotAuthenticated, PermissionDenied, NotFound),
)
async def assign_role(
    body: AssignRoleRequest, _: AdminCaller, session: SessionDep
) -> AccountSummary:
    """Their current sessions end, so the new role takes effect at their next sign-in."""
    account = await accounts.assign_role(session, email=body.email, role=body.role)
    return AccountSummary.model_validate(account)


@router.get(
    "/conversations/{conversation_id}/invitations",
    operation_id="get_invitation_totals",
    summary="How the invitations to a conversation stand",
    response_model=InvitationTotals,
    responses=problem_responses(NotAuthenticated, PermissionDenied, NotFound),
)
async def get_invitation_totals(
    conversation_id: uuid.UUID, _: AdminCaller, session: SessionDep
) -> InvitationTotals:
    """The invitations the imports sent to people new to this conversation: queued, sent
    and failed. Counts only; no address is ever returned."""
    return await invitations.invitation_totals(session, conversation_id)


@router.post(
    "/conversations/{conversation_id}/invitations/resend",
    operation_id="resend_failed_invitations",
    summary="Invite again those whose invitation failed",
    response_model=InvitationsResent,
    responses=problem_responses(NotAuthenticated, PermissionDenied, NotFound),
)
async def resend_failed_invitations(
    conversation_id: uuid.UUID, _: AdminCaller, session: SessionDep, settings: SettingsDep
) -> InvitationsResent:
    """Each person whose invitation was given up on gets a fresh link in a new invitation,
    once: a second call finds nothing left to resend."""
    return await invitations.resend_failed_invitations(session, settings, conversation_id)
