"""Where things live: the project root, the store, the lock beside a notebook."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

ROOT_MARKERS = (".git", "pyproject.toml", ".repro")
STORE_DIRNAME = ".repro"
LOCK_SUFFIX = ".repro.json"


def real_path(path: Path) -> Path:
    """`path` with links resolved as far as they go: a link loop is left for the read to
    report (`Path.resolve` raises RuntimeError on one before Python 3.13)."""
    return Path(os.path.realpath(path))


def find_project_root(path: Path) -> Path:
    """The nearest folder from `path`'s folder upwards holding a root marker, else that folder."""
    start = real_path(path)
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        if any((candidate / marker).exists() for marker in ROOT_MARKERS):
            return candidate
    return folder


def store_dir(project_root: Path) -> Path:
    return project_root / STORE_DIRNAME


def journal_dir(project_root: Path) -> Path:
    return store_dir(project_root) / "journal"


def lock_path(notebook: Path) -> Path:
    """`analysis.ipynb` -> `analysis.repro.json` beside it (also for a paired `analysis.py`)."""
    return notebook.with_name(notebook.stem + LOCK_SUFFIX)


def relative_to_root(path: Path, project_root: Path) -> str:
    """POSIX path relative to the project root when inside it, else the absolute path."""
    resolved = real_path(path if path.is_absolute() else project_root / path)
    try:
        return resolved.relative_to(real_path(project_root)).as_posix()
    except ValueError:
        return resolved.as_posix()


# Folders that hold no notebooks of the user's: environments, caches, build output.
SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "site-packages", "venv"})
_NEVER_WALKED = frozenset({".git", ".repro"})


def walk_project(folder: Path, *, hidden: bool = False, suffix: str = "") -> Iterator[Path]:
    """The files under `folder` (whose names end with `suffix`), in a stable order, never
    inside git or the store.

    Hidden folders (checkpoints, `.venv`, `.tox`) and environments are skipped unless
    `hidden`: what must find every lock (gc's roots) looks everywhere a notebook could be.
    """
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in _NEVER_WALKED
            and (hidden or (not d.startswith(".") and d not in SKIPPED_DIRS))
        )
        for name in sorted(files):
            if name.endswith(suffix):  # before the Path: a data folder has thousands
                yield Path(current, name)


def lock_files(root: Path) -> list[Path]:
    """Every lock in the project, hidden folders included."""
    return list(walk_project(root, hidden=True, suffix=LOCK_SUFFIX))
