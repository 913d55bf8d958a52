"""Identity rules: importing staff, sign-in links, passwords, sessions, throttling.

The only module that reads or writes personal data. Other domains use the small public
interface in ``candour.identity`` (``__init__.py``) instead.
"""

from __future__ import annotations

import asyncio
import csv
import io
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import ColumnElement, bindparam, column, delete, exists, func, select, table, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import BindParameter

from candour.core.database import table_of
from candour.core.errors import FieldProblem, NotFound
from candour.core.prepared import Executor, Prepared
from candour.core.security import (
    SessionClaims,
    create_session_token,
    hash_client_key,
    hash_link_token,
    hash_password,
    new_link_token,
    verify_password,
)
from candour.core.settings import Settings
from candour.identity.errors import (
    ImportRejected,
    InvalidCredentials,
    InvalidSignInLink,
    RateLimited,
    SignInThrottled,
    WeakPassword,
)
from candour.identity.models import (
    Account,
    ActionCounter,
    AuthorLink,
    Membership,
    Role,
    SignInFailure,
    SignInToken,
)
from candour.identity.pseudonyms import pseudonym_for, seal_account_id
from candour.identity.schemas import ImportedRow, ImportReport
from candour.mail import service as mail

INVITATION = "invitation"
REQUESTED = "requested"
MAX_IMPORT_ROWS = 50_000
LINKS_PER_ADDRESS_PER_HOUR = 3
_NAME_COLUMNS = ("name", "display_name")
_RESERVED_COLUMNS = {"email", "role", *_NAME_COLUMNS}
_conversations = table("conversations", column("id"), column("closes_at"))


def normalise_email(address: str) -> str:
    return address.strip().lower()


@asynccontextmanager
async def minimum_duration(milliseconds: int) -> AsyncIterator[None]:
    """Take at least this long, whatever happens inside: answers about accounts must not
    be faster for unknown addresses than for known ones."""
    started = time.perf_counter()
    try:
        yield
    finally:
        remaining = milliseconds / 1000 - (time.perf_counter() - started)
        if remaining > 0:
            await asyncio.sleep(remaining)


# --- importing and enrolling -------------------------------------------------------------


@dataclass
class _ParsedRow:
    line: int
    email: str
    display_name: str | None
    role: str
    attributes: dict[str, str]


def _parse_import(csv_text: str) -> list[_ParsedRow]:
    reader = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))
    headers = [(h or "").strip().lower() for h in reader.fieldnames or []]
    if "email" not in headers:
        raise ImportRejected(
            "The CSV needs a header row with an `email` column.",
            errors=[FieldProblem(field="csv.line.1", message="no `email` column", code="missing")],
        )
    reader.fieldnames = headers
    rows: list[_ParsedRow] = []
    problems: list[FieldProblem] = []
    seen: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        if len(rows) + len(problems) >= MAX_IMPORT_ROWS:
            raise ImportRejected(f"An import holds at most {MAX_IMPORT_ROWS} rows.")
        if None in record:
            problems.append(
                FieldProblem(
                    field=f"csv.line.{line}", message="more cells than headers", code="extra_cells"
                )
            )
            continue
        values = {k: (v or "").strip() for k, v in record.items()}
        if not any(values.values()):
            continue
        try:
            email = validate_email(values["email"], check_deliverability=False).normalized.lower()
        except EmailNotValidError as exc:
            problems.append(
                FieldProblem(field=f"csv.line.{line}.email", message=str(exc), code="invalid_email")
            )
            continue
        if email in seen:
            problems.append(
                FieldProblem(
                    field=f"csv.line.{line}.email",
                    message=f"{email} already appears on line {seen[email]}",
                    code="duplicate_email",
                )
            )
            continue
        seen[email] = line
        role = values.get("role") or Role.participant.value
        if role not in Role.__members__:
            problems.append(
                FieldProblem(
                    field=f"csv.line.{line}.role",
                    message=f"unknown role {role!r}; use one of {', '.join(Role.__members__)}",
                    code="invalid_role",
                )
            )
            continue
        name = next((values[c] for c in _NAME_COLUMNS if values.get(c)), None)
        too_long = [k for k, v in values.items() if len(v) > 200]
        if too_long:
            problems.append(
                FieldProblem(
                    field=f"csv.line.{line}.{too_long[0]}",
                    message="longer than 200 characters",
                    code="too_long",
                )
            )
            continue
        attributes = {k: v for k, v in values.items() if k not in _RESERVED_COLUMNS and k and v}
        rows.append(_ParsedRow(line, email, name, role, attributes))
    if problems:
        raise ImportRejected(
            f"{len(problems)} row(s) could not be imported; nothing was imported.", errors=problems
        )
    if not rows:
        raise ImportRejected("The CSV holds no rows to import.")
    return rows


