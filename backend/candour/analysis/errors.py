from __future__ import annotations

from candour.core.errors import FieldProblem, InvalidInput


class PolisFileRejected(InvalidInput):
    """A Pol.is file that cannot be imported; ``errors`` names each bad line and column."""

    code, title = "polis_file_rejected", "Pol.is file rejected"

    def __init__(self, detail: str, *, errors: list[FieldProblem] | None = None) -> None:
        super().__init__(f"{detail} Nothing was imported.", errors=errors)
