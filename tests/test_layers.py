"""What import-linter cannot say: no app reaches into a sibling's private names or modules.

The order of the apps (a layers contract) and the engine's independence from Django are import-linter contracts in
``pyproject.toml``, checked by ``lint-imports`` in ``.ci/run``; this test checks that the contracts are there too.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "zilu"


def _cross_app_private_imports(source: Path = SOURCE, root: Path = ROOT) -> list[str]:
    found = []
    for path in sorted(source.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(source).parts
        own = parts[0] if len(parts) > 1 else None
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("zilu."):
                continue
            module = (node.module or "").split(".")
            if module[1] == own:
                continue
            private = [p for p in module[2:] if p.startswith("_")] + [a.name for a in node.names if a.name[0] == "_"]
            if private:
                found.append(f"{path.relative_to(root)}:{node.lineno} imports {node.module}: {', '.join(private)}")
    return found


def test_no_app_imports_a_siblings_private_names():
    assert _cross_app_private_imports() == []


def test_the_checker_sees_a_private_import(tmp_path):
    app = tmp_path / "zilu" / "reports"
    app.mkdir(parents=True)
    (app / "leak.py").write_text("from zilu.members.actions.applications import _transition\n", encoding="utf-8")
    (app / "fine.py").write_text("from zilu.reports.actions import _locked\n", encoding="utf-8")  # its own app
    assert _cross_app_private_imports(tmp_path / "zilu", tmp_path) == [
        "zilu/reports/leak.py:1 imports zilu.members.actions.applications: _transition"
    ]


def test_the_layers_contract_names_every_domain_app():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["type"] == "layers")["layers"]
    named = {name.strip().removeprefix("zilu.") for layer in layers for name in layer.split("|")}
    apps = {p.parent.name for p in SOURCE.glob("*/apps.py")} | {"screening"}
    assert apps <= named, f"apps missing from the layers contract: {sorted(apps - named)}"
