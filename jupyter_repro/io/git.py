"""The git commit and dirty state of a project, through the `git` command.

Absent git, a folder that is not a repository, or a slow repository give `None` rather
than an error: the lock then says it has no git state.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from jupyter_repro.core.lockmodel import GitState

TIMEOUT_S = 5.0


def _git(folder: Path, args: Sequence[str]) -> str | None:
    executable = shutil.which("git")
    if executable is None:
        return None
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}  # status must not take locks
    try:
        done = subprocess.run(
            [executable, "-C", str(folder), *args],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            env=env,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def _git_dir(folder: Path) -> Path | None:
    for candidate in (folder, *folder.parents):
        marker = candidate / ".git"
        if marker.is_dir():
            return marker
        if marker.is_file():  # a worktree or submodule: "gitdir: <path>"
            text = marker.read_text(encoding="utf-8", errors="replace").strip()
            if text.startswith("gitdir:"):
                target = Path(text.removeprefix("gitdir:").strip())
                return target if target.is_absolute() else (candidate / target).resolve()
            return None
    return None


def head_commit(folder: Path) -> str | None:
    """HEAD's commit read from `.git` files (no subprocess); git itself for the rare rest."""
    try:
        git_dir = _git_dir(folder.resolve())
        if git_dir is None:
            return None
        head = (git_dir / "HEAD").read_text(encoding="utf-8").strip()
        if not head.startswith("ref: "):
            return head or None
        ref = head.removeprefix("ref: ")
        common = git_dir
        commondir = git_dir / "commondir"
        if commondir.is_file():
            common = (git_dir / commondir.read_text(encoding="utf-8").strip()).resolve()
        for base in (git_dir, common):
            loose = base / ref
            if loose.is_file():
                return loose.read_text(encoding="utf-8").strip() or None
        packed = common / "packed-refs"
        if packed.is_file():
            for line in packed.read_text(encoding="utf-8").splitlines():
                if line.endswith(" " + ref):
                    return line.split(" ", 1)[0]
    except OSError:
        pass
    out = _git(folder, ["rev-parse", "--verify", "-q", "HEAD"])
    return out.strip() if out else None


def git_state(folder: Path, ignore: Sequence[str] = ()) -> GitState | None:
    """The commit (None before the first one) and whether the tree is dirty; None outside git.

    One `git status` call gives both. `ignore` are paths relative to `folder` whose changes
    do not make the tree dirty (the files the save being recorded writes itself).
    """
    pathspec = [".", *(f":(exclude){path}" for path in ignore)]
    status = _git(
        folder,
        ["status", "--porcelain=v2", "-z", "--branch", "--untracked-files=no", "--", *pathspec],
    )
    if status is None:
        return None
    commit: str | None = None
    dirty = False
    for item in status.split("\0"):
        if item.startswith("# branch.oid "):
            oid = item.removeprefix("# branch.oid ").strip()
            commit = None if oid == "(initial)" else oid
        elif item[:2] in ("1 ", "2 ", "u "):
            dirty = True
    return GitState(commit, dirty)
