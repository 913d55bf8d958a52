"""Accounts themselves: how an address is compared, what an account shows its owner,
which conversations it takes part in, and changing its role.

The smallest shared layer of the identity domain: sign-in, links, erasure and the routes
all compare addresses the same way through :func:`normalise_email`, so one rule decides
whether two spellings are the same person.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from candour.core.errors import NotFound
from candour.identity.models import Account, Membership, Role


def normalise_email(address: str) -> str:
    return address.strip().lower()


def me_fields(account: Account) -> dict[str, Any]:
    return {
        "id": account.id,
        "email": account.email,
        "display_name": account.display_name,
        "role": account.role,
        "attributes": account.attributes,
    }


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
