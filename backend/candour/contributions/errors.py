from __future__ import annotations

from candour.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class ContributionNotFound(NotFound):
    code = "contribution_not_found"


class NotYourContribution(PermissionDenied):
    code, title = "not_your_contribution", "Not your post"


class ContributionWithdrawn(Conflict):
    code, title = "contribution_withdrawn", "Post withdrawn"


class ReplyTooDeep(InvalidInput):
    code, title = "reply_too_deep", "Replies go one level deep"


class UnknownSection(InvalidInput):
    code, title = "unknown_section", "Unknown section"


class OnlyParticipantsPost(PermissionDenied):
    code, title = "only_participants_post", "Only participants post"
