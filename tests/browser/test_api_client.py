"""The SPA's one API client (frontend/api.js) is checked against the committed OpenAPI
document: every call it makes is an operation there, and every body it sends has exactly
the fields that operation accepts (the API refuses unknown fields)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "frontend" / "api.js"
OPENAPI = ROOT / "openapi" / "openapi.json"

_CALL = re.compile(
    r"""request\(\s*"(?P<method>[A-Z]+)",\s*(?P<quote>["`])(?P<path>/api/[^"`]*)(?P=quote)"""
    r"""(?:,\s*(?:\{(?P<body>[^}]*)\}|undefined))?"""
    r"""(?:,\s*\{[^{}]*?query:\s*\{(?P<query>[^}]*)\})?""",
)
_TEMPLATE_PARAMETER = re.compile(r"\$\{[^}]*\}")
_PATH_PARAMETER = re.compile(r"\{[^}]*\}")


def _keys(literal: str | None) -> list[str] | None:
    """The keys of an object literal's inside, "a, b: x" → ["a", "b"]."""
    if literal is None:
        return None
    return [part.split(":")[0].strip() for part in literal.split(",") if part.strip()]


def _calls() -> list[tuple[str, str, list[str] | None, list[str] | None]]:
    calls = []
    for found in _CALL.finditer(CLIENT.read_text()):
        path = _TEMPLATE_PARAMETER.sub("{}", found["path"])
        calls.append((found["method"].lower(), path, _keys(found["body"]), _keys(found["query"])))
    return calls


def _schema(document: dict[str, Any], reference: dict[str, Any]) -> dict[str, Any]:
    """The object schema a body refers to; an optional body is `anyOf` it and null."""
    if "$ref" not in reference:
        [reference] = [r for r in reference["anyOf"] if "$ref" in r]
    name = reference["$ref"].rsplit("/", 1)[-1]
    schema: dict[str, Any] = document["components"]["schemas"][name]
    return schema


def test_every_call_of_the_client_is_an_operation_with_the_fields_it_accepts() -> None:
    document = json.loads(OPENAPI.read_text())
    operations = {
        (method, _PATH_PARAMETER.sub("{}", path)): operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }
    calls = _calls()
    assert len(calls) >= 20, "the pattern no longer finds the client's calls"
    assert sum(query is not None for *_, query in calls) >= 4, "no query parameters found"
    for method, path, keys, query in calls:
        operation = operations.get((method, path))
        assert operation is not None, f"{method.upper()} {path} is not in openapi.json"
        parameters = [p for p in operation.get("parameters", []) if p["in"] == "query"]
        if query is not None:
            known = {p["name"] for p in parameters}
            assert set(query) <= known, f"{method.upper()} {path} sends unknown query {query}"
        required = {p["name"] for p in parameters if p.get("required")}
        assert required <= set(query or []), f"{method.upper()} {path} leaves out {required}"
        if keys is None:
            continue
        content = operation["requestBody"]["content"]["application/json"]
        schema = _schema(document, content["schema"])
        accepted = set(schema["properties"])
        assert set(keys) <= accepted, f"{method.upper()} {path} sends fields it does not accept"
        missing = set(schema.get("required", [])) - set(keys)
        assert not missing, f"{method.upper()} {path} leaves out required fields {missing}"
