"""`git-setup` makes a repository review-friendly; `git diff` on a notebook shows its script."""

from __future__ import annotations

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


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *args], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "-q")
    _git(root, "config", "user.email", "dev@example.org")
    _git(root, "config", "user.name", "Dev")
    (root / ".gitignore").write_text("__pycache__/")  # no trailing newline on purpose
    return root


def test_git_setup_is_idempotent(repository: Path, cli: Cli) -> None:
    code_, out, _ = cli("git-setup", repository)
    assert code_ == 0 and ".repro/" in out
    files = ((repository / ".gitignore").read_text(), (repository / ".gitattributes").read_text())
    assert files[0] == "__pycache__/\n.repro/\n"
    assert "*.ipynb diff=jupyter-repro" in files[1]
    assert "*.repro.json linguist-generated=true" in files[1]
    textconv = _git(repository, "config", "diff.jupyter-repro.textconv").strip()
    assert textconv == f"{sys.executable} -m jupyter_repro.cli textconv"
    assert textconv in out  # it says what it wrote
    code_, out, _ = cli("git-setup", repository)
    assert code_ == 0 and "already set up" in out
    assert (
        (repository / ".gitignore").read_text(),
        (repository / ".gitattributes").read_text(),
    ) == files


def test_git_diff_of_a_notebook_shows_the_code_change_without_output_noise(
    repository: Path, cli: Cli
) -> None:
    cli("git-setup", repository)
    notebook = write_notebook(
        repository / "nb.ipynb",
        [markdown("# Report"), code("total = 1 + 1\nprint(total)", [stdout("2\n")], 1)],
    )
    _git(repository, "add", ".")
    _git(repository, "commit", "-qm", "first")
    edited = nbformat.read(notebook, 4)
    edited.cells[1].source = "total = 1 + 2\nprint(total)"
    edited.cells[1].outputs = [nbformat.v4.new_output("stream", text="3\n")]
    edited.cells[1].execution_count = 7
    nbformat.write(edited, notebook)
    diff = _git(repository, "diff", "nb.ipynb")
    changed = [
        line
        for line in diff.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed == ["-total = 1 + 1", "+total = 1 + 2"]


def test_textconv_prints_an_unreadable_notebook_as_it_is(tmp_path: Path, cli: Cli) -> None:
    conflicted = tmp_path / "merge.ipynb"
    conflicted.write_text('{\n<<<<<<< HEAD\n "cells": []\n=======\n>>>>>>> branch\n')
    code_, out, _ = cli("textconv", conflicted)
    assert code_ == 0 and out == conflicted.read_text()
    assert cli("textconv", tmp_path / "missing.ipynb")[0] == 2
