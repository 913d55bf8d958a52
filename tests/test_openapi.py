"""The committed OpenAPI document is the contract: it must be what the app produces."""

from __future__ import annotations

import json
from pathlib import Path

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
