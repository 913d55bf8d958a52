"""The SPA may live on another origin, but only on one the settings allow."""

from __future__ import annotations

from asgi_lifespan import LifespanManager

from candour.app import create_app
from candour.core.settings import Settings
from tests.support.factories import new_client

PREFLIGHT = {
    "Origin": "https://spa.trust.example",
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "content-type,x-csrf-token",
}


async def test_no_origin_is_allowed_by_default(settings: Settings, db) -> None:
    app = create_app(settings)
    async with LifespanManager(app), new_client(app) as client:
        response = await client.options("/api/auth/login", headers=PREFLIGHT)
        assert "access-control-allow-origin" not in response.headers
        plain = await client.get("/api/health", headers={"Origin": "https://spa.trust.example"})
        assert "access-control-allow-origin" not in plain.headers


async def test_an_allowed_origin_may_call_with_credentials(settings: Settings, db) -> None:
    app = create_app(settings.model_copy(update={"cors_origins": ["https://spa.trust.example"]}))
    async with LifespanManager(app), new_client(app) as client:
        allowed = await client.options("/api/auth/login", headers=PREFLIGHT)
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "https://spa.trust.example"
        assert allowed.headers["access-control-allow-credentials"] == "true"
        assert "x-csrf-token" in allowed.headers["access-control-allow-headers"].lower()
        other = await client.options(
            "/api/auth/login", headers={**PREFLIGHT, "Origin": "https://evil.example"}
        )
        assert "access-control-allow-origin" not in other.headers
