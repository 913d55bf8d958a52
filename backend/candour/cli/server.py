"""Running Candour: ``serve`` (what ``make run`` calls), ``migrate``, ``worker``, ``openapi``.

``serve`` starts the embedded PostgreSQL when no DATABASE_URL is set, applies the
migrations, loads the demo conversation once (in development), prints the demo accounts
and serves the API and the SPA.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from typing import Annotated

import typer

from candour.cli.database import database_url
from candour.cli.failures import reports_failures
from candour.core.settings import Environment, get_settings


def log_progress() -> None:
    """Long-running commands tell the log what they do, as the server does."""
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )


@reports_failures
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Uvicorn worker processes.")] = 1,
    no_demo: Annotated[
        bool, typer.Option("--no-demo", help="Do not load the demo conversation.")
    ] = False,
) -> None:
    """Migrate, load the demo (in development) and serve the API and the SPA."""
    import uvicorn

    from candour import migrate

    log_progress()
    url = database_url()
    migrate.upgrade(url)
    settings = get_settings()
    if settings.environment == Environment.development and not no_demo:
        from candour.demo import load_demo, print_demo_accounts

        accounts = asyncio.run(load_demo(settings))
        print_demo_accounts(accounts, settings)
    print(f"\nCandour is serving on http://{host}:{port}/  (Ctrl-C stops it)\n", flush=True)
    uvicorn.run(
        "candour.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # Uvicorn's access log prints client addresses beside paths; ours does not.
        access_log=False,
        # No "server: uvicorn" banner telling an attacker what to try.
        server_header=False,
        log_level="info",
    )


@reports_failures
def migrate() -> None:
    """Apply the database migrations (to DATABASE_URL, or the embedded database)."""
    from candour import migrate as migrations

    log_progress()
    migrations.upgrade(database_url())


@reports_failures
def worker() -> None:
    """Run the outbox delivery worker on its own, until stopped."""
    from candour.core.database import create_engine, create_sessionmaker
    from candour.mail.transport import transport_from_settings
    from candour.mail.worker import OutboxWorker

    log_progress()
    url = database_url()
    settings = get_settings()

    async def run() -> None:
        engine = create_engine(settings, url)
        mail_worker = OutboxWorker(
            create_sessionmaker(engine), transport_from_settings(settings), settings
        )
        try:
            await mail_worker.run_forever()
        finally:
            await engine.dispose()

    asyncio.run(run())


@reports_failures
def openapi(
    output: Annotated[
        str, typer.Argument(help="Where to write it; `-` for stdout.")
    ] = "openapi/openapi.json",
) -> None:
    """Write the OpenAPI document of the API."""
    from pathlib import Path

    from candour.app import create_app

    document = json.dumps(create_app().openapi(), indent=2, sort_keys=False) + "\n"
    if output == "-":
        sys.stdout.write(document)
    else:
        Path(output).write_text(document)
