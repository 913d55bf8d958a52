from __future__ import annotations

from candour.core.errors import NotFound, PermissionDenied


class ReportNotPublished(NotFound):
    """No version of this conversation's report has been published yet."""

    code, title = "report_not_published", "Report not published yet"


class ReportVersionNotFound(NotFound):
    code, title = "report_version_not_found", "No such report version"


class DraftNotForSponsors(PermissionDenied):
    """Sponsors read published versions only; the live draft is the facilitators'."""

    code, title = "report_draft_not_for_sponsors", "Sponsors see published reports only"
