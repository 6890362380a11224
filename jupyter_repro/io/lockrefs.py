"""What the CLI accepts where a lock is meant: a lock file, a notebook, or a snapshot id.

analysis.repro.json         that lock file
analysis.ipynb / .py        the lock beside it
6d5e23f1 / analysis.ipynb@6d5e23f1
                            a snapshot in the history of the current project
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jupyter_repro.core.errors import BadInputError
from jupyter_repro.core.lockmodel import Lock
from jupyter_repro.io.locks import read_lock
from jupyter_repro.io.project import LOCK_SUFFIX, find_project_root, lock_path, relative_to_root
from jupyter_repro.io.store import HistoryEntry, Store


@dataclass(frozen=True)
class LockRef:
    label: str
    lock: Lock
    entry: HistoryEntry | None = None


def notebook_relpath(notebook: Path) -> tuple[Path, str]:
    """(project root, project-relative path) of a notebook or script, which must exist."""
    if not notebook.exists():
        raise BadInputError.unreadable(notebook, "no such file")
    root = find_project_root(notebook)
    return root, relative_to_root(notebook, root)


def history_lock(entry: HistoryEntry) -> Lock:
    return entry.read()


def resolve(ref: str, cwd: Path | None = None) -> LockRef:
    cwd = cwd or Path.cwd()
    notebook_part, at, ident = ref.rpartition("@")
    if at and notebook_part:
        notebook = Path(notebook_part)
        root, relpath = notebook_relpath(notebook)
        entry = Store(root).find(ident, relpath)
        return LockRef(f"{relpath}@{entry.id}", history_lock(entry), entry)
    path = Path(ref)
    if path.is_file():
        if path.name.endswith(LOCK_SUFFIX):
            return LockRef(ref, read_lock(path))
        beside = lock_path(path)
        if not beside.is_file():
            raise BadInputError.unreadable(beside, f"no lock for {ref}: save it or run snapshot")
        return LockRef(str(beside), read_lock(beside))
    if path.suffix in (".json", ".ipynb", ".py") or "/" in ref:
        raise BadInputError.unreadable(path, "no such file")
    entry = Store(find_project_root(cwd)).find(ref)
    return LockRef(f"{entry.notebook}@{entry.id}", history_lock(entry), entry)
