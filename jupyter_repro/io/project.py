"""Where things live: the project root, the store, the lock beside a notebook."""

from __future__ import annotations

import os
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
