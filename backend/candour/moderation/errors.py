from __future__ import annotations

from candour.core.errors import Conflict, NotFound


class TargetNotFound(NotFound):
    code = "contribution_not_found"


class ItemNotFound(NotFound):
    code = "moderation_item_not_found"


class AlreadyClaimed(Conflict):
    code, title = "already_claimed", "Claimed by someone else"


class ItemResolved(Conflict):
    code, title = "item_resolved", "Already decided"


class ActionNotPossible(Conflict):
    code, title = "action_not_possible", "Action not possible in this state"


class PaperWindowClosed(Conflict):
    code, title = "paper_window_closed", "Paper submissions closed"
