"""Forgetting people: erasure on request and retention after a conversation is complete.

Other domains drive these through :class:`Person`, an opaque handle that offers the
person's pseudonyms (so their content can be withdrawn) but never their account.
"""

from __future__ import annotations

import hmac
import uuid
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from candour.core.security import hash_client_key
from candour.core.settings import Settings
from candour.identity.accounts import normalise_email
from candour.identity.counters import account_throttle_key, allowance_key, sign_in_link_key
from candour.identity.dependencies import Caller, RateLimitedAction
from candour.identity.models import (
    Account,
    ActionCounter,
    AuthorLink,
    Membership,
    Role,
    SignInFailure,
)
from candour.identity.pseudonyms import pseudonym_for
from candour.mail import service as mail


@dataclass(frozen=True)
class Person:
    """Someone about to be forgotten: their pseudonym in each of their conversations."""

    pseudonyms: dict[uuid.UUID, bytes]
    _account_id: uuid.UUID = field(repr=False)


@dataclass(frozen=True)
class Forgotten:
    """What a retention run deleted."""

    accounts: int
    memberships: int
    links: int
    mails: int


async def _person(session: AsyncSession, settings: Settings, account: Account) -> Person:
    conversation_ids = (
        await session.scalars(
            select(Membership.conversation_id).where(Membership.account_id == account.id)
        )
    ).all()
    return Person(
        pseudonyms={cid: pseudonym_for(settings, cid, account.id) for cid in conversation_ids},
        _account_id=account.id,
    )


async def person_of_caller(
    session: AsyncSession, settings: Settings, caller: Caller
) -> Person | None:
    """The caller, locked against concurrent writes until this transaction ends."""
    account = await session.get(Account, caller.account_id, with_for_update=True)
    return await _person(session, settings, account) if account else None


async def person_by_email(session: AsyncSession, settings: Settings, email: str) -> Person | None:
    account = await session.scalar(
        select(Account).where(Account.email == normalise_email(email)).with_for_update()
    )
    return await _person(session, settings, account) if account else None


# A purpose of its own, so an erasure token can never be mistaken for a pseudonym (which
# the same key derives from a conversation and an account).
_ERASURE_TOKEN_PURPOSE = b"candour-erasure-ledger-v1|"


def _erasure_token(settings: Settings, account_id: uuid.UUID) -> bytes:
    key = settings.pseudonym_key.get_secret_value().encode()
    return hmac.digest(key, _ERASURE_TOKEN_PURPOSE + account_id.bytes, "sha256")


def erasure_token(settings: Settings, person: Person) -> bytes:
    """What the erasure ledger keeps of someone erased: a keyed hash of their account id.

    Without the key (never in the database) it names nobody; with it, it can only confirm
    that a given account was erased, which is all a restore needs. The account id, not the
    address: someone who comes back later with the same address is a new account and must
    not be erased again by a restore."""
    return _erasure_token(settings, person._account_id)


@dataclass(frozen=True)
class ErasureIndex:
    """The erasure token of every account present (say, in a restored backup), hashed once,
    so that re-applying many ledger entries costs one pass over the accounts."""

    _accounts: dict[bytes, uuid.UUID] = field(repr=False)

    async def person(
        self, session: AsyncSession, settings: Settings, token: bytes
    ) -> Person | None:
        """Whoever has this token now, locked until the transaction ends; None if nobody
        does (never in this database, or gone since the index was made)."""
        account_id = self._accounts.get(token)
        if account_id is None:
            return None
        account = await session.get(Account, account_id, with_for_update=True)
        return await _person(session, settings, account) if account else None


async def erasure_index(session: AsyncSession, settings: Settings) -> ErasureIndex:
    account_ids = (await session.scalars(select(Account.id))).all()
    return ErasureIndex({_erasure_token(settings, a): a for a in account_ids})


async def erase_person(session: AsyncSession, settings: Settings, person: Person) -> None:
    """Delete the account, its credentials, memberships, relay links, counters and mail.

    Content keeps whatever pseudonym it carries; with the account and links gone, nothing
    can recompute or reverse it, so it stays anonymous and nobody can change it again."""
    account = await session.get_one(Account, person._account_id, with_for_update=True)
    await _forget_accounts(session, settings, [account])
    await session.execute(
        delete(AuthorLink).where(AuthorLink.pseudonym.in_(list(person.pseudonyms.values())))
    )


async def _forget_accounts(
    session: AsyncSession, settings: Settings, accounts: list[Account]
) -> int:
    """Delete accounts (memberships and sign-in links cascade), their counters, failed
    sign-ins and mail."""
    if not accounts:
        return 0
    secret = settings.jwt_secret.get_secret_value()
    # Every counter that could name them: one per rate-limited action (from the enum, so a
    # new action cannot be forgotten), sign-in links asked for, and failed sign-ins.
    counter_keys = [
        hash_client_key(secret, key)
        for account in accounts
        for key in (
            *(allowance_key(action, account.id) for action in RateLimitedAction),
            sign_in_link_key(account.email),
        )
    ]
    await session.execute(delete(ActionCounter).where(ActionCounter.key_hash.in_(counter_keys)))
    failure_keys = [hash_client_key(secret, account_throttle_key(a.email)) for a in accounts]
    await session.execute(delete(SignInFailure).where(SignInFailure.key_hash.in_(failure_keys)))
    mails = await mail.forget_recipients(session, [a.email for a in accounts])
    await session.execute(delete(Account).where(Account.id.in_([a.id for a in accounts])))
    return mails


async def forget_participants_of(
    session: AsyncSession, settings: Settings, conversation_id: uuid.UUID
) -> Forgotten:
    """Retention for one conversation: drop its relay links and memberships, and delete the
    participants who take part in no other conversation still holding personal data.

    Staff accounts (facilitators, sponsors, admins) are the operators' own and stay."""
    links = len(
        (
            await session.execute(
                delete(AuthorLink)
                .where(AuthorLink.conversation_id == conversation_id)
                .returning(AuthorLink.pseudonym)
            )
        ).all()
    )
    members = (
        await session.scalars(
            delete(Membership)
            .where(Membership.conversation_id == conversation_id)
            .returning(Membership.account_id)
        )
    ).all()
    still_member = select(Membership.account_id).where(Membership.account_id == Account.id).exists()
    leaving = list(
        (
            await session.scalars(
                select(Account)
                .where(
                    Account.id.in_(members), Account.role == Role.participant.value, ~still_member
                )
                .with_for_update()
            )
        ).all()
    )
    mails = await _forget_accounts(session, settings, leaving)
    return Forgotten(accounts=len(leaving), memberships=len(members), links=links, mails=mails)


async def profile_of_caller(session: AsyncSession, caller: Caller) -> dict[str, object]:
    """What identity holds about the caller, for their own export."""
    account = await session.get_one(Account, caller.account_id)
    return {
        "email": account.email,
        "display_name": account.display_name,
        "role": account.role,
        "attributes": account.attributes,
    }