async def import_participants(
    session: AsyncSession,
    settings: Settings,
    *,
    csv_text: str,
    conversation_id: uuid.UUID | None,
    send_invitations: bool,
) -> ImportReport:
    """Create accounts for new addresses, enrol everyone, invite the new ones.

    All or nothing: any bad row refuses the whole import, line by line.
    """
    if conversation_id is not None:
        await _require_conversation(session, conversation_id)
    rows = _parse_import(csv_text)
    emails = [r.email for r in rows]
    found = await session.execute(
        select(Account.email, Account.id).where(Account.email.in_(emails))
    )
    existing = {email: account_id for email, account_id in found}
    new_rows = [r for r in rows if r.email not in existing]
    created: dict[str, uuid.UUID] = {}
    if new_rows:
        result = await session.execute(
            insert(Account).returning(Account.email, Account.id),
            [
                {
                    "id": uuid.uuid4(),
                    "email": r.email,
                    "display_name": r.display_name,
                    "role": r.role,
                    "attributes": r.attributes,
                }
                for r in new_rows
            ],
        )
        created = {email: account_id for email, account_id in result}
    enrolled = 0
    if conversation_id is not None:
        enrolled = await enrol(
            session, settings, [*existing.values(), *created.values()], conversation_id
        )
    invited = 0
    if send_invitations and created:
        await _issue_links(session, settings, list(created.items()), INVITATION)
        invited = len(created)
    return ImportReport(
        created=len(created),
        existing=len(existing),
        invited=invited,
        enrolled=enrolled,
        rows=[
            ImportedRow(
                line=r.line, email=r.email, outcome="existing" if r.email in existing else "created"
            )
            for r in rows
        ],
    )


async def _require_conversation(session: AsyncSession, conversation_id: uuid.UUID) -> None:
    found = await session.scalar(
        select(_conversations.c.id).where(_conversations.c.id == conversation_id)
    )
    if found is None:
        raise NotFound(f"No conversation {conversation_id}.")


async def enrol(
    session: AsyncSession,
    settings: Settings,
    account_ids: list[uuid.UUID],
    conversation_id: uuid.UUID,
) -> int:
    """Make people members of a conversation and write their relay links.

    Links are inserted sorted by pseudonym, which is random with respect to the accounts,
    so the physical order of ``author_links`` says nothing about who is who.
    """
    if not account_ids:
        return 0
    added = (
        (
            await session.execute(
                insert(Membership).on_conflict_do_nothing().returning(Membership.account_id),
                [{"account_id": a, "conversation_id": conversation_id} for a in account_ids],
            )
        )
        .scalars()
        .all()
    )
    links = sorted(
        (pseudonym_for(settings, conversation_id, account_id), account_id) for account_id in added
    )
    if links:
        await session.execute(
            insert(AuthorLink).on_conflict_do_nothing(),
            [
                {
                    "pseudonym": pseudonym,
                    "conversation_id": conversation_id,
                    "sealed_account_id": seal_account_id(settings, pseudonym, account_id),
                }
                for pseudonym, account_id in links
            ],
        )
    return len(added)


# --- sign-in links -----------------------------------------------------------------------


def _link_email(settings: Settings, token: str, purpose: str, hours: float) -> tuple[str, str]:
    link = f"{settings.public_url.rstrip('/')}/#/set-password?token={token}"
    if purpose == INVITATION:
        subject = "You are invited to take part in a Candour conversation"
        opening = (
            "You have been invited to an anonymous staff conversation. Nothing you post or "
            "vote will ever be shown with your name."
        )
    else:
        subject = "Your Candour sign-in link"
        opening = "Someone (we hope you) asked for a new sign-in link for this address."
    validity = f"{int(hours)} hours" if hours >= 2 else f"{int(hours * 60)} minutes"
    body = (
        f"{opening}\n\nOpen this link to choose your password and sign in:\n\n{link}\n\n"
        f"The link works once and expires in {validity}. If you did not expect this email, "
        "you can ignore it.\n"
    )
    return subject, body


async def _issue_links(
    session: AsyncSession, settings: Settings, accounts: list[tuple[str, uuid.UUID]], purpose: str
) -> None:
    """Replace any unused links of these people with fresh ones and queue the emails."""
    ids = [account_id for _, account_id in accounts]
    await session.execute(
        delete(SignInToken).where(SignInToken.account_id.in_(ids), SignInToken.used_at.is_(None))
    )
    hours = (
        settings.invitation_link_hours
        if purpose == INVITATION
        else settings.requested_link_minutes / 60
    )
    expires_at = datetime.now(UTC) + timedelta(hours=hours)
    tokens, messages = [], []
    for email, account_id in accounts:
        token = new_link_token()
        token_hash = hash_link_token(token)
        tokens.append(
            {
                "token_hash": token_hash,
                "account_id": account_id,
                "purpose": purpose,
                "expires_at": expires_at,
            }
        )
        subject, body = _link_email(settings, token, purpose, hours)
        messages.append(
            {
                "idempotency_key": f"sign-in-link:{token_hash.hex()}",
                "recipient": email,
                "subject": subject,
                "body": body,
            }
        )
    await session.execute(insert(SignInToken), tokens)
    await mail.enqueue_many(session, messages)


