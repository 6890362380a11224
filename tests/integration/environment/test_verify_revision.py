"""verify --rev: a commit reproduced from git plus the store or remote, in a temporary worktree."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from jupyter_repro.io.locks import read_lock
from jupyter_repro.io.store import Store

NOTEBOOK = "analysis.ipynb"
INPUT = "data/measurements.csv"


def git(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, check=True
    ).stdout


def repro(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["jupyter-repro", *args], cwd=folder, capture_output=True, text=True, check=False
    )


@pytest.fixture
def repository(example_project: Path) -> Path:
    """The example as a git repository whose data is not committed; the data went to the
    example's own remote (a folder beside it), and this clone's store is empty."""
    root = example_project / "air-quality"
    (root / ".gitignore").write_text("data/\nresults/\n.shared-store/\n")
    git(root, "init", "--quiet")
    git(root, "-c", "user.email=t@example.org", "-c", "user.name=t", "add", ".")
    git(root, "-c", "user.email=t@example.org", "-c", "user.name=t", "commit", "-qm", "analysis")
    store = Store(root)
    digest = read_lock(root / "analysis.repro.json").inputs[INPUT].hash
    assert digest is not None and store.put_file(root / INPUT, digest)
    assert repro(root, "push").returncode == 0
    shutil.rmtree(root / ".repro")
    return root


@pytest.mark.slow
def test_a_commit_is_verified_from_its_lock_and_the_remote_leaving_the_tree_untouched(
    repository: Path,
) -> None:
    (repository / INPUT).write_text("station,date,pm25\n")  # today's data differs
    status_before = git(repository, "status", "--porcelain")
    done = repro(repository, "verify", NOTEBOOK, "--rev", "HEAD", "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["verdict"] == "reproduced"
    assert report["revision"] == git(repository, "rev-parse", "HEAD").strip()
    assert report["inputs_placed"] == [INPUT]
    assert (repository / INPUT).read_text() == "station,date,pm25\n"
    assert git(repository, "status", "--porcelain") == status_before
    assert git(repository, "worktree", "list").count("\n") == 1


def test_a_revision_that_does_not_exist_is_one_line_exit_2(repository: Path) -> None:
    done = repro(repository, "verify", NOTEBOOK, "--rev", "no-such-branch")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "no revision 'no-such-branch'" in done.stderr


def test_a_revision_without_the_lock_is_one_line_exit_2(repository: Path) -> None:
    git(repository, "rm", "-q", "--cached", "analysis.repro.json")
    git(repository, "-c", "user.email=t@example.org", "-c", "user.name=t", "commit", "-qm", "x")
    done = repro(repository, "verify", NOTEBOOK, "--rev", "HEAD")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "has no lock at HEAD" in done.stderr
    assert git(repository, "worktree", "list").count("\n") == 1


@pytest.mark.slow
def test_a_commit_is_verified_in_the_environment_its_own_lock_records(
    repository: Path, tmp_path: Path
) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    done = subprocess.run(
        ["jupyter-repro", "verify", NOTEBOOK, "--rev", "HEAD", "--isolated", "--format", "json"],
        cwd=repository,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["verdict"] == "reproduced"
    assert report["ran_in"]["rebuilt_from_lock"] is True
    assert report["revision"] == git(repository, "rev-parse", "HEAD").strip()
