"""The committed OpenAPI document is the contract: it must be what the app produces, say
who may call each operation and where, and pass Redocly's `recommended` lint."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx
import pytest
from fastapi import FastAPI

from candour.app import create_app
from candour.core.settings import PROJECT_ROOT, Environment, Settings

COMMITTED = PROJECT_ROOT / "openapi" / "openapi.json"


def _generated() -> dict[str, object]:
    return create_app(Settings(environment=Environment.test)).openapi()


def test_committed_document_is_current() -> None:
    committed = json.loads(Path(COMMITTED).read_text())
    assert committed == _generated(), (
        "openapi/openapi.json is stale: run `make openapi` and commit it"
    )


def test_every_operation_has_a_readable_id_summary_and_problem_responses() -> None:
    document = _generated()
    seen: set[str] = set()
    for path, operations in document["paths"].items():  # type: ignore[attr-defined]
        for method, operation in operations.items():
            operation_id = operation["operationId"]
            assert operation_id.replace("_", "").isalpha() and operation_id.islower(), operation_id
            assert operation_id not in seen
            seen.add(operation_id)
            assert operation.get("summary"), f"{method} {path} has no summary"
            if "requestBody" in operation or "{" in path:
                assert any(code.startswith("4") for code in operation["responses"]), (
                    f"{method} {path}"
                )
    for expected in (
        "login",
        "request_sign_in_link",
        "set_password",
        "import_participants",
        "get_me",
    ):
        assert expected in seen


REDOCLY = PROJECT_ROOT / "openapi" / "node_modules" / ".bin" / "redocly"
REDOCLY_CONFIG = PROJECT_ROOT / "openapi" / "redocly.yaml"
_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}

# The operations anyone may call. A new one must be added here on purpose: an operation
# without a security requirement is marked public in the document, so one that checks a
# session without declaring its scheme would otherwise be published as open to all.
PUBLIC_OPERATIONS = {"get_health", "login", "logout", "request_sign_in_link", "set_password"}
# Operations that refuse nothing: both take no input and need no session. Redocly's
# operation-4xx-response is off (see openapi/redocly.yaml), so this is where it is kept.
OPERATIONS_WITHOUT_REFUSALS = {"get_health", "logout"}


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in _METHODS
    ]


def test_every_operation_states_its_security_and_a_4xx_answer() -> None:
    public = set()
    for method, path, operation in _operations(_generated()):
        assert "security" in operation, f"{method} {path} does not say who may call it"
        if operation["security"] == []:
            public.add(operation["operationId"])
        if operation["operationId"] not in OPERATIONS_WITHOUT_REFUSALS:
            assert any(code.startswith("4") for code in operation["responses"]), (
                f"{method} {path} documents no 4xx problem"
            )
    assert public == PUBLIC_OPERATIONS


async def test_a_client_reaches_an_operation_through_the_served_documents_server(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    """As a client generator does: read the served document, resolve its (relative) server
    URL against where the document came from, and call an operation's path under it."""
    assert app.openapi_url
    document_url = str(client.base_url.join(app.openapi_url))
    document = (await client.get(document_url)).json()
    assert document["servers"], "a client generator needs `servers` to build URLs"
    server = urljoin(document_url, document["servers"][0]["url"])
    [health] = [
        path
        for method, path, operation in _operations(document)
        if operation["operationId"] == "get_health"
    ]
    response = await client.get(server.rstrip("/") + health)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "ok"


def _describe(problems: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{p['severity']} {p['ruleId']}: {p['message']} at "
        + ", ".join(location.get("pointer", "?") for location in p.get("location", []))
        for p in problems
    )


def test_the_document_passes_redocly_recommended_lint(tmp_path: Path) -> None:
    if not REDOCLY.exists():
        reason = f"{REDOCLY} is missing: run `npm ci --prefix openapi` (`make test` does)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: {reason}")
        pytest.skip(reason)
    document = tmp_path / "openapi.json"
    document.write_text(json.dumps(_generated(), indent=2))
    result = subprocess.run(
        [str(REDOCLY), "lint", "--config", str(REDOCLY_CONFIG), "--format=json", str(document)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        # No usage reports or update checks: the lint must not depend on the network.
        env={**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_NOTIFICATIONS": "true"},
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"redocly exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    problems = _describe(report["problems"])
    assert result.returncode == 0, f"redocly lint found errors:\n{problems}\n{result.stderr}"
    assert report["totals"]["warnings"] == 0, f"redocly lint found warnings:\n{problems}"
