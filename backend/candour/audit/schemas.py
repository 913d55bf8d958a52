from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from candour.contributions.models import ReasonCategory
from candour.core.schemas import ResponseBody
from candour.queue.models import TargetKind


class AuditEntryOut(ResponseBody):
    id: uuid.UUID
    at: datetime
    actor: str
    action: str
    target_kind: TargetKind | None
    target_id: uuid.UUID | None
    reason_category: ReasonCategory | None
    reason: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
