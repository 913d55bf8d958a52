"""``backup`` and ``restore``: pg_dump and pg_restore of the database ``serve`` uses, and the
erasure ledger re-applied after a restore (``privacy.ledger``), so that an older backup
never brings back someone who was erased or forgotten by retention since.

The PostgreSQL client programs must be at least as new as the server. The system's are
used when they are; otherwise those that come with the ``pgserver`` wheel (the embedded
server's own, so always a match for it).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from candour import migrate
from candour.cli.database import connected_settings, in_transaction, with_sessions
from candour.cli.failures import CommandFailed, reason_for, reports_failures
from candour.cli.progress import working
from candour.core.settings import Settings
from candour.privacy import ledger

# The first bytes of every pg_dump archive in the custom format.
_ARCHIVE_MAGIC = b"PGDMP"
_VERSION = re.compile(r"\(PostgreSQL\) (\d+)")


@dataclass(frozen=True)
class Target:
    """The database a command acts on, as libpq's programs take it."""

    uri: str
    password: str | None
    server_major: int
    user_tables: int

    def environment(self) -> dict[str, str]:
        # The password goes in the environment, never on a command line others can read.
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


def _libpq_uri(url: str) -> tuple[str, str | None]:
    parsed = make_url(url)
    query = dict(parsed.query)
    if "ssl" in query:  # asyncpg's name for libpq's sslmode
        query["sslmode"] = query.pop("ssl")
    plain = parsed.set(drivername="postgresql", password=None, query=query)
    return plain.render_as_string(hide_password=False), parsed.password


