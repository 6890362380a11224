"""The panel's actions and lists: history, restore, snapshot, pair and sync.

Each function takes an absolute notebook path the handler already confined to the
server root, does its work with the io and integrations layers, and returns plain JSON.
Bad input raises `ReproError` subclasses; the handler turns them into JSON errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jupyter_repro.core.errors import UsageError
from jupyter_repro.io.config import load_config
from jupyter_repro.io.locks import read_lock_for
from jupyter_repro.io.project import find_project_root, relative_to_root
from jupyter_repro.io.snapshot import take_snapshot
from jupyter_repro.io.store import Store, history_rows
from jupyter_repro.io.storeops import restore_inputs

HISTORY_LIMIT = 50


def _root_and_relpath(notebook: Path) -> tuple[Path, str]:
    root = find_project_root(notebook)
    return root, relative_to_root(notebook, root)


def lock_of(notebook: Path) -> dict[str, Any]:
    _, relpath = _root_and_relpath(notebook)
    lock = read_lock_for(notebook)
    return {"notebook": relpath, "lock": None if lock is None else lock.to_json()}


def history(notebook: Path) -> dict[str, Any]:
    """Snapshots newest first, each with a one-line summary of what it changed."""
    root, relpath = _root_and_relpath(notebook)
    rows = history_rows(Store(root), relpath)
    rows.reverse()
    return {"notebook": relpath, "snapshots": rows[:HISTORY_LIMIT], "total": len(rows)}


def restore(notebook: Path, snapshot: str) -> dict[str, Any]:
    """Put a snapshot's inputs back in place in the project, from the store.

    All or nothing: every file is checked (inside the project, present in the store)
    before the first one is written.
    """
    if not snapshot:
        raise UsageError("no snapshot id given")
    root, relpath = _root_and_relpath(notebook)
    store = Store(root)
    entry = store.find(snapshot, relpath)
    restored = restore_inputs(store, entry, root)
    return {
        "notebook": relpath,
        "snapshot": entry.id,
        "files": [{"path": f.key, "target": relative_to_root(f.target, root)} for f in restored],
    }


def snapshot(notebook: Path, kernel_id: str | None) -> dict[str, Any]:
    result = take_snapshot(notebook, kernel_id=kernel_id, source="snapshot")
    return {
        "notebook": result.notebook,
        "written": result.written,
        "snapshot": result.snapshot_id,
        "missing": list(result.missing),
    }


def pair(notebook: Path, trust_config: Any = None) -> dict[str, Any]:
    """Pair with the configured format; a trusted notebook stays trusted (`trust_config`:
    the contents manager, whose notary configuration is the server's)."""
    from jupyter_repro.integrations.pairing import pair as make_pair

    root, relpath = _root_and_relpath(notebook)
    fmt = load_config(root).for_notebook(relpath).paired_format
    paired = make_pair(notebook, fmt, trust_config=trust_config)
    return {
        "notebook": relpath,
        "script": relative_to_root(paired.path, root),
        "format": paired.fmt,
    }


def sync(notebook: Path, use: str | None, trust_config: Any = None) -> dict[str, Any]:
    from jupyter_repro.integrations.pairing import sync as sync_pair

    if use not in (None, "notebook", "script"):
        raise UsageError(f"use must be 'notebook' or 'script', not {use!r}")
    root, relpath = _root_and_relpath(notebook)
    fmt = load_config(root).for_notebook(relpath).paired_format
    result = sync_pair(notebook, fmt, use, trust_config)  # type: ignore[arg-type]
    return {
        "notebook": relpath,
        "script": relative_to_root(result.script, root),
        "action": result.action,
        "conflicts": [
            {"cell": cell, "notebook": left, "script": right}
            for cell, left, right in result.conflicts
        ],
    }
