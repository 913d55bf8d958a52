"""Command line: ``python -m candour serve|migrate|worker|openapi``.

``serve`` is what ``make run`` calls: it starts the embedded PostgreSQL when no
DATABASE_URL is set, applies the migrations, loads the demo conversation once (in
development), prints the demo accounts and serves the API and the SPA.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from pathlib import Path

from candour.core.settings import Environment, get_settings

logger = logging.getLogger("candour")


def _database_url() -> str:
    settings = get_settings()
    if settings.database_url:
        return settings.database_url
    from candour.core.embedded_pg import start_embedded_postgres

    url = start_embedded_postgres(settings.data_dir / "pgdata")
    # Uvicorn workers and get_settings() in this process read it from the environment. Not
    # as DATABASE_URL: that names an external database, which refuses the published secrets.
    os.environ["CANDOUR_EMBEDDED_DATABASE_URL"] = url
    get_settings.cache_clear()
    return url


def _serve(args: argparse.Namespace) -> None:
    import uvicorn

    from candour import migrate

    url = _database_url()
    migrate.upgrade(url)
    settings = get_settings()
    if settings.environment == Environment.development and not args.no_demo:
        from candour.demo import load_demo, print_demo_accounts

        accounts = asyncio.run(load_demo(settings))
        print_demo_accounts(accounts, settings)
    print(
        f"\nCandour is serving on http://{args.host}:{args.port}/  (Ctrl-C stops it)\n", flush=True
    )
    uvicorn.run(
        "candour.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        # Uvicorn's access log prints client addresses beside paths; ours does not.
        access_log=False,
        log_level="info",
    )


def _migrate(_: argparse.Namespace) -> None:
    from candour import migrate

    migrate.upgrade(_database_url())


def _worker(_: argparse.Namespace) -> None:
    from candour.core.database import create_engine, create_sessionmaker
    from candour.mail.transport import transport_from_settings
    from candour.mail.worker import OutboxWorker

    url = _database_url()
    settings = get_settings()

    async def run() -> None:
        engine = create_engine(settings, url)
        worker = OutboxWorker(
            create_sessionmaker(engine), transport_from_settings(settings), settings
        )
        try:
            await worker.run_forever()
        finally:
            await engine.dispose()

    asyncio.run(run())


def _retention(_: argparse.Namespace) -> None:
    from candour.core.database import create_engine, create_sessionmaker
    from candour.privacy.service import run_due

    url = _database_url()
    settings = get_settings()

    async def run() -> None:
        engine = create_engine(settings, url)
        try:
            runs = await run_due(create_sessionmaker(engine), settings, trigger="command")
            print(f"retention: {len(runs)} conversation(s) done")
        finally:
            await engine.dispose()

    asyncio.run(run())


def _openapi(args: argparse.Namespace) -> None:
    from candour.app import create_app

    document = json.dumps(create_app().openapi(), indent=2, sort_keys=False) + "\n"
    if args.output == "-":
        sys.stdout.write(document)
    else:
        Path(args.output).write_text(document)


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    parser = argparse.ArgumentParser(prog="candour")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="migrate, load the demo and serve")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--no-demo", action="store_true", help="do not load the demo conversation")
    serve.set_defaults(handler=_serve)
    commands.add_parser("migrate", help="apply the migrations").set_defaults(handler=_migrate)
    commands.add_parser("worker", help="run the outbox delivery worker alone").set_defaults(
        handler=_worker
    )
    commands.add_parser("retention", help="delete personal data that is due").set_defaults(
        handler=_retention
    )
    openapi = commands.add_parser("openapi", help="write the OpenAPI document")
    openapi.add_argument("output", nargs="?", default="openapi/openapi.json")
    openapi.set_defaults(handler=_openapi)
    args = parser.parse_args(argv)
    args.handler(args)


if __name__ == "__main__":
    main()
