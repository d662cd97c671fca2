"""The design's dependency rule, read from the imports, and the code's lint and types."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PURE = [
    REPO / "bot" / "analysis" / "text",
    REPO / "bot" / "models.py",
    REPO / "bot" / "digest_builder.py",
    REPO / "bot" / "pictures",
]
PURE_FORBIDDEN = (
    "bot.ingest", "storage", "bot.tg", "telegram", "httpx", "sqlite_utils", "sqlite3",
)  # fmt: skip
SQL = re.compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE)\b",
    re.IGNORECASE | re.DOTALL,
)


def python_files(*roots: Path) -> list[Path]:
    files: list[Path] = []
    for root in roots:
        if root.is_file():
            files.append(root)
        elif root.is_dir():
            files.extend(sorted(root.rglob("*.py")))
    return files


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def starts(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def test_the_pure_core_imports_no_io_and_no_telegram() -> None:
    # A renamed module would otherwise leave the rule checking nothing.
    assert [str(p.relative_to(REPO)) for p in PURE if not p.exists()] == []
    offenders = {
        str(path.relative_to(REPO)): sorted(
            n for n in imports_of(path) if starts(n, PURE_FORBIDDEN)
        )
        for path in python_files(*PURE)
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_storage_imports_only_models_and_sqlite_utils() -> None:
    offenders = {}
    for path in python_files(REPO / "storage"):
        bad = [n for n in imports_of(path) if n.startswith("bot") and n != "bot.models"]
        bad += [n for n in imports_of(path) if starts(n, ("telegram", "httpx"))]
        if bad:
            offenders[str(path.relative_to(REPO))] = bad
    assert offenders == {}


def test_only_the_tg_package_imports_telegram() -> None:
    offenders = [
        str(path.relative_to(REPO))
        for path in python_files(REPO / "bot", REPO / "storage")
        if "tg" not in path.relative_to(REPO).parts
        and any(starts(n, ("telegram",)) for n in imports_of(path))
    ]
    assert offenders == []


def test_sql_lives_only_in_storage() -> None:
    offenders = []
    for path in python_files(REPO / "bot"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
            if is_text and SQL.search(node.value):
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert offenders == []


def test_handlers_call_services_not_storage() -> None:
    offenders = [
        str(path.relative_to(REPO))
        for path in python_files(REPO / "bot" / "tg")
        if any(starts(n, ("storage", "sqlite_utils")) for n in imports_of(path))
    ]
    assert offenders == []


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True, timeout=600
    )


@pytest.mark.parametrize(
    "command",
    [("ruff", "check", "."), ("ruff", "format", "--check", "."), ("mypy",)],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_lint_and_types_are_clean(command: tuple[str, ...]) -> None:
    result = run_tool(*command)
    assert result.returncode == 0, result.stdout + result.stderr
