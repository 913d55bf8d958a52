"""Who is calling: the session cookie or bearer token, the CSRF check, one dependency per role."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPBearer
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from candour.core.database import SessionDep
from candour.core.errors import NotAuthenticated, PermissionDenied
from candour.core.prepared import Executor
from candour.core.security import InvalidSessionToken, SessionClaims, decode_session_token
from candour.core.settings import Settings
from candour.identity.accounts import conversation_ids_of
from candour.identity.counters import Allowance, allowance_for, spend_allowance
from candour.identity.models import Role
from candour.identity.pseudonyms import pseudonym_for
from candour.identity.sessions import role_for_session, role_for_session_column, takes_part_column

SESSION_COOKIE = "candour_session"
CSRF_COOKIE = "candour_csrf"
CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

_cookie = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    description="The browser session (HttpOnly). Writes need the `X-CSRF-Token` header too.",
)


class RateLimitedAction(StrEnum):
    post = "post"
    vote = "vote"
    report = "report"
    message = "message"

    def allowance(self, settings: Settings) -> tuple[int, int]:
        """(how many, per how many seconds)."""
        if self is RateLimitedAction.vote:
            return settings.rate_limit_votes_per_minute, 60
        if self is RateLimitedAction.report:
            return settings.rate_limit_reports_per_hour, 3600
        if self is RateLimitedAction.message:
            return settings.rate_limit_messages_per_hour, 3600
        return settings.rate_limit_posts_per_hour, 3600


@dataclass(frozen=True)
class Actor:
    """A member of staff as the audit log records them."""

    id: uuid.UUID
    label: str


@dataclass(frozen=True)
class Caller:
    """The signed-in person, as other domains may see them: a role and, per conversation,
    a pseudonym. The account id stays private to the identity domain."""

    role: Role
    _account_id: uuid.UUID
    _settings: Settings

    def pseudonym_in(self, conversation_id: uuid.UUID) -> bytes:
        return pseudonym_for(self._settings, conversation_id, self._account_id)

    def takes_part_in_clause(
        self, conversation_id: ColumnElement[uuid.UUID] | InstrumentedAttribute[uuid.UUID]
    ) -> ColumnElement[bool]:
        """Does the caller take part in this conversation? As SQL to add to another query,
        so the check costs no round trip of its own (the account stays a bound parameter
        inside identity's own table)."""
        return takes_part_column(conversation_id, self._account_id)

    async def spend(self, session: Executor, action: RateLimitedAction) -> None:
        """Count one rate-limited action by this person; 429 ``rate_limited`` past the limit."""
        limit, window = action.allowance(self._settings)
        await spend_allowance(
            session, self._settings, self._account_id, action.value, limit, window
        )

    def allowance(self, action: RateLimitedAction) -> Allowance:
        """The count :meth:`spend` keeps, to be spent inside another statement instead
        (:func:`~candour.identity.counters.allowance_spent`), one round trip fewer on the
        busiest write, a vote; the parameters carry a keyed hash, not the account."""
        limit, window = action.allowance(self._settings)
        return allowance_for(self._settings, self._account_id, action.value, limit, window)

    async def conversation_ids(self, session: AsyncSession) -> list[uuid.UUID]:
        return await conversation_ids_of(session, self._account_id)

    async def actor(self, session: AsyncSession) -> Actor:
        """Who a member of staff is, for the audit log. Participants have no actor: they
        are anonymous everywhere."""
        if self.role == Role.participant:
            raise PermissionDenied("Participants act anonymously and have no actor record.")
        from candour.identity.relay import staff_label

        return Actor(id=self._account_id, label=await staff_label(session, self._account_id))

    @property
    def account_id(self) -> uuid.UUID:
        """For the identity domain's own routes only."""
        return self._account_id


@dataclass(frozen=True)
class PendingCaller:
    """A session token that decoded and passed the CSRF check, not yet checked against the
    database (revoked, role changed, account erased).

    Routes about one conversation let that check ride in their first query
    (:func:`standing_columns`), so who is calling and where cost one round trip together;
    every other route gets a checked :class:`Caller` from :func:`_current_caller`.
    """

    claims: SessionClaims
    for_write: bool
    settings: Settings

    @property
    def params(self) -> dict[str, Any]:
        """The bound parameters :func:`standing_columns` expects."""
        return {
            "caller_account_id": self.claims.account_id,
            "caller_token_version": self.claims.token_version,
        }

    def confirm(self, role_found: str | None) -> Caller:
        """The caller, given the role the database returned for the token (None: no account
        holds it any more); 401 if the session no longer holds."""
        if role_found is None or role_found != self.claims.role:
            raise NotAuthenticated("Your session has ended or is not valid. Please sign in again.")
        return Caller(
            role=Role(role_found), _account_id=self.claims.account_id, _settings=self.settings
        )

    async def check(self, session: Executor) -> Caller:
        """The same check as a query of its own."""
        return self.confirm(await role_for_session(session, self.claims, self.for_write))


def standing_columns(
    conversation_id: ColumnElement[uuid.UUID], *, for_write: bool
) -> tuple[ColumnElement[str | None], ColumnElement[bool]]:
    """Two columns to add to another domain's query: the role of the account behind the
    session (NULL if it no longer holds), and whether it takes part in ``conversation_id``.
    They read :attr:`PendingCaller.params`; the account stays a bound parameter. For a
    write the account row is share-locked until the request commits, so that an erasure
    waits for writes already under way and every later write finds no account."""
    return role_for_session_column(for_write), takes_part_column(conversation_id)


class _SessionScheme(HTTPBearer):
    """The session of the request: a bearer token (this scheme) or, from a browser, the
    session cookie (the other scheme, a dependency of this one), decoded and checked as far
    as it can be without the database. One dependency rather than three: each costs every
    request FastAPI's bookkeeping, and this one runs on every request."""

    async def __call__(  # type: ignore[override]
        self, request: Request, cookie: Annotated[str | None, Depends(_cookie)]
    ) -> PendingCaller:
        bearer = await super().__call__(request)
        # The settings straight from the app, as SettingsDep reads them.
        settings: Settings = request.app.state.settings
        token = bearer.credentials if bearer else cookie
        if not token:
            raise NotAuthenticated("Sign in first.")
        try:
            claims = decode_session_token(settings.jwt_secret.get_secret_value(), token)
        except InvalidSessionToken:
            raise NotAuthenticated(
                "Your session has ended or is not valid. Please sign in again."
            ) from None
        for_write = request.method not in _SAFE_METHODS
        # The cookie is sent by the browser on its own; a write must also prove it came
        # from our page, which alone can read the CSRF cookie.
        if bearer is None and for_write and request.headers.get(CSRF_HEADER) != claims.csrf:
            raise PermissionDenied(
                "This request is missing its CSRF token; reload the page and try again."
            )
        return PendingCaller(claims=claims, for_write=for_write, settings=settings)


_pending_caller = _SessionScheme(
    scheme_name="HTTPBearer", auto_error=False, description="A session token from `login`."
)
PendingCallerDep = Annotated[PendingCaller, Depends(_pending_caller)]


async def _current_caller(pending: PendingCallerDep, session: SessionDep) -> Caller:
    return await pending.check(session)


def require_role(*roles: Role) -> Callable[..., Awaitable[Caller]]:
    allowed = set(roles)
    names = " or ".join(r.value for r in roles)

    async def dependency(caller: Annotated[Caller, Depends(_current_caller)]) -> Caller:
        if caller.role not in allowed:
            raise PermissionDenied(f"Only a {names} may do this.")
        return caller

    return dependency


AnyCaller = Annotated[Caller, Depends(_current_caller)]
ParticipantCaller = Annotated[Caller, Depends(require_role(Role.participant))]
FacilitatorCaller = Annotated[Caller, Depends(require_role(Role.facilitator))]
SponsorCaller = Annotated[Caller, Depends(require_role(Role.sponsor))]
AdminCaller = Annotated[Caller, Depends(require_role(Role.admin))]
# Facilitators write the conversation's pages; admins may too.
EditorCaller = Annotated[Caller, Depends(require_role(Role.facilitator, Role.admin))]
