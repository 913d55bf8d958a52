"""Security headers on every kind of answer: the SPA shell, a static file, an API JSON
answer, a problem, a 404 (of the API and of the static files), a 500.

The Content-Security-Policy is parsed, not matched as a string, so a later edit that
loosens one directive (``'unsafe-inline'`` in ``script-src``, a missing ``frame-ancestors``)
fails here. The browser tests (``tests/browser/test_stored_xss.py``) show that the SPA runs
under this policy without a violation.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from candour.app import FRONTEND_DIR

KINDS = {
    "spa shell": ("/", 200, "text/html"),
    "spa index": ("/index.html", 200, "text/html"),
    "static script": ("/app.js", 200, "text/javascript"),
    "static svg": ("/favicon.svg", 200, "image/svg+xml"),
    "api json": ("/api/health", 200, "application/json"),
    "problem": ("/api/me", 401, "application/problem+json"),
    "api 404": ("/api/no-such-thing", 404, "application/problem+json"),
    "static 404": ("/no-such-file.js", 404, None),
    "validation problem": ("/api/conversations/not-a-uuid", 401, "application/problem+json"),
}


def policy(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            assert words[0] not in directives, f"{words[0]} given twice"
            directives[words[0]] = words[1:]
    return directives


def assert_strict(headers: httpx.Headers, where: str) -> None:
    csp = policy(headers["content-security-policy"])
    script = csp.get("script-src", csp.get("default-src"))
    assert script == ["'self'"], f"{where}: script-src {script}"
    assert csp["default-src"] == ["'self'"], where
    for directive, sources in csp.items():
        for unsafe in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:"):
            if directive == "img-src" and unsafe == "data:":
                continue  # inline icons; images cannot run script
            assert unsafe not in sources, f"{where}: {directive} allows {unsafe}"
    assert csp["object-src"] == ["'none'"], where
    assert csp["frame-ancestors"] == ["'none'"], where
    assert csp["base-uri"] == ["'none'"], where
    assert csp["form-action"] == ["'self'"], where
    assert headers["x-content-type-options"] == "nosniff", where
    assert headers["referrer-policy"] == "no-referrer", where
    assert headers["x-frame-options"] == "DENY", where
    assert headers["cross-origin-opener-policy"] == "same-origin", where
    assert headers["cross-origin-resource-policy"] == "same-origin", where
    assert "camera=()" in headers["permissions-policy"], where
    for leak in ("server", "x-powered-by", "x-aspnet-version", "via"):
        assert leak not in headers, f"{where}: {leak}: {headers[leak]}"


@pytest.mark.parametrize("kind", KINDS)
async def test_every_kind_of_answer_carries_the_security_headers(
    client: httpx.AsyncClient, kind: str
) -> None:
    path, status, media_type = KINDS[kind]
    response = await client.get(path)
    assert response.status_code == status, response.text[:200]
    if media_type:
        assert response.headers["content-type"].startswith(media_type)
    assert_strict(response.headers, kind)
    if path.startswith("/api/"):
        assert response.headers["cache-control"] == "no-store"
        if status >= 400:
            body = response.json()
            assert {"type", "title", "status", "detail"} <= body.keys()
            assert "uvicorn" not in response.text.lower()
            assert "starlette" not in response.text.lower()


async def test_an_unexpected_error_carries_them_too(app: FastAPI) -> None:
    """A 500 is answered by the middleware itself: it must not lose the headers."""

    @app.get("/api/test-only/boom")
    async def boom() -> None:
        raise RuntimeError("secret detail that must not show")

    # Ahead of the SPA's catch-all mount at "/".
    app.router.routes.insert(0, app.router.routes.pop())
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
        base_url="https://testserver",
    ) as client:
        response = await client.get("/api/test-only/boom")
    assert response.status_code == 500
    assert "secret detail" not in response.text
    assert_strict(response.headers, "500")


def test_the_spa_needs_no_inline_script_or_style() -> None:
    """The policy forbids inline script and style; the SPA's own files have none, so it
    runs under the policy rather than around it (``tests/browser/test_stored_xss.py``
    watches the browser for violations)."""
    html_files = list(Path(FRONTEND_DIR).rglob("*.html"))
    assert html_files
    for page in html_files:
        text = page.read_text()
        for script in re.finditer(r"<script\b([^>]*)>(.*?)</script>", text, re.S | re.I):
            attributes, content = script.groups()
            assert "src=" in attributes and not content.strip(), f"inline script in {page}"
        assert not re.search(r"\son[a-z]+\s*=", text, re.I), f"inline handler in {page}"
        assert not re.search(r"\sstyle\s*=", text, re.I), f"inline style in {page}"
        assert "javascript:" not in text.lower(), page
    for script in Path(FRONTEND_DIR).rglob("*.js"):
        text = script.read_text()
        for banned in ("eval(", "new Function(", "document.write("):
            assert banned not in text, f"{script}: {banned} needs 'unsafe-eval' or bypasses it"
