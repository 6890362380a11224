"""The pytest plugin: `pytest --repro` makes one test item per notebook."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.check_projects import write_notebook


def _pytest(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # Load the plugin explicitly, whether or not its entry point is installed.
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "jupyter_repro.integrations.pytest_plugin",
        "-p",
        "no:cacheprovider",
        "-q",
        "-rA",
        *args,
    ]
    return subprocess.run(
        command, cwd=folder, env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture
def notebooks(project: Path) -> Path:
    write_notebook(project / "good.ipynb", [("x = 1", 1), ("print(x)", 2)])
    write_notebook(project / "sub" / "bad.ipynb", [("print(nope)", 1)])
    write_notebook(project / ".ipynb_checkpoints" / "bad-checkpoint.ipynb", [("print(nope)", 1)])
    return project


def test_without_the_option_notebooks_are_not_collected(notebooks: Path) -> None:
    result = _pytest(notebooks)
    assert "no tests ran" in result.stdout


def test_repro_makes_one_check_item_per_notebook_with_readable_failures(notebooks: Path) -> None:
    result = _pytest(notebooks, "--repro")
    assert result.returncode == 1, result.stdout
    assert "PASSED good.ipynb::repro-check" in result.stdout
    assert "FAILED sub/bad.ipynb::repro-check" in result.stdout
    assert "checkpoint" not in result.stdout
    assert "cell 1: error [hidden-state] uses `nope`" in result.stdout
    assert "fix: define the name in a cell above" in result.stdout


def test_warnings_pass_unless_the_notebook_enforces_strictly(project: Path) -> None:
    write_notebook(project / "nb.ipynb", [("import random\nrandom.random()", None)])
    assert _pytest(project, "--repro").returncode == 0
    (project / ".jupyter-repro.toml").write_text('enforce = "strict"\n')
    result = _pytest(project, "--repro")
    assert result.returncode == 1 and "[unseeded-random]" in result.stdout


def test_an_unreadable_notebook_fails_its_item_with_the_reason(project: Path) -> None:
    (project / "broken.ipynb").write_text("{")
    result = _pytest(project, "--repro")
    assert result.returncode == 1
    assert "unreadable" in result.stdout and "invalid JSON" in result.stdout


def test_items_spread_over_xdist_workers(notebooks: Path) -> None:
    result = _pytest(notebooks, "-p", "xdist.plugin", "-n", "2", "--repro")
    assert result.returncode == 1
    assert "1 failed, 1 passed" in result.stdout


@pytest.mark.kernel
def test_repro_verify_makes_verify_items_that_report_the_verdict(project: Path) -> None:
    write_notebook(project / "fails.ipynb", [("raise ValueError('boom')", 1)])
    result = _pytest(project, "--repro-verify")
    assert "fails.ipynb::repro-verify" in result.stdout
    assert result.returncode == 1
    assert "jupyter-repro verify fails.ipynb:" in result.stdout
