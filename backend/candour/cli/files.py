"""Reading the operator's files and writing ours, with a one-line reason when it fails."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from candour.cli.failures import CommandFailed


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CommandFailed(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CommandFailed(f"{path} is a directory, not a file") from None
    except OSError as exc:
        raise CommandFailed(f"{path} cannot be read: {exc.strerror or exc}") from None


def read_text(path: Path) -> str:
    """A UTF-8 file's text (a byte-order mark is allowed); refused, naming the line, when
    it is in another encoding — guessing one would import wrong names."""
    data = read_bytes(path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CommandFailed(
            f"{path} is not UTF-8 text: line {line} holds the byte 0x{data[exc.start]:02x}; "
            "save the file as UTF-8 (in a spreadsheet: CSV UTF-8)"
        ) from None


def read_document(path: Path) -> Any:
    """A JSON or YAML file's content (JSON by a ``.json`` name, YAML otherwise)."""
    content = read_text(path)
    if path.suffix.lower() == ".json":
        try:
            return json.loads(content)
        except json.JSONDecodeError as exc:
            raise CommandFailed(
                f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
            ) from None
    try:
        return yaml.safe_load(content)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "not YAML"
        raise CommandFailed(f"{path} is not valid YAML: {problem}{where}") from None


def write_bytes(path: Path, data: bytes) -> None:
    """Write the whole file or nothing: a half-written export is worse than none."""
    directory = path.parent if str(path.parent) else Path()
    try:
        with tempfile.NamedTemporaryFile(dir=directory, delete=False, suffix=".part") as out:
            out.write(data)
        os.replace(out.name, path)
    except OSError as exc:
        raise CommandFailed(f"{path} cannot be written: {exc.strerror or exc}") from None