async def request_sign_in_link(session: AsyncSession, settings: Settings, email: str) -> None:
    """Send a new link to a known address, or to a new one under an allowed domain.

    Says nothing either way: the caller answers identically whatever happens here. At most
    ``LINKS_PER_ADDRESS_PER_HOUR`` links go to one address, so the form cannot be used to
    flood someone's mailbox.
    """
    email = normalise_email(email)
    sent, _ = await _count_action(session, settings, sign_in_link_key(email), 3600)
    if sent > LINKS_PER_ADDRESS_PER_HOUR:
        return
    account = await session.scalar(select(Account).where(Account.email == email))
    if account is None:
        domain = email.rsplit("@", 1)[-1]
        if domain not in settings.allowed_email_domains:
            return
        account = Account(id=uuid.uuid4(), email=email, role=Role.participant.value)
        session.add(account)
        await session.flush()
        open_conversations = (
            await session.scalars(
                select(_conversations.c.id).where(_conversations.c.closes_at > func.now())
            )
        ).all()
        for conversation_id in open_conversations:
            await enrol(session, settings, [account.id], conversation_id)
    await _issue_links(session, settings, [(account.email, account.id)], REQUESTED)


def _check_password_strength(settings: Settings, password: str, email: str) -> None:
    problems = []
    if len(password) < settings.password_min_length:
        problems.append(f"use at least {settings.password_min_length} characters")
    if password.strip().lower() in {email, email.split("@")[0]}:
        problems.append("do not use your email address")
    if len(set(password)) < 4:
        problems.append("use more than a few different characters")
    if problems:
        raise WeakPassword(
            "Choose a stronger password: " + "; ".join(problems) + ".",
            errors=[
                FieldProblem(field="body.password", message=p, code="weak_password")
                for p in problems
            ],
        )


async def set_password_with_link(
    session: AsyncSession, settings: Settings, *, token: str, password: str
) -> Account:
    """Use a one-time link: set the password, end older sessions, spend the link."""
    token_hash = hash_link_token(token)
    row = await session.scalar(
        select(SignInToken).where(SignInToken.token_hash == token_hash).with_for_update()
    )
    now = datetime.now(UTC)
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise InvalidSignInLink(
            "This sign-in link is not valid: it may have been used already or expired. "
            "Ask for a new link on the sign-in page."
        )
    account = await session.get_one(Account, row.account_id, with_for_update=True)
    _check_password_strength(settings, password, account.email)
    row.used_at = now
    account.password_hash = await asyncio.to_thread(hash_password, password)
    account.token_version += 1
    return account


async def change_password(
    session: AsyncSession, settings: Settings, *, account_id: uuid.UUID, current: str, new: str
) -> Account:
    account = await session.get_one(Account, account_id, with_for_update=True)
    if not await asyncio.to_thread(verify_password, current, account.password_hash):
        raise InvalidCredentials("The current password is not right.")
    _check_password_strength(settings, new, account.email)
    account.password_hash = await asyncio.to_thread(hash_password, new)
    account.token_version += 1
    return account


# --- signing in --------------------------------------------------------------------------


def _throttle_keys(settings: Settings, email: str, client: str) -> list[tuple[str, int]]:
    secret = settings.jwt_secret.get_secret_value()
    return [
        (
            hash_client_key(secret, account_throttle_key(email)),
            settings.throttle_max_failures_per_account,
        ),
        (hash_client_key(secret, "client:" + client), settings.throttle_max_failures_per_client),
    ]


async def _check_throttle(
    session: AsyncSession, settings: Settings, keys: list[tuple[str, int]]
) -> None:
    window = timedelta(seconds=settings.throttle_window_seconds)
    since = datetime.now(UTC) - window
    for key_hash, limit in keys:
        count, oldest = (
            await session.execute(
                select(func.count(), func.min(SignInFailure.failed_at)).where(
                    SignInFailure.key_hash == key_hash, SignInFailure.failed_at > since
                )
            )
        ).one()
        if count >= limit:
            retry_after = max(1, int((oldest + window - datetime.now(UTC)).total_seconds()) + 1)
            raise SignInThrottled(
                f"Too many failed sign-ins. Try again in {retry_after} seconds, or ask for a "
                "new sign-in link.",
                headers={"Retry-After": str(retry_after)},
            )


