"""``candour``, the command line (``candour --help``; also ``python -m candour``).

One module per group of commands: ``server`` (serve, migrate, worker, openapi),
``conversations``, ``participants`` (import, invitations, admins), ``polis``, ``privacy``
(retention) and ``reports`` (the summary report). Each command calls the domains' service
functions on a session of its own, on the database ``serve`` would use, acting as an
operator (``identity.operator_caller``): audit entries name the command line. Failures are
one line on stderr and exit status 1 (``failures.py``); progress goes to stderr, and only
on a terminal (``progress.py``).
"""

from candour.cli.app import app, main

__all__ = ["app", "main"]
