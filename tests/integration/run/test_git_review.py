"""The git review flow from a fresh clone: sync either side, `git diff` from any shell."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from tests.support.run_projects import code, markdown, stdout, write_notebook

Cli = Callable[..., tuple[int, str, str]]
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def _git(root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *args], check=True, capture_output=True, text=True, env=env
    ).stdout


@pytest.fixture
def upstream(tmp_path: Path, cli: Cli) -> Path:
    """A repository with a paired notebook and its lock committed, as a teammate pushed it."""
    root = tmp_path / "upstream"
    root.mkdir()
    _git(root, "init", "-q")
    _git(root, "config", "user.email", "dev@example.org")
    _git(root, "config", "user.name", "Dev")
    notebook = write_notebook(
        root / "analysis.ipynb",
        [markdown("# Analysis"), code("total = 1 + 1\nprint(total)", [stdout("2\n")], 1)],
    )
    assert cli("git-setup", root)[0] == 0
    assert cli("pair", notebook)[0] == 0
    assert cli("snapshot", notebook)[0] == 0
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "analysis")
    return root


def _clone(upstream: Path, name: str) -> Path:
    target = upstream.parent / name
    subprocess.run(["git", "clone", "-q", str(upstream), str(target)], check=True)
    assert not (target / ".repro").exists()  # a fresh clone has no store
    return target


def test_a_script_edit_in_a_fresh_clone_syncs_into_the_notebook(upstream: Path, cli: Cli) -> None:
    clone = _clone(upstream, "reviewer")
    script = clone / "analysis.py"
    script.write_text(script.read_text().replace("1 + 1", "1 + 2"))
    for path in (clone / "analysis.ipynb", script):  # from either side
        code_, out, err = cli("sync", path)
        assert code_ == 0, out + err
    notebook = nbformat.read(clone / "analysis.ipynb", 4)
    assert notebook.cells[1].source == "total = 1 + 2\nprint(total)"
    assert notebook.cells[1].outputs  # outputs kept


def test_a_notebook_edit_in_a_fresh_clone_syncs_into_the_script(upstream: Path, cli: Cli) -> None:
    for side in ("notebook", "script"):
        clone = _clone(upstream, f"teammate-{side}")
        notebook = nbformat.read(clone / "analysis.ipynb", 4)
        notebook.cells[1].source = "total = 2 + 2\nprint(total)"
        nbformat.write(notebook, clone / "analysis.ipynb")
        given = clone / ("analysis.ipynb" if side == "notebook" else "analysis.py")
        code_, out, err = cli("sync", given)
        assert code_ == 0 and "notebook -> script" in out, out + err
        assert "total = 2 + 2" in (clone / "analysis.py").read_text()


def test_git_diff_works_from_a_shell_without_the_virtualenv(upstream: Path, cli: Cli) -> None:
    clone = _clone(upstream, "plain-shell")
    assert cli("git-setup", clone)[0] == 0  # the textconv is repository-local: per machine
    notebook = nbformat.read(clone / "analysis.ipynb", 4)
    notebook.cells[1].source = "total = 1 + 3\nprint(total)"
    nbformat.write(notebook, clone / "analysis.ipynb")
    venv_bin = str(Path(sys.executable).parent)
    path = os.pathsep.join(
        p for p in os.environ["PATH"].split(os.pathsep) if p and Path(p) != Path(venv_bin)
    )
    env = {**os.environ, "PATH": path or "/usr/bin:/bin"}
    env.pop("VIRTUAL_ENV", None)
    assert shutil.which("jupyter-repro", path=env["PATH"]) is None
    diff = _git(clone, "diff", "analysis.ipynb", env=env)
    assert "-total = 1 + 1" in diff and "+total = 1 + 3" in diff
    assert '"outputs"' not in diff
