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

TIMEOUT_S = 5.0


def _git(folder: Path, args: Sequence[str]) -> str | None:
    executable = shutil.which("git")
    if executable is None:
        return None
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}  # status must not take locks
    try:
        done = subprocess.run(
            [executable, "-C", str(folder), *args],
            capture_output=True, text=True, timeout=TIMEOUT_S, env=env, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def git_state(folder: Path, ignore: Sequence[str] = ()) -> dict[str, object] | None:
    """{"commit": sha or None (no commit yet), "dirty": bool}, or None outside a repository.

    One `git status` call gives both. `ignore` are paths relative to `folder` whose changes
    do not make the tree dirty (the files the save being recorded writes itself).
    """
    pathspec = [".", *(f":(exclude){path}" for path in ignore)]
    status = _git(folder, ["status", "--porcelain=v2", "-z", "--branch",
                           "--untracked-files=no", "--", *pathspec])
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
    return {"commit": commit, "dirty": dirty}
