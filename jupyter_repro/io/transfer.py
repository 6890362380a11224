"""What push, pull and `verify --rev` move: the inputs that locks name, and their placing.

The notebooks of a project are those with a lock beside them or a history in the store (a
fresh clone has locks and no history). Inputs are put in place from the store, never
outside the destination folder, and only after every target has been checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from jupyter_repro.core.errors import StoreError
from jupyter_repro.core.lockmodel import Lock
from jupyter_repro.io.store import Store

WORKERS = 8


def lock_input_hashes(lock: Lock) -> dict[str, str]:
    """path -> content hash of each input a lock names (inputs never hashed are left out)."""
    return {path: record.hash for path, record in lock.inputs.items() if record.hash}


@dataclass(frozen=True)
class NotebookState:
    """A notebook of the project: its current lock (if any) and its history entries."""

    relpath: str
    lock: Lock | None
    entries: tuple[Path, ...]

    def digests(self, store: Store) -> set[str]:
        """Every input hash its current lock and its snapshots name."""
        from jupyter_repro.io.lockrefs import history_lock

        locks = [self.lock] if self.lock is not None else []
        for entry in store.entries(self.relpath):
            locks.append(history_lock(entry))
        return {digest for lock in locks for digest in lock_input_hashes(lock).values()}


def project_notebooks(store: Store) -> list[str]:
    """Every notebook of the project with a history or a lock (a fresh clone has no history)."""
    from jupyter_repro.io.locks import read_lock
    from jupyter_repro.io.project import lock_files

    found = set(store.notebooks())
    for lock_file in lock_files(store.root):
        found.add(read_lock(lock_file).notebook)
    return sorted(found)


def notebook_states(store: Store, relpaths: Iterable[str]) -> list[NotebookState]:
    from jupyter_repro.io.locks import read_lock_for

    states = []
    for relpath in sorted(set(relpaths)):
        lock = read_lock_for(store.root / relpath)
        entries = tuple(e.file for e in store.entries(relpath))
        states.append(NotebookState(relpath, lock, entries))
    return states


@dataclass
class Placement:
    """Inputs written, inputs kept because they changed, and inputs that cannot be placed."""

    placed: list[str]
    kept: list[str]
    skipped: list[str]


def place_inputs(
    store: Store,
    lock: Lock,
    dest_root: Path,
    force: bool,
    checked: frozenset[str] = frozenset(),
) -> Placement:
    """Write a lock's inputs under `dest_root` from the store: missing ones, and changed ones
    when forced. Nothing is written outside `dest_root`, and nothing at all before every
    target has been checked. Objects in `checked` were hashed on arrival a moment ago: their
    copies are not hashed again."""
    from jupyter_repro.io.hashing import hash_file
    from jupyter_repro.io.store import RestoreTargets

    plan: list[tuple[str, str, Path]] = []
    outcome = Placement([], [], [])
    restore_target = RestoreTargets(dest_root, dest_root)
    for key, digest in sorted(lock_input_hashes(lock).items()):
        if Path(key).is_absolute():
            outcome.skipped.append(f"{key}: outside the project, never written")
            continue
        target = restore_target(key)
        if target.is_file() and hash_file(target) == digest:
            continue
        if target.exists() and not force:
            outcome.kept.append(key)
            continue
        if not store.has(digest):
            outcome.skipped.append(f"{key}: neither the store nor the remote has {digest}")
            continue
        plan.append((key, digest, target))

    def export(item: tuple[str, str, Path]) -> str:
        key, digest, target = item
        try:
            store.export(digest, target, verify=digest not in checked)
        except OSError as exc:
            raise StoreError(f"{target}: cannot write {key}: {exc.strerror or exc}") from None
        return key

    # In parallel: the copies are made by the kernel, which runs one per core, and a
    # thousand small inputs wait on file creation more than on the CPU.
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        outcome.placed.extend(pool.map(export, plan))
    return outcome
