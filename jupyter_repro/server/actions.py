"""The panel's actions and lists: history, restore, snapshot, pair and sync.

Each function takes an absolute notebook path the handler already confined to the
server root, does its work with the io and integrations layers, and returns plain JSON.
Bad input raises `ReproError` subclasses; the handler turns them into JSON errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jupyter_repro.core.errors import StoreError, UsageError
from jupyter_repro.io.config import load_config
from jupyter_repro.io.locks import read_lock_for
from jupyter_repro.io.project import find_project_root, relative_to_root
from jupyter_repro.io.snapshot import take_snapshot
from jupyter_repro.io.store import Store, history_rows, restore_target

HISTORY_LIMIT = 50


def _root_and_relpath(notebook: Path) -> tuple[Path, str]:
    root = find_project_root(notebook)
    return root, relative_to_root(notebook, root)


def lock_of(notebook: Path) -> dict[str, Any]:
    _, relpath = _root_and_relpath(notebook)
    return {"notebook": relpath, "lock": read_lock_for(notebook)}


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
    lock = entry.read()
    inputs = lock.get("inputs") or {}
    plan: list[tuple[str, str, Path]] = []
    for key, record in sorted(inputs.items()):
        target = restore_target(root, key, root)
        digest = record.get("hash") if isinstance(record, dict) else None
        if not digest or not store.has(digest):
            why = (
                "not stored: above the size cap"
                if isinstance(record, dict) and not record.get("stored")
                else "object missing"
            )
            raise StoreError(
                f"the store lacks {key} of snapshot {entry.id} ({why}); nothing restored"
            )
        plan.append((key, digest, target))
    for _, digest, target in plan:
        store.export(digest, target)
    return {
        "notebook": relpath,
        "snapshot": entry.id,
        "files": [
            {"path": key, "target": relative_to_root(target, root)} for key, _, target in plan
        ],
    }


def snapshot(notebook: Path, kernel_id: str | None) -> dict[str, Any]:
    result = take_snapshot(notebook, kernel_id=kernel_id, source="snapshot")
    return {
        "notebook": result.notebook,
        "written": result.written,
        "snapshot": result.snapshot_id,
        "missing": list(result.missing),
    }


def pair(notebook: Path) -> dict[str, Any]:
    from jupyter_repro.integrations.pairing import pair as make_pair

    root, relpath = _root_and_relpath(notebook)
    fmt = load_config(root).for_notebook(relpath).paired_format
    script = make_pair(notebook, fmt)
    return {"notebook": relpath, "script": relative_to_root(script, root), "format": fmt}


def sync(notebook: Path, use: str | None) -> dict[str, Any]:
    from jupyter_repro.integrations.pairing import sync as sync_pair

    if use not in (None, "notebook", "script"):
        raise UsageError(f"use must be 'notebook' or 'script', not {use!r}")
    root, relpath = _root_and_relpath(notebook)
    fmt = load_config(root).for_notebook(relpath).paired_format
    result = sync_pair(notebook, fmt, use)  # type: ignore[arg-type]
    return {
        "notebook": relpath,
        "script": relative_to_root(result.script, root),
        "action": result.action,
        "conflicts": [
            {"cell": cell, "notebook": left, "script": right}
            for cell, left, right in result.conflicts
        ],
    }
