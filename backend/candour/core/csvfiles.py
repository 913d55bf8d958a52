"""The one way Candour writes CSV, so every download is safe to open in a spreadsheet.

Exports hold text that participants typed. A cell that begins with ``=``, ``+``, ``-`` or
``@`` (or a tab or carriage return, which some spreadsheets skip before reading a formula)
would be run as a formula by Excel, LibreOffice or Google Sheets when a facilitator opens
the file: "CSV injection". Such cells get a leading apostrophe, which spreadsheets show as
text and do not display; the words themselves are unchanged.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """``value`` as a spreadsheet will read it as text; numbers and empty cells unchanged."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> str:
    """A CSV document with a header row; a row's missing columns are left empty."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, restval="")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: safe_cell(value) for name, value in row.items()})
    return buffer.getvalue()
