"""The labextension's model unit tests (TypeScript, Node's test runner) under pytest."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]


def test_the_labextension_model_unit_tests_pass() -> None:
    if not (REPO_ROOT / "node_modules" / "typescript").is_dir():
        pytest.skip("node_modules is absent: run `jlpm install` to run the labextension tests")
    jlpm = shutil.which("jlpm")
    if jlpm is None:
        pytest.skip("jlpm is not on PATH (it comes with jupyter-builder)")
    result = subprocess.run(
        [jlpm, "test"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "# fail 0" in output, output[-4000:]
    assert "# pass 0" not in output, "no labextension test ran"
