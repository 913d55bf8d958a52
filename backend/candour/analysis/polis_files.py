"""The Pol.is open-data files, read and written: ``comments.csv`` (one row per statement)
and ``votes.csv`` (a log of votes: agree 1, disagree -1, pass 0).

Reading checks everything before anything is written: an import is all or nothing, and a
refusal lists each bad line (``PolisFileRejected``). The vote log is reduced to each
person's latest vote on each statement, as Pol.is itself does. Pure functions: no database.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from candour.analysis.errors import PolisFileRejected
from candour.core.csvfiles import csv_text
from candour.core.errors import FieldProblem

COMMENT_COLUMNS = (
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
)
VOTE_COLUMNS = ("timestamp", "datetime", "comment-id", "voter-id", "vote")
# What an import needs; the other columns are read back from the votes themselves.
REQUIRED_COMMENT_COLUMNS = ("comment-id", "author-id", "moderated", "comment-body")
REQUIRED_VOTE_COLUMNS = ("comment-id", "voter-id", "vote")

MAX_STATEMENTS = 10_000  # Pol.is's own ceiling on statements per conversation
MAX_TEXT = 10_000  # an idea's body (contributions.schemas.BODY_MAX)
TITLE_MAX = 200  # an idea's title
MAX_PROBLEMS = 20  # a refusal lists this many bad lines, and counts the rest
# A Pol.is id is a non-negative integer; this keeps it inside PostgreSQL's and numpy's int64.
MAX_ID = 2**53
_FORMULA_ESCAPED = ("'=", "'+", "'-", "'@", "'\t", "'\r")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class Statement:
    """One row of ``comments.csv``, checked."""

    polis_id: int
    author_id: int
    text: str
    hidden: bool  # Pol.is ``moderated = -1``: moderated out
    created_at: datetime | None  # None when the file has no timestamp column


@dataclass(frozen=True, slots=True)
class PolisConversation:
    """Both files, checked, with each person's latest vote on each statement."""

    statements: list[Statement]
    # One entry per kept vote: the statement's index in ``statements``, the Pol.is
    # participant id of the voter, and the vote (1 agree, -1 disagree, 0 pass).
    vote_statement: npt.NDArray[np.int64]
    vote_voter: npt.NDArray[np.int64]
    vote_value: npt.NDArray[np.int8]
    superseded_votes: int  # log rows replaced by a later vote on the same statement
    last_vote_at: datetime | None


