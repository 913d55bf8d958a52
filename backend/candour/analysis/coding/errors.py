"""The refusals of the coding frame, codings and theme suggestions (each an RFC 9457 problem)."""

from __future__ import annotations

from candour.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class CodeNotFound(NotFound):
    code, title = "code_not_found", "No such code"


class CodingNotFound(NotFound):
    code, title = "coding_not_found", "No such coding"


class FrameVersionNotFound(NotFound):
    code, title = "frame_version_not_found", "No such frame version"


class SuggestionNotFound(NotFound):
    code, title = "theme_suggestion_not_found", "No such theme suggestion"


class SectionNotFound(NotFound):
    code, title = "section_not_found", "No such section"


class CodeRetired(Conflict):
    """The code was merged, split or retired: it takes no new codings and no changes."""

    code, title = "code_retired", "Code retired"


class CodeNameTaken(Conflict):
    code, title = "code_name_taken", "Name taken"


class CodeHasChildren(Conflict):
    code, title = "code_has_children", "Code has sub-codes"


class FrameFull(Conflict):
    code, title = "frame_full", "Too many codes"


class FrameChangeInvalid(InvalidInput):
    """A change that makes no sense: merging a code into itself, a code under its own
    descendant, a split that does not split."""

    code, title = "frame_change_invalid", "Change not possible"


class VersionsOutOfOrder(InvalidInput):
    code, title = "versions_out_of_order", "Versions out of order"


class ExcerptOutOfRange(InvalidInput):
    code, title = "excerpt_out_of_range", "Excerpt outside the text"


class PostNotShown(Conflict):
    """Only posts whose words are shown (published and visible) can be coded."""

    code, title = "post_not_shown", "Post not shown"


class CodingExists(Conflict):
    code, title = "coding_exists", "Already coded"


class CodingNotSuggested(Conflict):
    code, title = "coding_not_suggested", "Not a suggested coding"


class NotYourCoding(PermissionDenied):
    code, title = "not_your_coding", "Not your coding"


class SuggestionDecided(Conflict):
    code, title = "theme_suggestion_decided", "Suggestion already decided"


class TooFewPosts(Conflict):
    code, title = "too_few_posts", "Too few posts"


class AnalystPairInvalid(InvalidInput):
    code, title = "analyst_pair_invalid", "Two different analysts needed"
