"""The run cache on disk: `<project root>/.repro/runcache/<ab>/<key hex>.json`.

An entry names, by content hash, the output files, the executed notebook and the lock of
a successful run; the objects themselves live in the store (`io/store`). A lookup is a
hit only when every object the entry names is still in the store.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jupyter_repro.core.errors import StoreError
from jupyter_repro.io.atomic import write_text_atomic
from jupyter_repro.io.hashing import HASH_PREFIX, hash_file
from jupyter_repro.io.store import RestoreTargets, Store, store_lock

if TYPE_CHECKING:
    from jupyter_repro.core.runcache import CacheEntry

CACHE_DIR = "runcache"


def _entry(data: Any) -> CacheEntry | None:
    # The model (and the lock code behind its keys) is imported only once an entry is
    # read: push and pull of a project without a run cache never need it.
    from jupyter_repro.core.runcache import CacheEntry

    return CacheEntry.from_json(data) if isinstance(data, dict) else None


def entry_path(store: Store, key: str) -> Path:
    hexdigest = key.removeprefix(HASH_PREFIX)
    return store.path / CACHE_DIR / hexdigest[:2] / f"{hexdigest}.json"


def read_entry(path: Path) -> CacheEntry | None:
    """An entry file as its model; None when unreadable or of another format (a miss)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    entry = _entry(data)
    if entry is None or path.name != f"{entry.key.removeprefix(HASH_PREFIX)}.json":
        return None  # an entry is named by its key: a renamed one is not trusted
    return entry


def local_entries(store: Store, notebooks: set[str] | None) -> list[tuple[Path, CacheEntry]]:
    """The store's run-cache entries (of those notebooks, or all), with their files."""
    found = []
    for path in sorted((store.path / CACHE_DIR).glob("??/*.json")):
        entry = read_entry(path)
        if entry is not None and (notebooks is None or entry.notebook in notebooks):
            found.append((path, entry))
    return found


def lookup(store: Store, key: str) -> CacheEntry | None:
    """The entry for `key` when it exists and the store still holds all it names."""
    try:
        data = json.loads(entry_path(store, key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    entry = _entry(data)
    if entry is None or entry.key != key:
        return None
    return entry if all(store.has(digest) for digest in entry.objects()) else None


def _put(store: Store, path: Path) -> str:
    digest = hash_file(path)
    if not store.put_file(path, digest):
        raise StoreError(f"{path} changed while being copied into the store")
    return digest


def save(
    store: Store,
    key: str,
    *,
    notebook: str,
    outputs: Mapping[str, str],
    executed: Path,
    lock: Path,
    run_id: str | None,
) -> CacheEntry:
    """Copy the run's outputs, executed notebook and lock into the store; write the entry."""
    from jupyter_repro.core.runcache import CacheEntry

    store.ensure()
    with store_lock(store.path, exclusive=False):  # gc sweeps under the exclusive lock
        for relpath, digest in outputs.items():
            if not store.put_file(store.root / relpath, digest):
                raise StoreError(f"{relpath} changed since the run wrote it; not cached")
        entry = CacheEntry(
            key, notebook, dict(outputs), _put(store, executed), _put(store, lock), run_id
        )
        write_text_atomic(entry_path(store, key), json.dumps(entry.to_json(), indent=2) + "\n")
    return entry


def restore(store: Store, entry: CacheEntry, executed: Path, lock: Path) -> None:
    """Write the entry's outputs in place (never outside the project), its executed notebook
    to `executed` and its lock to `lock`."""
    restore_target = RestoreTargets(store.root, store.root)
    targets = [(d, restore_target(p)) for p, d in sorted(entry.outputs.items())]
    with store_lock(store.path, exclusive=False):
        for digest, target in targets:
            store.export(digest, target)
        store.export(entry.executed, executed)
        store.export(entry.lock, lock)
