"""The panel's actions and lists: history, restore, snapshot, pair and sync.

Each function takes an absolute notebook path the handler already confined to the
server root, does its work with the io and integrations layers, and returns plain JSON.
Bad input raises `ReproError` subclasses; the handler turns them into JSON errors.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from jupyter_repro.core.errors import ReproError, StoreError, UsageError
from jupyter_repro.io.config import load_config
from jupyter_repro.io.locks import read_lock_for
from jupyter_repro.io.project import find_project_root, relative_to_root
from jupyter_repro.io.snapshot import take_snapshot
from jupyter_repro.io.store import HistoryEntry, Store, history_rows
from jupyter_repro.io.storeops import restore_inputs
from jupyter_repro.io.transfer import lock_input_hashes

HISTORY_LIMIT = 50
# The history answers within this even when the remote is slow; on_remote is then null.
REMOTE_LISTING_SECONDS = 3.0


def _root_and_relpath(notebook: Path) -> tuple[Path, str]:
    root = find_project_root(notebook)
    return root, relative_to_root(notebook, root)


def lock_of(notebook: Path) -> dict[str, Any]:
    _, relpath = _root_and_relpath(notebook)
    lock = read_lock_for(notebook)
    return {"notebook": relpath, "lock": None if lock is None else lock.to_json()}


def history(notebook: Path) -> dict[str, Any]:
    """Snapshots newest first, each with a one-line summary of what it changed and
    `on_remote`: whether the inputs it names are all on the project's default remote
    (null when no remote is configured or it could not be listed in time)."""
    root, relpath = _root_and_relpath(notebook)
    store = Store(root)
    rows = history_rows(store, relpath)
    rows.reverse()
    shown = rows[:HISTORY_LIMIT]
    remote, on_remote = _remote_objects(root)
    entries = {entry.id: entry for entry in store.entries(relpath)}
    for row in shown:
        row["on_remote"] = _inputs_on_remote(entries.get(row["id"]), on_remote)
    return {"notebook": relpath, "snapshots": shown, "total": len(rows), "remote": remote}


def _inputs_on_remote(entry: HistoryEntry | None, on_remote: set[str] | None) -> bool | None:
    if entry is None or on_remote is None:
        return None
    try:
        digests = lock_input_hashes(entry.read())
    except StoreError:
        return None  # an unreadable entry: its row says so already
    return all(digest in on_remote for digest in digests.values())


def _remote_objects(root: Path) -> tuple[dict[str, Any] | None, set[str] | None]:
    """The project's default remote (`name`, `reachable`, `error`) and the digests of the
    objects on it, listed once; (None, None) without a remote, and no digests when it
    cannot be listed within REMOTE_LISTING_SECONDS (the listing then ends on its own)."""
    from jupyter_repro.io.remote import RemoteStore
    from jupyter_repro.io.remotes import remotes, resolved_url

    try:
        configured = remotes(root)
    except ReproError as exc:
        return {"name": None, "reachable": False, "error": exc.message}, None
    if not configured:
        return None, None
    name, url = next(iter(configured.items()))
    listed: list[set[str]] = []
    failed: list[str] = []

    def list_objects() -> None:
        try:
            listed.append(set(RemoteStore(name, resolved_url(root, url)).objects()))
        except ReproError as exc:
            failed.append(exc.message)

    worker = threading.Thread(target=list_objects, name="jupyter-repro-remote-list", daemon=True)
    worker.start()
    worker.join(REMOTE_LISTING_SECONDS)
    if listed:
        return {"name": name, "reachable": True, "error": None}, listed[0]
    error = failed[0] if failed else f"no listing within {REMOTE_LISTING_SECONDS:g} s"
    return {"name": name, "reachable": False, "error": error}, None


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
