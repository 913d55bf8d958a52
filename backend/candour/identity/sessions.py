"""Sessions: issuing a session token for an account, and checking in SQL that one still
holds and that its account takes part in a conversation.

The checks are Core expressions on bound parameters rather than ORM queries because they
ride inside the first query of every conversation request (see
:func:`candour.identity.dependencies.standing_columns`), so who is calling costs no round
trip of its own.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, bindparam, exists, select
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import BindParameter

from candour.core.database import table_of
from candour.core.prepared import Executor, Prepared
from candour.core.security import SessionClaims, create_session_token
from candour.core.settings import Settings
from candour.identity.models import Account, Membership


def open_session(settings: Settings, account: Account) -> tuple[str, SessionClaims]:
    return create_session_token(
        settings.jwt_secret.get_secret_value(),
        account_id=account.id,
        role=account.role,
        token_version=account.token_version,
        minutes=settings.access_token_minutes,
    )


_accounts = table_of(Account)
_memberships = table_of(Membership)


def role_for_session_column(for_write: bool) -> ColumnElement[str | None]:
    """The role of the account a session token names, if the token still holds (same
    version: not revoked, role unchanged), as a scalar subquery on bound parameters
    ``caller_account_id`` and ``caller_token_version``. Core columns, not ORM ones: this
    rides in the hot path of every conversation request."""
    query = select(_accounts.c.role).where(
        _accounts.c.id == bindparam("caller_account_id"),
        _accounts.c.token_version == bindparam("caller_token_version"),
    )
    if for_write:
        # FOR KEY SHARE is enough: erasure locks the row FOR UPDATE before deleting it,
        # which waits for every key-share holder; and it is the cheapest row lock to take.
        query = query.with_for_update(read=True, key_share=True)
    return query.scalar_subquery()


def takes_part_column(
    conversation_id: ColumnElement[uuid.UUID] | InstrumentedAttribute[uuid.UUID],
    account_id: uuid.UUID | BindParameter[uuid.UUID] | None = None,
) -> ColumnElement[bool]:
    """Does the account (by default the bound parameter ``caller_account_id``) take part
    in ``conversation_id``? As SQL to add to another query."""
    if account_id is None:
        account_id = bindparam("caller_account_id")
    return exists().where(
        _memberships.c.account_id == account_id,
        _memberships.c.conversation_id == conversation_id,
    )


_ROLE_FOR_SESSION = {
    for_write: Prepared(
        select(role_for_session_column(for_write).label("role")), in_transaction=for_write
    )
    for for_write in (False, True)
}


async def role_for_session(session: Executor, claims: SessionClaims, for_write: bool) -> str | None:
    """The account's role if the session still holds, else None (see
    :func:`role_for_session_column`)."""
    row = await _ROLE_FOR_SESSION[for_write].fetch_one(
        session,
        {"caller_account_id": claims.account_id, "caller_token_version": claims.token_version},
    )
    return row["role"] if row else None
