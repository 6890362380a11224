"""The layer rules of DESIGN.md, checked on every import statement in the package.

Function-level (lazy) imports count too: a rule broken inside a function is still broken.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[3] / "jupyter_repro"
LAYERS = ("core", "io", "kernel", "server", "integrations", "cli")
GLUE = ("kernel", "server", "cli")
# What each layer may import from the package, besides itself and the package root.
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "io": {"core"},
    "integrations": {"core", "io"},
    "kernel": {"core", "io"},
    "server": {"core", "io", "integrations"},
    "cli": {"core", "io", "integrations"},
}
KERNEL_FORBIDDEN = (
    "jupyter_server",
    "jupytext",
    "papermill",
    "nbconvert",
    "nbclient",
    "argparse",
    "tornado",
)


def _layer_of(path: Path) -> str | None:
    relative = path.relative_to(PACKAGE).parts
    return relative[0] if len(relative) > 1 and relative[0] in LAYERS else None


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            if node.module == "jupyter_repro":
                names.extend(f"jupyter_repro.{alias.name}" for alias in node.names)
    return names


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "labextension" not in p.parts)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_module_imports_only_the_layers_its_own_layer_may_use(path: Path) -> None:
    layer = _layer_of(path)
    if layer is None:
        return
    for name in _imports(path):
        parts = name.split(".")
        if parts[0] != "jupyter_repro" or len(parts) < 2 or parts[1] not in LAYERS:
            continue
        target = parts[1]
        assert target == layer or target in ALLOWED[layer], (
            f"{path.relative_to(PACKAGE)} ({layer}) imports {name} ({target})"
        )


@pytest.mark.parametrize(
    "path",
    [p for p in _modules() if _layer_of(p) in ("kernel", "core")],
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_kernel_and_core_never_import_server_pairing_or_runner_libraries(path: Path) -> None:
    for name in _imports(path):
        assert name.split(".")[0] not in KERNEL_FORBIDDEN, (
            f"{path.relative_to(PACKAGE)} imports {name}"
        )


def test_the_rules_see_every_layer_folder() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert set(LAYERS) <= folders
