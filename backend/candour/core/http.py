"""HTTP plumbing shared by every route: security headers and an access log without IPs."""

from __future__ import annotations

import logging
import time

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response

logger = logging.getLogger("candour.access")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def _route_template(request: Request) -> str:
    # The template (/conversations/{conversation_id}/ideas) rather than the path: no content
    # identifier in the logs. The router records the matched route in the scope.
    route = request.scope.get("route")
    template = str(getattr(route, "path", "(unmatched)"))
    # Routes under the /api router record their path without the router's prefix.
    if (
        request.url.path.startswith("/api/")
        and template.startswith("/")
        and not template.startswith("/api/")
    ):
        template = "/api" + template
    return template


class SecurityHeadersAndAccessLog(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("X-Frame-Options", "DENY")
        if request.url.path.startswith("/api/"):
            headers.setdefault("Cache-Control", "no-store")
        # Method, route template, status and time only: never the client address or account.
        logger.info(
            "%s %s %d %.1fms",
            request.method,
            _route_template(request),
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response
