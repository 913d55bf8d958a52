"""``python -m candour <command>``: the same as the ``candour`` command (``candour.cli``).

``serve`` is what ``make run`` calls; ``python -m candour --help`` lists the rest.
"""

from __future__ import annotations

from candour.cli import main
from candour.cli.database import database_url as _database_url

__all__ = ["_database_url", "main"]

if __name__ == "__main__":
    main()
