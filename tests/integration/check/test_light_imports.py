"""What check costs at import: no IPython, and no jupytext for a notebook declaring no pair."""

from __future__ import annotations

import json
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


def test_reading_a_paired_script_from_the_command_line_starts_no_server_code(
    tmp_path: Path,
) -> None:
    """jupytext's contents managers pull in jupyter_server and tornado: a command that
    only reads a script has no use for them."""
    (tmp_path / "pyproject.toml").write_text("")
    notebook = _notebook(tmp_path / "analysis.ipynb", {"jupytext": {"formats": "ipynb,py"}})
    (tmp_path / "analysis.py").write_text("# %%\nx = 1\n")
    code = (
        "import sys; from jupyter_repro.cli.main import console_main\n"
        f"sys.argv = ['jupyter-repro', 'check', {str(notebook)!r}]\n"
        "try:\n    console_main()\nexcept SystemExit:\n    pass\n"
        "print('jupytext' in sys.modules, 'jupyter_server' in sys.modules, 'tornado' in"
        " sys.modules, file=sys.stderr)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stderr.strip().splitlines()[-1] == "True False False"
