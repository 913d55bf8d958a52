"""Identity: the only domain that holds personal data.

Other domains use only what this module exports: who is calling (``AnyCaller``,
``ParticipantCaller`` …, each a :class:`Caller` with a role and a per-conversation
pseudonym) and, in later issues, "reach the author of this pseudonym". Every module inside this
package is private to it (an allow-list: a module added here later is private too); other
domains import ``candour.identity`` and nothing under it. ``lint-imports`` (the
``protected`` contract in pyproject.toml) and ``tests/test_architecture.py`` hold that line.
"""

from candour.identity.aggregates import (
    AttributeBreakdown,
    GroupCount,
    attribute_breakdowns,
)
from candour.identity.counters import Allowance, allowance_spent, purge_stale_counters
from candour.identity.dependencies import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    Actor,
    AdminCaller,
    AnyCaller,
    Caller,
    EditorCaller,
    FacilitatorCaller,
    ParticipantCaller,
    PendingCaller,
    PendingCallerDep,
    RateLimitedAction,
    SponsorCaller,
    require_role,
    standing_columns,
)
from candour.identity.errors import RateLimited
from candour.identity.importing import ImportProgress, import_participants
from candour.identity.invitations import (
    invitation_totals,
    invite_members,
    resend_failed_invitations,
)
from candour.identity.lifecycle import (
    ErasureIndex,
    Forgotten,
    Person,
    erase_person,
    erasure_index,
    erasure_token,
    forget_participants_of,
    person_by_email,
    person_of_caller,
    profile_of_caller,
)
from candour.identity.models import Role
from candour.identity.operators import AdminAccess, admin_sign_in_link, operator_caller
from candour.identity.pseudonyms import imported_pseudonym
from candour.identity.relay import AuthorUnreachable, deliver_to_author, staff_labels
from candour.identity.schemas import ImportReport, InvitationTotals
from candour.identity.staff_names import mentions_a_staff_name
from candour.identity.visits import member_count, visits_per_day

__all__ = [
    "CSRF_COOKIE",
    "SESSION_COOKIE",
    "Actor",
    "AdminAccess",
    "AdminCaller",
    "Allowance",
    "AnyCaller",
    "AttributeBreakdown",
    "AuthorUnreachable",
    "Caller",
    "EditorCaller",
    "ErasureIndex",
    "FacilitatorCaller",
    "Forgotten",
    "GroupCount",
    "ImportProgress",
    "ImportReport",
    "InvitationTotals",
    "ParticipantCaller",
    "PendingCaller",
    "PendingCallerDep",
    "Person",
    "RateLimited",
    "RateLimitedAction",
    "Role",
    "SponsorCaller",
    "admin_sign_in_link",
    "allowance_spent",
    "attribute_breakdowns",
    "deliver_to_author",
    "erase_person",
    "erasure_index",
    "erasure_token",
    "forget_participants_of",
    "import_participants",
    "imported_pseudonym",
    "invitation_totals",
    "invite_members",
    "member_count",
    "mentions_a_staff_name",
    "operator_caller",
    "person_by_email",
    "person_of_caller",
    "profile_of_caller",
    "purge_stale_counters",
    "require_role",
    "resend_failed_invitations",
    "staff_labels",
    "standing_columns",
    "visits_per_day",
]
