"""What check costs at import: no IPython, and no jupytext for a notebook declaring no pair."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path


def test_analysis_does_not_import_ipython() -> None:
    code = (
        "import sys; from jupyter_repro.core.names import analyze_cell; "
        "analyze_cell('%matplotlib inline\\nx = !ls'); "
        "print('IPython' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def _check_imports_jupytext(notebook: str) -> bool:
    code = (
        "import sys; from jupyter_repro.cli.main import main; "
        f"main(['check', '--format', 'json', {notebook!r}]); "
        "print('jupytext' in sys.modules, file=sys.stderr)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stderr.strip().splitlines()[-1] == "True"


def _notebook(path: Path, metadata: dict[str, object]) -> Path:
    cell = {"cell_type": "code", "id": "c1", "metadata": {}, "source": "x = 1"}
    cell |= {"execution_count": 1, "outputs": []}
    notebook = {"cells": [cell], "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(notebook))
    return path


def test_a_same_named_script_without_a_declared_pairing_costs_no_jupytext(
    tmp_path: Path,
) -> None:
    notebook = _notebook(tmp_path / "analysis.ipynb", {})
    (tmp_path / "analysis.py").write_text("import analysis_helpers\n")  # a module, not a pair
    assert not _check_imports_jupytext(str(notebook))


def test_a_declared_pair_costs_jupytext_once_then_is_read_from_the_store(
    tmp_path: Path,
) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    notebook = _notebook(tmp_path / "analysis.ipynb", {"jupytext": {"formats": "ipynb,py"}})
    (tmp_path / "analysis.py").write_text("x = 1\n")
    assert _check_imports_jupytext(str(notebook))
    assert not _check_imports_jupytext(str(notebook))


def test_the_check_after_a_snapshot_reads_the_rewritten_script_without_jupytext(
    tmp_path: Path,
) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    notebook = _notebook(tmp_path / "analysis.ipynb", {"jupytext": {"formats": "ipynb,py"}})
    (tmp_path / "analysis.py").write_text("x = 1\n")
    assert _check_imports_jupytext(str(notebook))
    (tmp_path / "analysis.py").write_text("# %%\nx = 1\n")  # a save rewrote the script
    snapshot = [sys.executable, "-m", "jupyter_repro.cli", "snapshot", str(notebook)]
    subprocess.run(snapshot, capture_output=True, check=True)
    assert not _check_imports_jupytext(str(notebook))  # what pre-commit runs next


def _snapshot(notebook: Path) -> dict[str, object]:
    snapshot = [sys.executable, "-m", "jupyter_repro.cli", "snapshot", str(notebook)]
    subprocess.run(snapshot, capture_output=True, check=True)
    lock = json.loads(notebook.with_suffix(".repro.json").read_text())
    script: dict[str, object] = lock["code"]["script"]
    return script


def _findings(notebook: Path) -> list[str]:
    check = [sys.executable, "-m", "jupyter_repro.cli", "check", "--format", "json"]
    out = subprocess.run([*check, str(notebook)], capture_output=True, text=True)
    return [f["rule"] for r in json.loads(out.stdout)["notebooks"] for f in r["findings"]]


def _fresh_clone(project: Path, where: Path) -> Path:
    """What `git clone` gives: the project without its git-ignored store."""
    shutil.copytree(project, where, ignore=shutil.ignore_patterns(".repro"))
    return where


def test_a_fresh_clone_checks_the_pair_its_lock_shows_in_sync_without_jupytext(
    tmp_path: Path,
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("")
    notebook = _notebook(project / "analysis.ipynb", {"jupytext": {"formats": "ipynb,py"}})
    (project / "analysis.py").write_text("# %%\nx = 1\n")
    script = _snapshot(notebook)
    assert str(script["cells"]).startswith("blake3:")  # the lock knows the script's cells
    clone = _fresh_clone(project, tmp_path / "clone")
    assert not _check_imports_jupytext(str(clone / "analysis.ipynb"))  # CI's pre-commit
    assert "pair-out-of-sync" not in _findings(clone / "analysis.ipynb")


def test_a_side_changed_since_the_lock_is_read_and_compared(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("")
    notebook = _notebook(project / "analysis.ipynb", {"jupytext": {"formats": "ipynb,py"}})
    (project / "analysis.py").write_text("# %%\nx = 1\n")
    _snapshot(notebook)
    script_edited = _fresh_clone(project, tmp_path / "script-edited")
    (script_edited / "analysis.py").write_text("# %%\nx = 2\n")
    assert _check_imports_jupytext(str(script_edited / "analysis.ipynb"))
    assert "pair-out-of-sync" in _findings(script_edited / "analysis.ipynb")
    notebook_edited = _fresh_clone(project, tmp_path / "notebook-edited")
    data = json.loads((notebook_edited / "analysis.ipynb").read_text())
    data["cells"][0]["source"] = "x = 3"
    (notebook_edited / "analysis.ipynb").write_text(json.dumps(data))
    assert "pair-out-of-sync" in _findings(notebook_edited / "analysis.ipynb")


def test_a_script_jupytext_cannot_read_leaves_its_cells_out_of_the_lock(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    notebook = _notebook(tmp_path / "analysis.ipynb", {"jupytext": {"formats": "ipynb,py"}})
    (tmp_path / "analysis.py").write_bytes(b"\xff\xfe not text")
    assert "cells" not in _snapshot(notebook)
