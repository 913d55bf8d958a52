"""The application factory: routers, error handlers, the SPA, and the lifespan that owns
the database engine and the outbox worker."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from sqlalchemy import text

from candour.activity import tallies
from candour.activity.live import LiveFeed
from candour.activity.router import router as activity_router
from candour.analysis.coding.router import router as coding_router
from candour.analysis.reports.router import router as reports_router
from candour.analysis.router import router as analysis_router
from candour.contributions.router import router as contributions_router
from candour.conversations.router import router as conversations_router
from candour.core.database import SessionDep, create_engine, create_sessionmaker
from candour.core.errors import install_error_handlers, problem_responses
from candour.core.http import SecurityHeadersAndAccessLog
from candour.core.openapi_document import install_openapi_document
from candour.core.periodic import run_periodically
from candour.core.settings import PROJECT_ROOT, Settings, get_settings
from candour.identity.router import router as identity_router
from candour.mail.transport import transport_from_settings
from candour.mail.worker import OutboxWorker
from candour.messaging.router import router as messaging_router
from candour.moderation.router import router as moderation_router
from candour.privacy import service as privacy
from candour.privacy.router import router as privacy_router

logger = logging.getLogger("candour")

FRONTEND_DIR = PROJECT_ROOT / "frontend"

DESCRIPTION = """
The API of Candour, an anonymous conversation platform for the staff of large organisations.

**Sessions.** `login` returns a token for `Authorization: Bearer …` and, for browsers, sets an
HttpOnly cookie; writes made with the cookie must echo `csrf_token` in `X-CSRF-Token`.

**Errors.** Every refusal is an RFC 9457 problem (`application/problem+json`) with a stable
`code` and, for invalid input, an `errors` list naming each wrong field.

**Anonymity.** No response names or links the author of a post or a vote.
"""


class Health(BaseModel):
    status: str
    database: str


health_router = APIRouter(tags=["health"])


@health_router.get(
    "/health",
    operation_id="get_health",
    summary="Is the service up",
    response_model=Health,
    responses=problem_responses(),
)
async def health(session: SessionDep) -> Health:
    await session.execute(text("SELECT 1"))
    return Health(status="ok", database="ok")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.connection_url is None:
            raise RuntimeError(
                "DATABASE_URL is not set: start Candour with `make run` (or "
                "`python -m candour serve`), which starts the embedded PostgreSQL."
            )
        engine = create_engine(settings, settings.connection_url)
        app.state.engine = engine
        app.state.sessionmaker = create_sessionmaker(engine)
        # One stop signal for every background loop of this process.
        stop = asyncio.Event()
        loops = []
        if settings.run_outbox_worker:
            transport = transport_from_settings(settings)
            worker = OutboxWorker(app.state.sessionmaker, transport, settings, stop=stop)
            loops.append(worker.run_forever())
        if settings.run_retention_scheduler:

            async def retention_round() -> None:
                await privacy.run_due(app.state.sessionmaker, settings)

            interval = settings.retention_poll_seconds
            loops.append(run_periodically(retention_round, interval, stop, "retention"))
        app.state.live_feed = LiveFeed(app.state.sessionmaker, settings)
        if settings.run_activity_loops:
            loops.append(app.state.live_feed.run(stop))

            async def tally_round() -> None:
                async with app.state.sessionmaker() as session, session.begin():
                    await tallies.tally_live_conversations(session)

            loops.append(run_periodically(tally_round, settings.vote_tally_seconds, stop, "tally"))
        tasks = [asyncio.create_task(loop) for loop in loops]
        # What is alive once the app has started (modules, models, compiled statements,
        # the engine) lives as long as the process: keep it out of the cyclic collector's
        # full collections, which would otherwise walk it all every few thousand requests
        # (tens of milliseconds each; bench/README.md). Unfrozen at shutdown, so that an
        # app started again in the same process (the tests) leaves nothing uncollectable.
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()
            stop.set()
            app.state.live_feed.close_all()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                    await asyncio.wait_for(task, timeout=15)
            await engine.dispose()

    app = FastAPI(
        title="Candour",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
        # FastAPI's built-in OpenTelemetry hooks would put request paths (which carry post
        # identifiers) and exception messages (which may quote a post) into whatever tracing
        # a deployment configures; and checking for a provider costs time on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    install_openapi_document(app)
    install_error_handlers(app)
    app.add_middleware(SecurityHeadersAndAccessLog)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-CSRF-Token", "Idempotency-Key"],
        )
    # Routes are matched in order, one by one: the participants' busiest paths go first.
    # No path of another router can be shadowed by these (none shares their shape). Each
    # is included into the app itself: FastAPI re-walks the routes of nested routers on
    # every request.
    for router in (
        contributions_router,
        health_router,
        identity_router,
        conversations_router,
        moderation_router,
        messaging_router,
        privacy_router,
        analysis_router,
        activity_router,
        reports_router,
        coding_router,
    ):
        app.include_router(router, prefix="/api")
    if FRONTEND_DIR.is_dir():
        app.mount("/", StaticFiles(directory=FRONTEND_DIR, html=True), name="spa")
    return app
