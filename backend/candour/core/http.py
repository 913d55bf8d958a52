"""HTTP plumbing shared by every route: security headers and an access log without IPs.

Plain ASGI rather than ``BaseHTTPMiddleware``, which costs an extra task and a copy of every
response on each request."""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from candour.core.errors import unexpected_error_response

logger = logging.getLogger("candour.access")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    # No other origin may open us in a window it keeps a handle on, or embed our responses.
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    # The SPA uses none of these; a script that got in could not either.
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
]


def route_template(scope: Scope) -> str:
    """The template (/api/conversations/{conversation_id}/ideas) rather than the path: no
    content identifier reaches the logs. The router records the matched route in the scope."""
    template = str(getattr(scope.get("route"), "path", "(unmatched)"))
    # Routes under the /api router record their path without the router's prefix.
    if str(scope.get("path", "")).startswith("/api/") and not template.startswith(("/api/", "(")):
        template = "/api" + template
    return template


class SecurityHeadersAndAccessLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        started_response = False
        is_api = str(scope.get("path", "")).startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            nonlocal status, started_response
            if message["type"] == "http.response.start":
                status, started_response = message["status"], True
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in _HEADERS if name not in present]
                if is_api and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as exc:
            # Answered and logged here, not re-raised: past this point the server would log
            # the exception with its message, and messages carry data (see errors.py).
            response = unexpected_error_response(exc)
            if not started_response:
                await response(scope, receive, send_with_headers)
        finally:
            # Method, route template, status and time only: never the client address or account.
            if logger.isEnabledFor(logging.INFO):
                elapsed = (time.perf_counter() - started) * 1000
                template = route_template(scope)
                logger.info("%s %s %d %.1fms", scope["method"], template, status, elapsed)
