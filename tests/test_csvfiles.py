"""Every CSV download neutralises cells a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io

from candour.core.csvfiles import csv_text


def test_formula_cells_become_text_and_everything_else_is_untouched() -> None:
    rows = [
        {"text": "=1+1", "n": 3},
        {"text": "+44 20 7946 0000", "n": -2},
        {"text": "-minus", "n": None},
        {"text": "@mention"},
        {"text": "\t=tabbed"},
        {"text": "\r=returned"},
        {"text": 'plain, with a comma and a "quote"'},
        {"text": "a = b is fine inside"},
    ]
    parsed = list(csv.DictReader(io.StringIO(csv_text(["text", "n"], rows))))
    assert [r["text"] for r in parsed] == [
        "'=1+1",
        "'+44 20 7946 0000",
        "'-minus",
        "'@mention",
        "'\t=tabbed",
        "'\r=returned",
        'plain, with a comma and a "quote"',
        "a = b is fine inside",
    ]
    # Numbers we write ourselves are numbers, not text; a missing cell is empty.
    assert [r["n"] for r in parsed] == ["3", "-2", "", "", "", "", "", ""]
