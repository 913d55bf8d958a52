"""What FastAPI's generated OpenAPI document leaves implicit, said explicitly.

The document is the contract clients are generated from, and it is linted with Redocly's
``recommended`` rules (``openapi/redocly.yaml``). FastAPI writes a ``security`` requirement
only on operations that depend on a security scheme and writes no ``servers``; both gaps
are filled here, once, for every route, rather than route by route.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

# The keys of a path item that are operations (the others, such as ``parameters``, are not).
_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})

# Relative to where the document is served (/api/openapi.json), "/" is the site's root. The
# paths already begin with /api, so a client joins them to this and reaches the right URL
# whatever host serves the app. Behind a proxy with a root_path, FastAPI puts that prefix
# first when it serves the document.
SERVERS: list[dict[str, Any]] = [
    {"url": "/", "description": "The host that serves this document; every path starts /api."}
]


def complete_document(document: dict[str, Any]) -> dict[str, Any]:
    """Fill in ``document`` in place, and return it: a ``servers`` list when there is none,
    and ``security: []`` on every operation without a security requirement, so that a
    public operation (signing in, health) says it is public instead of leaving a reader to
    wonder whether a global requirement was forgotten. Calling it again changes nothing."""
    document.setdefault("servers", [dict(server) for server in SERVERS])
    for path_item in document.get("paths", {}).values():
        for method, operation in path_item.items():
            if method in _METHODS:
                operation.setdefault("security", [])
    return document


def install_openapi_document(app: FastAPI) -> None:
    """Make ``app.openapi()`` (and so ``openapi_url`` and the exported file) return the
    completed document. FastAPI caches the generated dict; completing it is idempotent."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        return complete_document(generate())

    app.openapi = openapi  # type: ignore[method-assign]
