from __future__ import annotations

from candour.core.errors import Conflict, InvalidInput


class ConversationNotOpen(Conflict):
    code, title = "conversation_not_open", "Conversation not open"


class SectionNotEmpty(Conflict):
    code, title = "section_not_empty", "Section holds ideas"


class WindowNotOrdered(InvalidInput):
    code, title = "window_not_ordered", "Window not ordered"


class SectionOrderMismatch(InvalidInput):
    code, title = "section_order_mismatch", "Section order incomplete"
