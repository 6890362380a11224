"""What push, pull and `verify --rev` move: the inputs that locks name, and their placing.

The notebooks of a project are those with a lock beside them or a history in the store (a
fresh clone has locks and no history). Inputs are put in place from the store, never
outside the destination folder, and only after every target has been checked.
"""

from __future__ import annotations

import contextlib
import os
import stat
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from jupyter_repro.core.errors import StoreError
from jupyter_repro.core.lockmodel import Lock
from jupyter_repro.io.localfolder import local_workers
from jupyter_repro.io.store import Store
from jupyter_repro.io.workers import for_each_in_threads, largest_first


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


def notebook_locks(store: Store, relpaths: Iterable[str] = ()) -> dict[str, Lock | None]:
    """notebook -> its current lock (None without one), for the notebooks named or, none
    named, every notebook of the project with a lock or a history (a fresh clone has no
    history). Each lock is read once."""
    from jupyter_repro.io.locks import read_lock, read_lock_for
    from jupyter_repro.io.project import lock_files, lock_path

    named = set(relpaths)
    if named:
        return {relpath: read_lock_for(store.root / relpath) for relpath in sorted(named)}
    beside: dict[str, Lock] = {}  # locks read while looking, that are their notebook's own
    for lock_file in lock_files(store.root):
        lock = read_lock(lock_file)
        named.add(lock.notebook)
        if lock_path(store.root / lock.notebook) == lock_file:
            beside[lock.notebook] = lock
    named.update(store.notebooks())
    return {
        relpath: beside[relpath] if relpath in beside else read_lock_for(store.root / relpath)
        for relpath in sorted(named)
    }


def notebook_states(store: Store, locks: dict[str, Lock | None]) -> list[NotebookState]:
    """Each notebook's current lock and history entries."""
    return [
        NotebookState(relpath, lock, tuple(e.file for e in store.entries(relpath)))
        for relpath, lock in sorted(locks.items())
    ]


@dataclass
class Placement:
    """Inputs written, inputs kept because they changed, and inputs that cannot be placed."""

    placed: list[str]
    kept: list[str]
    skipped: list[str]


@dataclass(frozen=True)
class InputWrite:
    """One input to write: its lock key, its object, where it goes."""

    key: str
    digest: str
    target: Path


def plan_inputs(
    store: Store,
    locks: Iterable[Lock],
    dest_root: Path,
    force: bool,
    arriving: frozenset[str] = frozenset(),
) -> tuple[list[InputWrite], Placement]:
    """What placing the locks' inputs under `dest_root` writes: missing inputs, and changed
    ones when forced, from objects the store has or that are `arriving`. Every target is
    checked (never outside `dest_root`) before anything is written."""
    from jupyter_repro.io.hashing import hash_file
    from jupyter_repro.io.store import RestoreTargets

    writes: dict[Path, InputWrite] = {}
    outcome = Placement([], [], [])
    restore_target = RestoreTargets(dest_root, dest_root)
    for lock in locks:
        for key, digest in sorted(lock_input_hashes(lock).items()):
            if Path(key).is_absolute():
                outcome.skipped.append(f"{key}: outside the project, never written")
                continue
            target = restore_target(key)
            if target in writes:  # two locks name one file: the first placed, never both
                if writes[target].digest != digest:
                    outcome.kept.append(key)
                continue
            try:
                there = os.stat(target)
            except OSError:  # missing (or unreachable: writing it will say why)
                there = None
            if there is not None:
                if stat.S_ISREG(there.st_mode) and hash_file(target) == digest:
                    continue
                if not force:
                    outcome.kept.append(key)
                    continue
            if digest not in arriving and not store.has(digest):
                outcome.skipped.append(f"{key}: neither the store nor the remote has {digest}")
                continue
            writes[target] = InputWrite(key, digest, target)
    return list(writes.values()), outcome


class StagedInputs:
    """Copies of inputs written beside their targets under temporary names, then put in
    place together once every one is written, or all removed: a pull or a checkout that
    fails part way (a corrupt object, a full disk) places nothing. Safe across threads."""

    def __init__(self, store: Store, writes: list[InputWrite], checked: frozenset[str]) -> None:
        self.store = store
        self.checked = checked  # objects hashed as they arrived: their copies need not be
        self.by_digest: dict[str, list[InputWrite]] = {}
        for write in writes:
            self.by_digest.setdefault(write.digest, []).append(write)
        self._staged: list[tuple[InputWrite, Path]] = []
        self._made: list[Path] = []
        self._folders: set[Path] = set()  # looked at already: one look per folder
        self._guard = threading.Lock()

    def stage(self, digest: str, source: Path | None = None) -> None:
        """Copy out every input of object `digest` (from `source` while it is not in the
        store's place yet)."""
        from jupyter_repro.io.filecopy import missing_folders

        for write in self.by_digest.get(digest, ()):
            with self._guard:
                if write.target.parent not in self._folders:
                    self._folders.add(write.target.parent)
                    self._made += missing_folders(write.target.parent)
            try:
                copy = self.store.copy_beside(
                    digest, write.target, verify=digest not in self.checked, source=source
                )
            except OSError as exc:
                raise StoreError(
                    f"{write.target}: cannot write {write.key}: {exc.strerror or exc}"
                ) from None
            with self._guard:
                self._staged.append((write, copy))

    def stage_rest(self) -> None:
        """Copy out the inputs not staged yet (objects that were in the store already)."""
        done = {write.digest for write, _ in self._staged}
        rest = {d: self.store.object_size(d) or 0 for d in self.by_digest if d not in done}
        for_each_in_threads(self.stage, largest_first(rest), local_workers())

    def publish(self) -> list[str]:
        """Rename every copy onto its target; the keys placed, in lock order."""
        placed = []
        for write, copy in sorted(self._staged, key=lambda item: item[0].key):
            os.replace(copy, write.target)
            placed.append(write.key)
        self._staged.clear()
        return placed

    def discard(self) -> None:
        from jupyter_repro.io.filecopy import remove_folders

        for _, copy in self._staged:
            with contextlib.suppress(OSError):
                os.unlink(copy)
        self._staged.clear()
        remove_folders(sorted(set(self._made), key=lambda p: len(p.parts), reverse=True))


def place_inputs(
    store: Store,
    locks: Iterable[Lock],
    dest_root: Path,
    force: bool,
    *,
    arriving: frozenset[str] = frozenset(),
    fetch: Callable[[Callable[[str, Path], None]], None] | None = None,
) -> Placement:
    """Put the locks' inputs in place under `dest_root`, all or none of them.

    `fetch(then)` brings the `arriving` objects into the store and calls `then(digest, path)`
    on each at `path` (as `RemoteStore.pull` says when): its inputs are copied out while the
    rest still arrive (on a folder remote, the store's new folders and the inputs are
    created side by side), and a fetch that fails places nothing.
    """
    writes, outcome = plan_inputs(store, locks, dest_root, force, arriving)
    staged = StagedInputs(store, writes, arriving)
    try:
        if fetch is not None:
            fetch(staged.stage)
        staged.stage_rest()
        outcome.placed = staged.publish()
    except BaseException:
        staged.discard()
        raise
    return outcome
