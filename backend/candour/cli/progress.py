"""Progress on stderr while long work runs; nothing at all when stderr is not a terminal,
so scripts and logs get only the command's result and, on failure, its one-line reason."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)


def _console() -> Console:
    return Console(stderr=True)


@contextmanager
def progress_bar() -> Iterator[Progress]:
    """A bar per task (``add_task(description, total=…)``); tasks without a total spin."""
    console = _console()
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as progress:
        yield progress


@contextmanager
def working(description: str) -> Iterator[None]:
    """A spinner for work that cannot say how far it has got."""
    with progress_bar() as progress:
        progress.add_task(description, total=None)
        yield