def _target() -> Target:
    """Resolve the database as ``serve`` would, and check that it answers."""

    async def probe(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> Target:
        async with sessions() as session:
            version = int(await session.scalar(text("SHOW server_version_num")) or 0)
            tables = await session.scalar(
                text(
                    "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN "
                    "('pg_catalog', 'information_schema')"
                )
            )
        assert settings.connection_url is not None
        uri, password = _libpq_uri(settings.connection_url)
        return Target(uri, password, version // 10000, int(tables or 0))

    return with_sessions(probe)


def _candidates(program: str) -> list[Path]:
    found = [Path(p) for p in (shutil.which(program),) if p]
    found += sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{program}"))
    spec = importlib.util.find_spec("pgserver")
    if spec and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            found.append(Path(location) / "pginstall" / "bin" / program)
    return [p for p in found if p.is_file() and os.access(p, os.X_OK)]


def _major_version(program: Path) -> int | None:
    try:
        output = subprocess.run(  # noqa: S603 (a PostgreSQL program found above)
            [program, "--version"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = _VERSION.search(output)
    return int(match.group(1)) if match else None


def client_program(program: str, server_major: int) -> Path:
    """The oldest ``program`` that is at least as new as the server: an older one cannot
    read the server's catalogue, and a much newer one writes what the server may not take."""
    usable = sorted(
        (major, str(path))
        for path in _candidates(program)
        if (major := _major_version(path)) is not None and major >= server_major
    )
    if not usable:
        raise CommandFailed(
            f"no {program} of PostgreSQL {server_major} or newer was found: install the "
            f"PostgreSQL {server_major} client programs (or the pgserver package)"
        )
    return Path(usable[0][1])


def _reason(stderr: str, program: str) -> str:
    """The first error line, without a DETAIL (which may quote a row)."""
    for line in stderr.splitlines():
        if "error" in line.lower():
            return line.split("DETAIL", 1)[0].strip()
    return f"{program} failed"


def _human_size(size: int) -> str:
    amount = float(size)
    for unit in ("bytes", "kB", "MB", "GB"):
        if amount < 1024 or unit == "GB":
            return f"{size} bytes" if unit == "bytes" else f"{amount:.1f} {unit}"
        amount /= 1024
    return f"{size} bytes"


@reports_failures
def backup(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Where to write the backup (default: var/backups/candour-<UTC time>.dump).",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Back up the whole database to one file (pg_dump's custom format) and print its path.

    The database is DATABASE_URL, or the embedded one as `serve` uses it. Safe while Candour
    runs: the dump is one consistent snapshot. The file holds personal data: keep it as
    carefully as the database. Restore it with `candour restore FILE`.
    """
    target = _target()
    settings = connected_settings()
    pg_dump = client_program("pg_dump", target.server_major)
    if output is None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        output = settings.data_dir / "backups" / f"candour-{stamp}.dump"
    if output.exists():
        raise CommandFailed(f"{output} already exists: choose another --output")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CommandFailed(f"cannot create {output.parent}: {exc.strerror}") from None
    # Written aside and renamed, so a failed dump never leaves a file that looks whole.
    partial = output.with_name(output.name + ".partial")
    with working("Backing up the database"):
        done = subprocess.run(  # noqa: S603
            [pg_dump, "--format=custom", f"--file={partial}", f"--dbname={target.uri}"],
            env=target.environment(),
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        raise CommandFailed(f"backup failed: {_reason(done.stderr, 'pg_dump')}")
    os.chmod(partial, 0o600)  # it holds personal data
    partial.replace(output)
    typer.echo(f"backup written: {output} ({_human_size(output.stat().st_size)})")


def _check_archive(file: Path) -> None:
    try:
        with file.open("rb") as archive:
            magic = archive.read(len(_ARCHIVE_MAGIC))
    except FileNotFoundError:
        raise CommandFailed(f"{file}: no such file") from None
    except IsADirectoryError:
        raise CommandFailed(f"{file} is a folder, not a backup file") from None
    except OSError as exc:
        raise CommandFailed(f"cannot read {file}: {exc.strerror}") from None
    if magic != _ARCHIVE_MAGIC:
        raise CommandFailed(f"{file} is not a backup made by `candour backup` (pg_dump -Fc)")


def _restore_into_empty(target: Target, file: Path) -> None:
    pg_restore = client_program("pg_restore", target.server_major)
    options = ["--no-owner", "--no-acl", "--single-transaction", "--exit-on-error"]
    done = subprocess.run(  # noqa: S603
        [pg_restore, *options, f"--dbname={target.uri}", str(file)],
        env=target.environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise CommandFailed(
            f"restore failed, nothing was changed: {_reason(done.stderr, 'pg_restore')}"
        )


# Everything of the schema "public" but the schema itself, whose ownership and grants stay.
# pg_restore --clean would drop only what the archive holds, and a table a newer migration
# made would stay and stop the migrations of an older backup.
_EMPTY_PUBLIC = """
DO $$
DECLARE
  statement text;
BEGIN
  FOR statement IN
    SELECT format('DROP TABLE IF EXISTS public.%I CASCADE', tablename)
      FROM pg_tables WHERE schemaname = 'public'
    UNION ALL
    SELECT format('DROP VIEW IF EXISTS public.%I CASCADE', viewname)
      FROM pg_views WHERE schemaname = 'public'
    UNION ALL
    SELECT format('DROP SEQUENCE IF EXISTS public.%I CASCADE', sequencename)
      FROM pg_sequences WHERE schemaname = 'public'
  LOOP
    EXECUTE statement;
  END LOOP;
  FOR statement IN
    SELECT format('DROP ROUTINE IF EXISTS %s CASCADE', p.oid::regprocedure)
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = 'public'
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
    UNION ALL
    SELECT format('DROP TYPE IF EXISTS public.%I CASCADE', t.typname)
      FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd')
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = t.oid AND d.deptype = 'e')
  LOOP
    EXECUTE statement;
  END LOOP;
END
$$;
"""


def _replace_contents(target: Target, file: Path) -> None:
    """Empty the schema and load the archive, all in one transaction.

    pg_restore writes the archive as SQL and psql runs it after our BEGIN and the emptying;
    COMMIT is sent only once pg_restore has finished well, so an archive that breaks half
    way (or any error, with ON_ERROR_STOP) ends the session without it: nothing changes."""
    pg_restore = client_program("pg_restore", target.server_major)
    psql = client_program("psql", target.server_major)
    env = target.environment()
    with (
        tempfile.TemporaryFile() as restore_errors,
        tempfile.TemporaryFile() as psql_errors,
    ):
        loader = subprocess.Popen(  # noqa: S603
            [psql, "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", f"--dbname={target.uri}"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_errors,
        )
        script = subprocess.Popen(  # noqa: S603
            [pg_restore, "--no-owner", "--no-acl", "--file=-", str(file)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=restore_errors,
        )
        assert loader.stdin is not None and script.stdout is not None
        try:
            loader.stdin.write(b"BEGIN;\n" + _EMPTY_PUBLIC.encode())
            shutil.copyfileobj(script.stdout, loader.stdin)
            if script.wait() == 0:
                loader.stdin.write(b"COMMIT;\n")
            loader.stdin.close()
        except BrokenPipeError:  # psql stopped at an error; its stderr says which
            pass
        finally:
            script.stdout.close()
            script.wait()
            loader.wait()
        restore_errors.seek(0)
        psql_errors.seek(0)
        if script.returncode != 0:
            reason = _reason(restore_errors.read().decode(errors="replace"), "pg_restore")
        elif loader.returncode != 0:
            reason = _reason(psql_errors.read().decode(errors="replace"), "psql")
        else:
            return
    raise CommandFailed(f"restore failed, nothing was changed: {reason}")


@reports_failures
def restore(
    file: Annotated[Path, typer.Argument(help="A file made by `candour backup`.")],
    clean: Annotated[
        bool,
        typer.Option(
            "--clean",
            help="Replace what the database holds. Without it, only an empty database is "
            "restored into.",
        ),
    ] = False,
) -> None:
    """Restore a backup, bring its schema up to date, and forget again whoever was erased or
    forgotten by retention after it was taken (the erasure ledger).

    By default the target must be empty (a new database, or a fresh embedded one); with
    --clean, everything in its schema "public" is replaced, in one transaction. Stop
    Candour first. The ledger is read from the restored table and from the ledger file
    (CANDOUR_ERASURE_LEDGER_FILE): keep that file, or a restore can bring back people erased
    since the backup.
    """
    _check_archive(file)
    target = _target()
    if target.user_tables and not clean:
        raise CommandFailed(
            f"the database is not empty ({target.user_tables} tables): restore into an "
            "empty one, or give --clean to replace what it holds"
        )
    with working("Restoring the database"):
        if clean:
            _replace_contents(target, file)
        else:
            _restore_into_empty(target, file)
    settings = connected_settings()
    assert settings.connection_url is not None
    try:
        with working("Bringing the schema up to date"):
            migrate.upgrade(settings.connection_url)
        from_file = ledger.read_file(settings.resolved_erasure_ledger_file)

        async def reapply(session: AsyncSession, settings: Settings) -> ledger.Reapplied:
            return await ledger.reapply(session, settings, from_file)

        with working("Re-applying the erasure ledger"):
            again = in_transaction(reapply)
    except Exception as exc:
        # The data is back but people may be too: say so, whatever went wrong.
        raise CommandFailed(
            "the backup was restored but the erasure ledger was NOT re-applied, so people "
            "erased since may be back: do not serve this database; run the restore again "
            f"with --clean once this is fixed: {reason_for(exc)}"
        ) from None
    typer.echo(f"restored {file}")
    typer.echo(
        f"erasure ledger: {again.entries} entries ({again.from_file_only} only in the ledger "
        f"file); {again.accounts_erased} accounts erased again "
        f"({again.erasures_with_posts_withdrawn} with their posts withdrawn); "
        f"{again.retention_runs} retention runs re-applied, "
        f"{again.accounts_forgotten_by_retention} accounts forgotten again"
    )
    if again.unreadable_lines:
        typer.echo(
            f"erasure ledger: {again.unreadable_lines} unreadable lines in "
            f"{settings.resolved_erasure_ledger_file} were skipped",
            err=True,
        )
