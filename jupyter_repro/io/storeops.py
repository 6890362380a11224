"""What the CLI and the server both do with a store: restore a snapshot's inputs, collect garbage.

One implementation for `jupyter-repro restore`/`gc` and the panel's restore button, so the
safety rules (never outside the project, all or nothing, locks beside notebooks are roots)
hold the same way everywhere.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from jupyter_repro.core.errors import BadInputError, StoreError
from jupyter_repro.core.lockmodel import Lock
from jupyter_repro.io.locks import read_lock
from jupyter_repro.io.project import lock_files
from jupyter_repro.io.statcache import stat_cache_for
from jupyter_repro.io.store import HistoryEntry, RestoreTargets, Store, store_lock

STALE_TEMP_S = 3600  # a temporary object older than this belongs to a copy that died
# A snapshot copies inputs in before it records the lock that refers to them: objects this
# young may belong to one in progress.
DEFAULT_GRACE_S = 300


@dataclass(frozen=True)
class RestoredFile:
    key: str  # the input as the lock names it
    target: Path


def restore_inputs(store: Store, entry: HistoryEntry, dest: Path) -> list[RestoredFile]:
    """Write a snapshot's inputs under `dest` (the project root restores in place).

    All or nothing: every file is checked (inside the project, present in the store)
    before the first one is written.
    """
    lock = entry.read()
    plan: list[tuple[RestoredFile, str]] = []
    restore_target = RestoreTargets(dest, store.root)
    for key, record in sorted(lock.inputs.items()):
        target = restore_target(key)
        digest = record.hash
        if not digest or not store.has(digest):
            why = "object missing" if record.stored else "not stored: above the size cap"
            raise StoreError(
                f"the store lacks {key} of snapshot {entry.id} ({why}); nothing restored"
            )
        if not store.object_intact(digest, record.size):
            raise StoreError(
                f"the store's copy of {key} of snapshot {entry.id} is damaged (its size is "
                f"not the {record.size} bytes locked); nothing restored"
            )
        plan.append((RestoredFile(key, target), digest))
    for item, digest in plan:
        try:
            store.export(digest, item.target)
        except OSError as exc:
            raise StoreError(
                f"{item.target}: cannot restore {item.key}: {exc.strerror or exc}"
            ) from None
    return [item for item, _ in plan]


def referenced_hashes(store: Store) -> set[str]:
    """Hashes that any snapshot of the history, or any lock in the project, still needs.

    The locks beside notebooks are roots too: a history that is missing or was replaced
    must not make gc delete what the current locks name. Raises StoreError when a history
    entry or a lock cannot be read: never delete what an unreadable record might need.
    """
    locks: list[Lock] = [e.read() for nb in store.notebooks() for e in store.entries(nb)]
    for lock_file in lock_files(store.root):
        try:
            locks.append(read_lock(lock_file))
        except BadInputError as exc:
            raise StoreError(f"{exc.message}; nothing removed") from None
    return {r.hash for lock in locks for r in lock.inputs.values() if r.hash is not None}


@dataclass(frozen=True)
class GarbageReport:
    removed: int
    freed_bytes: int


def collect_garbage(store: Store, grace_s: float, dry_run: bool) -> GarbageReport:
    """Remove objects no snapshot or lock needs and older than `grace_s`.

    Holds the store's lock exclusively from mark to sweep: a snapshot copies its inputs in
    and records the lock naming them under the shared lock, so none of its objects can
    be swept between the copy and the record, whatever the grace.
    """
    if not store.path.exists():
        return GarbageReport(0, 0)
    if not store.path.is_dir():
        raise StoreError(f"{store.path} is not a folder: no store to collect")
    if store.history.exists() and not store.history.is_dir():
        raise StoreError(f"{store.history} is not a folder; nothing removed")
    with store_lock(store.path, exclusive=True):
        return _mark_and_sweep(store, grace_s, dry_run)


def _mark_and_sweep(store: Store, grace_s: float, dry_run: bool) -> GarbageReport:
    wanted = referenced_hashes(store)
    removed, freed, now = 0, 0, time.time()
    for digest, path in list(store.object_files()):
        stat = path.stat()
        if digest in wanted or now - stat.st_mtime < grace_s:
            continue
        removed += 1
        freed += stat.st_blocks * 512
        if not dry_run:
            path.unlink()
    for temp in store.objects.glob("*/.tmp-*") if store.objects.is_dir() else ():
        if now - temp.stat().st_mtime > STALE_TEMP_S and not dry_run:
            os.unlink(temp)
    if not dry_run:
        cache = stat_cache_for(store.path)
        cache.prune(path for path in cache.paths() if os.path.exists(path))
        cache.save()
    return GarbageReport(removed, freed)
