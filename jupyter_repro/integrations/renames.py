"""A renamed notebook keeps what belongs to it: paired files, lock, history, sync record.

JupyterLab renames through the contents manager (jupytext's moves the paired files with
it) and the server follows with `follow_rename`; `jupyter-repro mv` moves the notebook
and calls the same function. Nothing is overwritten: a file already at the new name is
left alone and reported.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from jupyter_repro.core.errors import BadInputError, UsageError
from jupyter_repro.io.locks import read_lock, write_lock
from jupyter_repro.io.notebooks import read_notebook_json
from jupyter_repro.io.pairpaths import paired_files
from jupyter_repro.io.project import find_project_root, lock_path, relative_to_root
from jupyter_repro.io.renamelog import record_rename
from jupyter_repro.io.store import Store, notebook_key, store_lock


@dataclass
class RenameResult:
    """What moved (project-relative paths, old -> new) and what was left where it was."""

    moved: list[tuple[str, str]] = field(default_factory=list)
    history: bool = False
    kept: list[str] = field(default_factory=list)  # the new name was taken: not overwritten


def _metadata(notebook: Path) -> dict[str, Any]:
    try:
        metadata = read_notebook_json(notebook).get("metadata")
    except (BadInputError, OSError):
        return {}
    return metadata if isinstance(metadata, dict) else {}


def _pairs(old: Path, new: Path, metadata: dict[str, Any]) -> list[tuple[Path, Path]]:
    """(old, new) paired files: jupytext's paired paths of each name, in format order."""
    try:
        before, after = paired_files(old, metadata), paired_files(new, metadata)
    except BadInputError:
        return []
    return [(a.path, b.path) for a, b in zip(before, after, strict=False)]


def _move_file(old: Path, new: Path, root: Path, result: RenameResult) -> None:
    if not old.is_file():
        return
    if new.exists():
        result.kept.append(relative_to_root(old, root))
        return
    new.parent.mkdir(parents=True, exist_ok=True)
    os.rename(old, new)
    result.moved.append((relative_to_root(old, root), relative_to_root(new, root)))


def _move_lock(old: Path, new: Path, root: Path, result: RenameResult) -> None:
    """The lock under its new name, naming the new notebook and paired script. A lock
    that moved already (with its folder) is rewritten where it is."""
    source, target = lock_path(old), lock_path(new)
    moving = source.is_file()
    if moving and target.exists():
        result.kept.append(relative_to_root(source, root))
        return
    if not moving and not target.is_file():
        return
    try:
        lock = read_lock(source if moving else target)
    except BadInputError:  # unreadable: moved as it is, it is still the user's file
        if moving:
            os.rename(source, target)
            result.moved.append((relative_to_root(source, root), relative_to_root(target, root)))
        return
    if not moving and lock.notebook != relative_to_root(old, root):
        return  # another notebook's lock, or one already rewritten
    script = lock.code.script
    paired = _pairs(old, new, _metadata(new))
    renamed = {relative_to_root(a, root): relative_to_root(b, root) for a, b in paired}
    if script is not None and script.path in renamed:
        script = replace(script, path=renamed[script.path])
    write_lock(
        target,
        replace(lock, notebook=relative_to_root(new, root), code=replace(lock.code, script=script)),
    )
    if moving:
        source.unlink()
        result.moved.append((relative_to_root(source, root), relative_to_root(target, root)))


def _move_history(old_relpath: str, new_relpath: str, root: Path) -> bool:
    """The history folder under the new notebook's key (entries merged when it has one)."""
    store = Store(root)
    source = store.history / notebook_key(old_relpath)
    target = store.history / notebook_key(new_relpath)
    if not source.is_dir() or source.is_symlink():
        return False
    with store_lock(store.path, exclusive=False):  # as a snapshot writing history: not during gc
        if not target.exists():
            os.rename(source, target)
            return True
        for entry in sorted(source.iterdir()):
            if not (target / entry.name).exists():
                os.rename(entry, target / entry.name)
        with contextlib.suppress(OSError):
            source.rmdir()
    return True


def follow_rename(old: Path, new: Path) -> RenameResult:
    """After `old` was renamed to `new`: move its paired files (unless the contents
    manager already did), its lock, its history and the record of its last sync."""
    from jupyter_repro.integrations.pairing import move_sync_record

    result = RenameResult()
    root = find_project_root(new)
    for before, after in _pairs(old, new, _metadata(new)):
        _move_file(before, after, root, result)
    _move_lock(old, new, root, result)
    if find_project_root(old) == root:  # the store is per project
        old_relpath, new_relpath = relative_to_root(old, root), relative_to_root(new, root)
        result.history = _move_history(old_relpath, new_relpath, root)
        move_sync_record(old, new)
        # The running kernel keeps journaling under the old name: its journals follow.
        record_rename(root, old_relpath, new_relpath)
    return result


def follow_folder_rename(old: Path, new: Path) -> RenameResult:
    """After the folder `old` was renamed to `new` (its notebooks, scripts and locks moved
    with it): each notebook's lock names its new path, and its history, sync record and
    journals follow it. A folder that is its own project moved its store along: nothing
    in it names a path outside it."""
    result = RenameResult()
    root = find_project_root(new)
    if root == new or new in root.parents or find_project_root(old) != root:
        return result
    for notebook in sorted(new.rglob("*.ipynb")):
        inside = notebook.relative_to(new)
        if any(part.startswith(".") for part in inside.parts):
            continue  # checkpoints, the store, hidden folders
        step = follow_rename(old / inside, notebook)
        result.moved += step.moved
        result.kept += step.kept
        result.history = result.history or step.history
    return result


def _check_destination(old: Path, new: Path) -> None:
    """UsageError unless `new` is a free name in an existing folder of `old`'s project."""
    if new.exists() or new.is_symlink():
        raise UsageError(f"{new} already exists: move it away first")
    if not new.parent.is_dir():
        raise UsageError(f"{new.parent}: no such folder")
    if find_project_root(old) != find_project_root(new.parent):
        raise UsageError(f"{new}: outside the project of {old} (its store stays there)")


def _moved(old: Path, new: Path, result: RenameResult) -> RenameResult:
    root = find_project_root(new)
    result.moved.insert(0, (relative_to_root(old, root), relative_to_root(new, root)))
    return result


def move_folder(old: Path, new: Path) -> RenameResult:
    """`jupyter-repro mv OLD NEW` of a folder: it and the notebooks in it, each with its
    lock, history and journals."""
    if new.is_dir():
        new = new / old.name
    if new.resolve() == old.resolve() or old.resolve() in new.resolve().parents:
        raise UsageError(f"{new}: a folder cannot move into itself")
    _check_destination(old, new)
    os.rename(old, new)
    return _moved(old, new, follow_folder_rename(old, new))


def move_notebook(old: Path, new: Path) -> RenameResult:
    """`jupyter-repro mv OLD NEW`: the notebook, its paired files, lock and history."""
    if old.is_dir():
        return move_folder(old, new)
    if old.suffix != ".ipynb" or not old.is_file():
        raise BadInputError.unreadable(old, "not a notebook (.ipynb) file")
    if new.is_dir():
        new = new / old.name
    if new.suffix != ".ipynb":
        raise UsageError(f"{new}: the new name must end in .ipynb")
    _check_destination(old, new)
    taken = [after for _, after in _pairs(old, new, _metadata(old)) if after.exists()]
    taken += [lock_path(new)] if lock_path(new).exists() else []
    if taken:
        raise UsageError(f"{taken[0]} already exists: move it away first")
    os.rename(old, new)
    return _moved(old, new, follow_rename(old, new))