async def authenticate(
    session: AsyncSession, settings: Settings, *, email: str, password: str, client: str
) -> Account:
    """Check email and password, throttled per account and per client.

    An unknown address costs the same argon2 work as a known one and gets the same answer.
    """
    email = normalise_email(email)
    keys = _throttle_keys(settings, email, client)
    await _check_throttle(session, settings, keys)
    account = await session.scalar(select(Account).where(Account.email == email))
    # argon2 takes a tenth of a second on purpose: keep it off the event loop.
    verified = await asyncio.to_thread(
        verify_password, password, account.password_hash if account else None
    )
    if not verified or account is None:
        cutoff = datetime.now(UTC) - timedelta(seconds=settings.throttle_window_seconds)
        await session.execute(delete(SignInFailure).where(SignInFailure.failed_at < cutoff))
        session.add_all(SignInFailure(key_hash=key_hash) for key_hash, _ in keys)
        raise InvalidCredentials("The email address or password is not right.")
    await session.execute(delete(SignInFailure).where(SignInFailure.key_hash == keys[0][0]))
    return account


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


async def conversation_ids_of(session: AsyncSession, account_id: uuid.UUID) -> list[uuid.UUID]:
    return list(
        (
            await session.scalars(
                select(Membership.conversation_id).where(Membership.account_id == account_id)
            )
        ).all()
    )


async def assign_role(session: AsyncSession, *, email: str, role: Role) -> Account:
    # FOR UPDATE waits for the person's writes under way (they hold the row FOR KEY SHARE),
    # so nothing authorised under the old role commits after the change.
    account = await session.scalar(
        select(Account).where(Account.email == normalise_email(email)).with_for_update()
    )
    if account is None:
        raise NotFound("No account has that address; import it first.")
    if account.role != role.value:
        # A changed role must not ride on sessions issued for the old one.
        await session.execute(
            update(Account)
            .where(Account.id == account.id)
            .values(role=role.value, token_version=Account.token_version + 1)
        )
        await session.refresh(account)
    return account


def allowance_key(action: str, account_id: uuid.UUID) -> str:
    """The counter of one person's rate-limited action (before hashing)."""
    return f"{action}:{account_id}"


def sign_in_link_key(email: str) -> str:
    return f"sign-in-link:{email}"


def account_throttle_key(email: str) -> str:
    return f"account:{email}"


async def spend_allowance(
    session: Executor,
    settings: Settings,
    account_id: uuid.UUID,
    action: str,
    limit: int,
    window_seconds: int,
) -> None:
    """Count one ``action`` by this person in the current fixed window; refuse past ``limit``.

    Runs in the caller's transaction: a refused request rolls its own count back."""
    count, retry_after = await _count_action(
        session, settings, allowance_key(action, account_id), window_seconds
    )
    if count > limit:
        raise RateLimited(
            f"You have reached the limit of {limit} for now. "
            f"Please try again in {retry_after} seconds.",
            headers={"Retry-After": str(retry_after)},
        )


_counters = table_of(ActionCounter)
# Built once (it runs on every vote and post); Core, so no ORM bookkeeping per call.
_COUNT_ACTION = Prepared(
    insert(_counters)
    .values(key_hash=bindparam("key_hash"), window_start=bindparam("window_start"), count=1)
    .on_conflict_do_update(
        index_elements=["key_hash", "window_start"], set_={"count": _counters.c.count + 1}
    )
    .returning(_counters.c.count),
    in_transaction=True,
)


async def _count_action(
    session: Executor, settings: Settings, key: str, window_seconds: int
) -> tuple[int, int]:
    """Add one to ``key``'s count in the current fixed window; return (count, seconds left)."""
    now = datetime.now(UTC)
    epoch = int(now.timestamp())
    window_start = datetime.fromtimestamp(epoch - epoch % window_seconds, UTC)
    key_hash = hash_client_key(settings.jwt_secret.get_secret_value(), key)
    row = await _COUNT_ACTION.fetch_one(
        session, {"key_hash": key_hash, "window_start": window_start}
    )
    assert row is not None  # an upsert with RETURNING always returns its row
    count = row["count"]
    retry_after = max(
        1, int((window_start + timedelta(seconds=window_seconds) - now).total_seconds())
    )
    return int(count), retry_after


async def purge_stale_counters(session: AsyncSession, older_than: timedelta) -> int:
    """Drop rate-limit windows that ended long ago (run by the retention job)."""
    cutoff = datetime.now(UTC) - older_than
    result = await session.execute(
        delete(ActionCounter)
        .where(ActionCounter.window_start < cutoff)
        .returning(ActionCounter.key_hash)
    )
    return len(result.all())


def me_fields(account: Account) -> dict[str, Any]:
    return {
        "id": account.id,
        "email": account.email,
        "display_name": account.display_name,
        "role": account.role,
        "attributes": account.attributes,
    }
