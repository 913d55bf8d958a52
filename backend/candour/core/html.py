"""Rich text that facilitators write, made safe: an allow-list of tags and attributes.

Cleaned on the way in (what is stored is already safe) and again on the way out (so a
row written by an older, looser rule, or straight into the database, is still safe).
"""

from __future__ import annotations

import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "a",
    "h2", "h3", "h4", "blockquote", "hr", "abbr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
ALLOWED_URL_SCHEMES = {"https", "http", "mailto", "tel"}


def clean_html(html: str) -> str:
    return str(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=ALLOWED_URL_SCHEMES,
            link_rel="noopener noreferrer",
        )
    )
