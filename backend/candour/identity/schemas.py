from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import EmailStr, Field

from candour.core.schemas import RequestBody, ResponseBody
from candour.identity.models import Role

MAX_IMPORT_CSV_CHARS = 5_000_000


class LoginRequest(RequestBody):
    email: EmailStr
    password: str = Field(min_length=1, max_length=256)


class SignInLinkRequest(RequestBody):
    email: EmailStr


class SetPasswordRequest(RequestBody):
    token: str = Field(
        min_length=16, max_length=200, description="The token from the emailed link."
    )
    password: str = Field(max_length=256)


class ChangePasswordRequest(RequestBody):
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(max_length=256)


class ImportParticipantsRequest(RequestBody):
    csv: str = Field(
        min_length=1,
        max_length=MAX_IMPORT_CSV_CHARS,
        description=(
            "CSV text with a header row. `email` is required; `name` (or `display_name`) and "
            "`role` are optional; any other column (e.g. `staff_group`, `site`) is kept as a "
            "non-identifying attribute used only in aggregate."
        ),
    )
    conversation_id: uuid.UUID | None = Field(
        default=None, description="Enrol everyone imported in this conversation."
    )
    send_invitations: bool = Field(
        default=True, description="Email each new person a one-time link to set a password."
    )


class AssignRoleRequest(RequestBody):
    email: EmailStr
    role: Role


class Me(ResponseBody):
    """The signed-in person, as they see themselves."""

    id: uuid.UUID
    email: str
    display_name: str | None
    role: Role
    attributes: dict[str, Any]
    conversation_ids: list[uuid.UUID]


class SessionOut(ResponseBody):
    """A new session. Browsers get it as an HttpOnly cookie too; integrators use
    ``access_token`` as a bearer token. Send ``csrf_token`` as ``X-CSRF-Token`` on every
    write made with the cookie."""

    access_token: str
    token_type: str = "bearer"  # noqa: S105
    expires_at: datetime
    csrf_token: str
    me: Me


class Accepted(ResponseBody):
    detail: str


class ImportedRow(ResponseBody):
    line: int
    email: str
    outcome: str = Field(description="`created`, or `existing` for an address already known.")


class ImportReport(ResponseBody):
    created: int
    existing: int
    invited: int
    enrolled: int
    rows: list[ImportedRow]


class AccountSummary(ResponseBody):
    id: uuid.UUID
    email: str
    display_name: str | None
    role: Role


class InvitationTotals(ResponseBody):
    """How the invitations to one conversation stand. Counts only: nobody is named."""

    queued: int = Field(
        description="Waiting to be sent, including those that failed and will be tried again."
    )
    retrying: int = Field(
        description="Of the queued, how many have failed at least once (the mail server "
        "refused or could not be reached); they are tried again with growing waits."
    )
    sent: int = Field(description="Accepted by the mail server.")
    failed: int = Field(
        description="Given up on after the last attempt. Resend them with "
        "`resend_failed_invitations`."
    )


class InvitationsResent(ResponseBody):
    requeued: int = Field(
        description="People invited again, each with a fresh link (the old one may have "
        "expired); their invitations are queued."
    )
    cleared: int = Field(
        description="Failed invitations dropped without a resend: the person has set a "
        "password since, or is no longer in the conversation."
    )
