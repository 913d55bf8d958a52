"""Who is calling, and may they be here: one query for both.

Every participant request names a conversation. Checking the session, reading the
conversation and checking the caller takes part in it are three questions about three
tables; here they are one statement (identity supplies its two columns, so the account
stays inside identity), prepared once and reused, which is most of what a list page or a
vote costs besides the work itself (see ``bench/README.md``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, bindparam, select

from candour.conversations.models import Conversation
from candour.conversations.service import NO_SUCH_CONVERSATION, STAFF_ROLES
from candour.core.database import table_of
from candour.core.errors import NotFound, PermissionDenied
from candour.core.prepared import Executor, Prepared
from candour.identity import Caller, PendingCaller, Role, standing_columns

_conversations = table_of(Conversation)


@dataclass(frozen=True, slots=True)
class ConversationWindow:
    """What a request inside a conversation needs to know about it."""

    id: uuid.UUID
    opens_at: datetime
    closes_at: datetime
    moderation_mode: str


@dataclass(frozen=True, slots=True)
class Access:
    caller: Caller
    conversation: ConversationWindow


def _statement(
    for_write: bool,
) -> Select[tuple[uuid.UUID, datetime, datetime, str, str | None, bool]]:
    role, takes_part = standing_columns(_conversations.c.id, for_write=for_write)
    return select(
        _conversations.c.id,
        _conversations.c.opens_at,
        _conversations.c.closes_at,
        _conversations.c.moderation_mode,
        role.label("caller_role"),
        takes_part.label("caller_takes_part"),
    ).where(_conversations.c.id == bindparam("conversation_id"))


_ACCESS = {
    for_write: Prepared(_statement(for_write), in_transaction=for_write)
    for for_write in (False, True)
}


async def access_to(
    session: Executor,
    pending_caller: PendingCaller,
    conversation_id: uuid.UUID,
    only: Role | None = None,
) -> Access:
    """401 if the session no longer holds; 403 if ``only`` names another role; 404 (not
    403, so that its existence stays private) if the conversation does not exist or the
    caller does not take part in it."""
    row = await _ACCESS[pending_caller.for_write].fetch_one(
        session, {**pending_caller.params, "conversation_id": conversation_id}
    )
    if row is None:
        # A lapsed session or a wrong role is told so before a 404.
        _require_role(await pending_caller.check(session), only)
        raise NotFound(NO_SUCH_CONVERSATION)
    caller = _require_role(pending_caller.confirm(row["caller_role"]), only)
    if caller.role not in STAFF_ROLES and not row["caller_takes_part"]:
        raise NotFound(NO_SUCH_CONVERSATION)
    window = ConversationWindow(
        row["id"], row["opens_at"], row["closes_at"], row["moderation_mode"]
    )
    return Access(caller, window)


def _require_role(caller: Caller, only: Role | None) -> Caller:
    if only is not None and caller.role != only:
        raise PermissionDenied(f"Only a {only.value} may do this.")
    return caller
