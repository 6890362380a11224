"""The pre-commit hooks users add to their own configuration."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support.check_projects import write_notebook

MANIFEST = Path(__file__).resolve().parents[3] / ".pre-commit-hooks.yaml"


def _hooks() -> dict[str, dict[str, object]]:
    return {hook["id"]: hook for hook in yaml.safe_load(MANIFEST.read_text())}


def test_the_manifest_is_valid_for_pre_commit() -> None:
    clientlib = pytest.importorskip("pre_commit.clientlib")
    hooks = clientlib.load_manifest(str(MANIFEST))
    assert {h["id"] for h in hooks} == {"jupyter-repro-check", "jupyter-repro-sync"}


def test_the_check_hook_only_checks_and_the_sync_hook_syncs() -> None:
    hooks = _hooks()
    assert hooks["jupyter-repro-check"]["entry"] == "jupyter-repro check"
    assert hooks["jupyter-repro-check"]["types_or"] == ["jupyter", "python"]
    assert hooks["jupyter-repro-sync"]["entry"] == "jupyter-repro sync"


def _git(cwd: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
    }
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)


@pytest.mark.skipif(shutil.which("pre-commit") is None, reason="pre-commit is not installed")
def test_the_check_hook_blocks_a_notebook_with_errors_and_never_modifies_files(project: Path):
    _git(project, "init", "-q")
    check = _hooks()["jupyter-repro-check"]
    # The same hook as a local one, run with the jupyter-repro of this environment.
    local = {**check, "language": "system"}
    (project / ".pre-commit-config.yaml").write_text(
        yaml.safe_dump({"repos": [{"repo": "local", "hooks": [local]}]})
    )
    write_notebook(project / "good.ipynb", [("x = 1", 1)])
    (project / "module.py").write_text("def helper():\n    return 1\n")
    _git(project, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(project / ".cache")}
    ok = subprocess.run(
        ["pre-commit", "run", "--all-files"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    write_notebook(project / "bad.ipynb", [("print(nope)", 1)])
    _git(project, "add", "bad.ipynb")
    before = (project / "bad.ipynb").read_bytes()
    failed = subprocess.run(
        ["pre-commit", "run", "--all-files"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert failed.returncode == 1
    assert "bad.ipynb:cell 1: error [hidden-state]" in failed.stdout
    assert "files were modified" not in failed.stdout
    assert (project / "bad.ipynb").read_bytes() == before