class _Problems:
    """Collects bad lines; raises once at the end (or as soon as there are too many)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.found: list[FieldProblem] = []
        self.count = 0

    def add(self, line: int, column: str | None, message: str, code: str) -> None:
        self.count += 1
        if len(self.found) < MAX_PROBLEMS:
            where = f"body.{self.file}.line.{line}" + (f".{column}" if column else "")
            self.found.append(FieldProblem(field=where, message=message, code=code))

    def refuse_if_any(self) -> None:
        if self.count:
            listed = "" if self.count <= MAX_PROBLEMS else f" (the first {MAX_PROBLEMS} listed)"
            raise PolisFileRejected(
                f"{self.file}: {self.count} problem(s){listed}.",
                errors=self.found,
            )


def _rows(text: str, file: str, required: Sequence[str]) -> tuple[dict[str, int], list[list[str]]]:
    """The header's column positions and the data rows; refuses a file without a header or
    without a column an import needs."""
    try:
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    except csv.Error as exc:
        raise PolisFileRejected(
            f"{file} is not readable as CSV: {exc}.",
            errors=[FieldProblem(field=f"body.{file}", message=str(exc), code="not_csv")],
        ) from exc
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise PolisFileRejected(
            f"{file} is empty: it needs a header row and data rows.",
            errors=[FieldProblem(field=f"body.{file}", message="empty file", code="empty")],
        )
    header = {name.strip().lower(): i for i, name in enumerate(rows[0])}
    missing = [name for name in required if name not in header]
    if missing:
        raise PolisFileRejected(
            f"{file} lacks the column(s) {', '.join(missing)}.",
            errors=[
                FieldProblem(
                    field=f"body.{file}.line.1", message=f"no `{name}` column", code="missing"
                )
                for name in missing
            ],
        )
    return header, rows[1:]


def _int(cell: str, low: int, high: int) -> int | None:
    try:
        value = int(cell.strip())
    except ValueError:
        return None
    return value if low <= value <= high else None


def _moment(milliseconds: int) -> datetime:
    return datetime.fromtimestamp(milliseconds / 1000, UTC)


def unescape_formula(text: str) -> str:
    """Undo :func:`candour.core.csvfiles.safe_cell`, so a Candour export imports back as it
    was: the apostrophe it puts before a leading ``=``, ``+``, ``-`` or ``@`` goes."""
    return text[1:] if text.startswith(_FORMULA_ESCAPED) else text


def read_comments(text: str) -> list[Statement]:
    file = "comments_csv"
    header, rows = _rows(text, file, REQUIRED_COMMENT_COLUMNS)
    problems = _Problems(file)
    width = len(header)
    timestamp = header.get("timestamp")
    statements: list[Statement] = []
    seen: dict[int, int] = {}
    for offset, row in enumerate(rows):
        line = offset + 2
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != width:
            problems.add(line, None, f"{len(row)} cells where the header has {width}", "cells")
            continue
        polis_id = _int(row[header["comment-id"]], 0, MAX_ID)
        author = _int(row[header["author-id"]], 0, MAX_ID)
        moderated = _int(row[header["moderated"]], -1, 1)
        moment = None if timestamp is None else _int(row[timestamp], 0, MAX_ID)
        body = unescape_formula(row[header["comment-body"]].strip())
        if polis_id is None:
            problems.add(line, "comment-id", "not a non-negative whole number", "bad_id")
        elif polis_id in seen:
            problems.add(
                line, "comment-id", f"{polis_id} is already on line {seen[polis_id]}", "duplicate"
            )
        if author is None:
            problems.add(line, "author-id", "not a non-negative whole number", "bad_id")
        if moderated is None:
            problems.add(line, "moderated", "must be -1, 0 or 1", "bad_moderated")
        if timestamp is not None and moment is None:
            problems.add(line, "timestamp", "not milliseconds since 1970", "bad_timestamp")
        if not body:
            problems.add(line, "comment-body", "empty statement", "empty_text")
        elif len(body) > MAX_TEXT:
            problems.add(line, "comment-body", f"longer than {MAX_TEXT} characters", "too_long")
        if problems.count:
            # Keep reading to list every bad line, but build nothing more.
            if polis_id is not None:
                seen.setdefault(polis_id, line)
            continue
        assert polis_id is not None and author is not None and moderated is not None
        seen[polis_id] = line
        statements.append(
            Statement(
                polis_id=polis_id,
                author_id=author,
                text=body,
                hidden=moderated == -1,
                created_at=None if moment is None else _moment(moment),
            )
        )
        if len(statements) > MAX_STATEMENTS:
            raise PolisFileRejected(
                f"{file}: a conversation holds at most {MAX_STATEMENTS} statements.",
                errors=[FieldProblem(field=f"body.{file}", message="too many", code="too_many")],
            )
    problems.refuse_if_any()
    if not statements:
        raise PolisFileRejected(
            f"{file} holds a header but no statements.",
            errors=[FieldProblem(field=f"body.{file}", message="no statements", code="empty")],
        )
    return statements


def read_polis(comments: str, votes: str) -> PolisConversation:
    """Both files, checked: every vote is on a statement of ``comments.csv``, by a
    non-negative participant id, and is -1, 0 or 1. Later votes replace earlier ones of the
    same person on the same statement (by timestamp, then by line)."""
    statements = read_comments(comments)
    index = {s.polis_id: i for i, s in enumerate(statements)}
    file = "votes_csv"
    header, rows = _rows(votes, file, REQUIRED_VOTE_COLUMNS)
    problems = _Problems(file)
    width = len(header)
    comment_at, voter_at, vote_at = header["comment-id"], header["voter-id"], header["vote"]
    timestamp_at = header.get("timestamp")
    n = len(rows)
    statement = np.empty(n, dtype=np.int64)
    voter = np.empty(n, dtype=np.int64)
    value = np.empty(n, dtype=np.int8)
    moment = np.zeros(n, dtype=np.int64)
    kept = 0
    for offset, row in enumerate(rows):
        line = offset + 2
        if len(row) != width:
            if any(cell.strip() for cell in row):
                problems.add(line, None, f"{len(row)} cells where the header has {width}", "cells")
            continue
        comment_id = _int(row[comment_at], 0, MAX_ID)
        voter_id = _int(row[voter_at], 0, MAX_ID)
        vote = _int(row[vote_at], -1, 1)
        at = 0 if timestamp_at is None else _int(row[timestamp_at], 0, MAX_ID)
        if comment_id is None:
            problems.add(line, "comment-id", "not a non-negative whole number", "bad_id")
        elif comment_id not in index:
            problems.add(
                line, "comment-id", f"no statement {comment_id} in comments_csv", "unknown_comment"
            )
        if voter_id is None:
            problems.add(line, "voter-id", "not a non-negative whole number", "bad_id")
        if vote is None:
            problems.add(line, "vote", "must be 1 (agree), -1 (disagree) or 0 (pass)", "bad_vote")
        if at is None:
            problems.add(line, "timestamp", "not milliseconds since 1970", "bad_timestamp")
        if problems.count:
            continue
        assert comment_id is not None and voter_id is not None and vote is not None
        assert at is not None
        statement[kept], voter[kept], value[kept], moment[kept] = (
            index[comment_id],
            voter_id,
            vote,
            at,
        )
        kept += 1
    problems.refuse_if_any()
    statement, voter, value, moment = statement[:kept], voter[:kept], value[:kept], moment[:kept]
    # The latest vote per (voter, statement): order the log by time, then by line, and keep
    # each pair's last row.
    order = np.lexsort((np.arange(kept), moment))
    pair = voter[order] * len(statements) + statement[order]
    _, last_from_end = np.unique(pair[::-1], return_index=True)
    latest = np.sort(order[kept - 1 - last_from_end])
    return PolisConversation(
        statements=statements,
        vote_statement=statement[latest],
        vote_voter=voter[latest],
        vote_value=value[latest],
        superseded_votes=kept - len(latest),
        last_vote_at=_moment(int(moment.max())) if timestamp_at is not None and kept else None,
    )


def title_of(text: str) -> str:
    """An idea's title from a Pol.is statement, which has only a text: the whole text when
    it fits, else its words up to the title's length and an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= TITLE_MAX:
        return flat
    cut = flat[: TITLE_MAX - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.") + "…"


def statement_text(title: str, body: str) -> str:
    """A Pol.is statement from an idea: the body alone when the title was made from it (an
    imported idea, or one whose title repeats its start), else the title and the body."""
    if title == title_of(body) or body.startswith(title.rstrip("…")):
        return body
    return f"{title}\n\n{body}"


def polis_datetime(moment: datetime) -> str:
    """Pol.is's ``datetime`` column (Java's ``Date.toString``), in UTC and in English
    whatever the server's locale: ``Sat Nov 17 05:00:00 UTC 2018``."""
    utc = moment.astimezone(UTC)
    return (
        f"{_DAYS[utc.weekday()]} {_MONTHS[utc.month - 1]} {utc.day:02d} "
        f"{utc:%H:%M:%S} UTC {utc.year}"
    )


def polis_timestamp(moment: datetime) -> int:
    return int(moment.timestamp()) * 1000


@dataclass(frozen=True, slots=True)
class ExportedStatement:
    comment_id: int
    author_id: int
    created_at: datetime
    agrees: int
    disagrees: int
    moderated: int
    text: str


def write_comments(statements: Iterable[ExportedStatement]) -> str:
    return csv_text(
        COMMENT_COLUMNS,
        (
            {
                "timestamp": polis_timestamp(s.created_at),
                "datetime": polis_datetime(s.created_at),
                "comment-id": s.comment_id,
                "author-id": s.author_id,
                "agrees": s.agrees,
                "disagrees": s.disagrees,
                "moderated": s.moderated,
                "comment-body": s.text,
            }
            for s in statements
        ),
    )


def write_votes(
    statements: Sequence[ExportedStatement],
    vote_statement: npt.NDArray[np.int64],
    vote_voter: npt.NDArray[np.int64],
    vote_value: npt.NDArray[np.int8],
) -> str:
    """``votes.csv``, one row per vote in the order given. Every cell is a number or a date
    written here, so no cell needs the spreadsheet escaping of :func:`csv_text`."""
    prefix = [
        f"{polis_timestamp(s.created_at)},{polis_datetime(s.created_at)},{s.comment_id},"
        for s in statements
    ]
    lines = [",".join(VOTE_COLUMNS)]
    lines.extend(
        f"{prefix[s]}{v},{x}"
        for s, v, x in zip(
            vote_statement.tolist(), vote_voter.tolist(), vote_value.tolist(), strict=True
        )
    )
    return "\r\n".join(lines) + "\r\n"
