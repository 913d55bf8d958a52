"""The identity boundary, checked: no domain but identity imports any module inside
``candour.identity`` (an allow-list: only the package's own exports are public), held by the
import-linter contracts in pyproject.toml and again here by reading the source."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from candour.core.settings import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "backend" / "candour"
# Every module inside identity is private to it, whenever it was added.
PRIVATE = {
    f"candour.identity.{path.stem}"
    for path in (PACKAGE / "identity").glob("*.py")
    if path.stem != "__init__"
}
# Entry points that wire everything together may reach in; domains may not.
ALLOWED_OUTSIDE_IDENTITY = {"candour/app.py", "candour/models.py", "candour/demo.py"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_no_domain_but_identity_imports_personal_data_modules() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE.parent).as_posix()
        if relative.startswith("candour/identity/") or relative in ALLOWED_OUTSIDE_IDENTITY:
            continue
        if bad := _imports(path) & PRIVATE:
            offenders.append(f"{relative}: {sorted(bad)}")
    assert offenders == []


def test_import_linter_contracts_hold() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports")],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for contract in (
        "Only the identity domain reads personal data",
        "Shared plumbing depends on no domain",
        "No cycles between domains, or between the modules of one",
    ):
        assert f"{contract} KEPT" in result.stdout


def test_no_domain_but_identity_reads_the_callers_account_id() -> None:
    """Other domains see a caller's role and pseudonym, never the account behind them."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE.parent).as_posix()
        if relative.startswith("candour/identity/"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in {"account_id", "_account_id"}:
                offenders.append(f"{relative}:{node.lineno}")
    assert offenders == []


# Import name → distribution name, where they differ.
_DISTRIBUTIONS = {
    "jose": "python-jose",
    "email_validator": "email-validator",
    "pydantic_settings": "pydantic-settings",
    "nh3": "nh3",
    "sklearn": "scikit-learn",
    "yaml": "pyyaml",
}


def test_the_service_imports_only_its_runtime_dependencies() -> None:
    """`make run` installs requirements.txt only: a module the service imports from the test
    or dev extras would work in the test suite and fail on a fresh machine."""
    pinned = {
        line.split("==")[0].strip().lower()
        for line in (PROJECT_ROOT / "requirements.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    }
    stdlib = set(sys.stdlib_module_names)
    missing = set()
    for path in PACKAGE.rglob("*.py"):
        for name in _imports(path):
            top = name.split(".")[0]
            if top in stdlib or top in {"candour", "__future__"}:
                continue
            if _DISTRIBUTIONS.get(top, top).replace("_", "-").lower() not in pinned:
                missing.add(f"{top} ({path.relative_to(PACKAGE.parent)})")
    assert missing == set()
