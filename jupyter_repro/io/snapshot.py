"""One snapshot: notebook + its newest journal + kernel environment + config -> lock.

The lock is written atomically and only when it changed (a change of git commit alone
does not count); a history entry is added when the lock differs from the newest one;
inputs the store lacks are hashed (through the stat cache) and copied in before the lock
says they are stored. The save hook and `jupyter-repro snapshot` both call
`take_snapshot`.

What a lock or journal names is only opened when it lies inside the project and is no
credential file. A lock on disk that cannot be read, or that a newer version wrote, is
never overwritten. A snapshot that finds no readable journal never empties the lock it
replaces: it keeps the inputs, outputs and environment it cannot refresh and says so
(`SnapshotResult.kept`).
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import stat as stat_module
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from jupyter_repro.core.config import ReproConfig
from jupyter_repro.core.credentials import is_credential_file
from jupyter_repro.core.errors import BadInputError, ReproError, StoreError
from jupyter_repro.core.journal import Journal
from jupyter_repro.core.lock import (
    FileFacts,
    LockInputs,
    build_lock,
    files_sections,
    imported_modules,
    same_but_git,
    wanted_files,
)
from jupyter_repro.core.lockmodel import Lock, LockedFile
from jupyter_repro.io.config import load_config
from jupyter_repro.io.durable import DurableBatch
from jupyter_repro.io.files import (
    file_kind,
    project_file,
    readable_project_file,
    require_file,
)
from jupyter_repro.io.git import git_state
from jupyter_repro.io.lockfacts import environment_facts
from jupyter_repro.io.locks import write_lock
from jupyter_repro.io.notebooks import read_notebook_json
from jupyter_repro.io.pairpaths import PairedFile, paired_script
from jupyter_repro.io.project import find_project_root, lock_path, relative_to_root
from jupyter_repro.io.statcache import Stat, StatCache, stat_cache_for
from jupyter_repro.io.store import Store, store_lock

Source = Literal["save", "snapshot"]
KEPT_NOTE = (
    "no readable journal: inputs, outputs and environment kept from the previous lock, "
    "not refreshed"
)
_NO_JOURNAL_NOTE = "no journal: inputs, outputs and imported distributions unknown"
CREDENTIAL_NOTE = "a credential file: named only, never hashed or copied into the store"

# One snapshot of a given lock at a time in this process: racing saves queue up.
_path_locks: dict[Path, threading.Lock] = {}
_path_locks_guard = threading.Lock()


@dataclass(frozen=True)
class SnapshotResult:
    notebook: str
    lock_file: Path
    lock: Lock
    written: bool
    snapshot_id: str | None
    missing: tuple[str, ...] = field(default=())
    kept: str | None = None  # set when the lock kept what this snapshot could not refresh


def notebook_for(path: Path) -> Path:
    """A paired script stands for its notebook when one is beside it."""
    if path.suffix != ".ipynb":
        beside = path.with_suffix(".ipynb")
        if beside.is_file():
            return beside
    return path


def read_cells(path: Path) -> dict[str, Any]:
    if path.suffix == ".ipynb":
        return read_notebook_json(path)
    require_file(path)
    try:
        import jupytext

        notebook = jupytext.read(path)
    except Exception as exc:  # jupytext raises many kinds on bad text
        raise BadInputError.invalid(path, f"cannot read as a notebook: {exc}") from None
    return dict(notebook)


def find_journal(root: Path, relpath: str, kernel_id: str | None) -> Journal | None:
    from jupyter_repro.io.journals import choose_journal

    return choose_journal(root, relpath, kernel_id)


def _stat(path: Path) -> Stat | None:
    try:
        return Stat.of(path)
    except OSError:
        return None


def _disk_facts(cache: StatCache, root: Path, key: str) -> FileFacts:
    """Size and hash of a project file now; nothing at all for outside or credential files."""
    path = project_file(root, key)
    if path is None or is_credential_file(path):
        return FileFacts(size=None, hash=None)
    stat = _stat(path)
    if stat is None:
        return FileFacts(size=None, hash=None)
    try:
        stat, digest = cache.hash(path, stat)
    except OSError:
        return FileFacts(size=stat.size, hash=None)
    return FileFacts(size=stat.size, hash=digest)


def _store_inputs(
    root: Path,
    inputs: Mapping[str, tuple[str | None, int | None]],
    cache: StatCache,
    store: Store,
    max_size: int,
) -> tuple[set[str], list[str]]:
    """Make sure the store holds what each input's hash names; the stored hashes and notes.

    Files outside the project and credential files are never copied in. New objects are
    made durable together once all are copied (`io/durable.py`), then take their names.
    """
    batch = DurableBatch()
    try:
        stored, notes = _copy_inputs(root, inputs, cache, store, max_size, batch=batch)
        try:
            batch.commit()
        except OSError as exc:
            stored = {digest for digest in stored if store.has(digest)}
            notes.append(f"inputs could not be copied into the store: {exc.strerror or exc}")
    finally:
        batch.discard()  # what the commit did not name
    return stored, notes


def _locked_inputs(lock: Lock) -> dict[str, tuple[str | None, int | None]]:
    return {key: (entry.hash, entry.size) for key, entry in lock.inputs.items()}


def store_working_inputs(
    root: Path, locks: Iterable[Lock], wanted: set[str]
) -> dict[str, tuple[str, str]]:
    """Copy into the store the objects of `wanted` that the locks' inputs name, from the
    working tree where a file still holds what was locked (hash checked), as a snapshot
    would have: within the notebook's size cap, never a credential file or a file outside
    the project. For each object still missing, an input naming it and why."""
    from jupyter_repro.io.statcache import StatCache

    store = Store(root)
    config = load_config(root)
    cache = StatCache(None)
    named: dict[str, tuple[str, int]] = {}  # digest -> an input naming it, its size cap
    store.ensure()
    with store_lock(store.path, exclusive=False):  # gc removes objects under an exclusive one
        for lock in locks:
            inputs = {k: v for k, v in _locked_inputs(lock).items() if v[0] in wanted}
            max_size = config.for_notebook(lock.notebook).store_max_file_size
            _store_inputs(root, inputs, cache, store, max_size)
            for key, (digest, _) in inputs.items():
                if digest is not None:
                    named.setdefault(digest, (key, max_size))
    return {
        digest: (key, _why_not_stored(root, key, max_size))
        for digest, (key, max_size) in sorted(named.items())
        if not store.has(digest)
    }


def _why_not_stored(root: Path, key: str, max_size: int) -> str:
    try:
        path = readable_project_file(root, key)
    except OSError as exc:  # outside the project, or a credential file
        return exc.strerror or str(exc)
    try:
        info = os.stat(path)
    except OSError:
        return "gone from the working tree"
    if not stat_module.S_ISREG(info.st_mode):
        return f"not a regular file ({file_kind(info.st_mode)})"
    if info.st_size > max_size:
        return f"above the store's size cap of {max_size} bytes (store-max-file-size)"
    return "the working file is not what was locked"


def _copy_inputs(
    root: Path,
    inputs: Mapping[str, tuple[str | None, int | None]],
    cache: StatCache,
    store: Store,
    max_size: int,
    *,
    batch: DurableBatch,
) -> tuple[set[str], list[str]]:
    stored: set[str] = set()
    notes: list[str] = []
    for key, (digest, size) in inputs.items():
        if digest is None:
            continue
        try:
            path = readable_project_file(root, key)
        except OSError:
            continue  # outside the project (`absolute-path`) or a credential file
        if store.object_intact(digest, size):
            stored.add(digest)
            continue
        stat = _stat(path)
        if stat is None:
            notes.append(f"{key}: gone from disk and not in the store")
            continue
        if stat.size > max_size:
            continue  # above the cap: the lock keeps only the hash (stored: false)
        try:
            _, current = cache.hash(path, stat)
            if current != digest:
                notes.append(
                    f"{key}: changed on disk since it was read; the store has no "
                    "copy of what was read"
                )
            elif store.put_file(path, digest, stat.size, batch=batch):
                stored.add(digest)
            else:
                notes.append(f"{key}: changed while being copied into the store")
        except OSError as exc:
            notes.append(f"{key}: could not be copied into the store: {exc.strerror or exc}")
    return stored, notes


def _ignored(paths: Sequence[str], globs: Sequence[str]) -> frozenset[str]:
    return frozenset(p for p in paths if any(fnmatch.fnmatch(p, g) for g in globs))


def _file_facts(
    root: Path,
    journal: Journal | None,
    ignored: frozenset[str],
    cells: Sequence[Mapping[str, Any]],
    cache: StatCache,
) -> tuple[dict[str, FileFacts], dict[str, tuple[str | None, int | None]]]:
    """Disk facts for the files whose journal record has no hash; each input's hash, size."""
    inputs, outputs = files_sections(journal, cells, {}, ignored)
    facts = {
        key: _disk_facts(cache, root, key)
        for key, entry in (*inputs.items(), *outputs.items())
        if entry.hash is None
    }
    digests: dict[str, tuple[str | None, int | None]] = {}
    for key, entry in inputs.items():
        fact = facts.get(key)
        digest = entry.hash or (fact.hash if fact else None)
        size = entry.size if entry.hash else (fact.size if fact else None)
        digests[key] = (digest, size)
    return facts, digests


def _read_pair_once(paired: PairedFile, store: Store) -> None:
    """Read the paired script's cells now, into the store's cache: a save has just rewritten
    the script, and the `check` of the commit that follows (pre-commit) then finds its cells
    without importing jupytext. A script jupytext cannot read is `check`'s to report."""
    from jupyter_repro.io.scriptcells import script_pair_cells

    with contextlib.suppress(ReproError, OSError):
        script_pair_cells(paired.path, paired.fmt, store.path)


def _default_kernelspec(notebook: Path) -> dict[str, Any]:
    """A header-less `# %%` script has no kernelspec: it runs in this environment's Python."""
    return {"name": "python3", "language": "python"} if notebook.suffix == ".py" else {}


def _build(
    data: Mapping[str, Any],
    notebook: Path,
    root: Path,
    relpath: str,
    *,
    config: ReproConfig,
    kernel_id: str | None,
    store: Store,
    cache: StatCache,
) -> tuple[Lock, Journal | None]:
    cells: list[dict[str, Any]] = list(data.get("cells", []))
    metadata: dict[str, Any] = data.get("metadata", {}) or {}
    journal = find_journal(root, relpath, kernel_id)
    ignored = _ignored(wanted_files(journal), config.ignore_inputs)
    facts, digests = _file_facts(root, journal, ignored, cells, cache)
    env, missing = environment_facts(
        journal.header.environment if journal else None,
        imported_modules(journal),
        config.env_allowlist,
        root,
    )
    stored, notes = _store_inputs(root, digests, cache, store, config.store_max_file_size)
    paired = paired_script(notebook, metadata) if notebook.suffix == ".ipynb" else None
    script = paired.path if paired is not None else None
    if paired is not None:
        _read_pair_once(paired, store)
    script_facts = _disk_facts(cache, root, str(script)) if script else None
    own = [relative_to_root(p, root) for p in (notebook, lock_path(notebook), script) if p]
    lock = build_lock(
        LockInputs(
            notebook=relpath,
            cells=cells,
            kernelspec=metadata.get("kernelspec") or _default_kernelspec(notebook),
            language=(metadata.get("language_info", {}) or {}).get("name"),
            environment=env,
            journal=journal,
            files=facts,
            script=(relative_to_root(script, root), script_facts.hash)
            if script and script_facts and script_facts.hash
            else None,
            git=git_state(root, own),
            missing=[*missing, *notes],
            ignored_inputs=ignored,
            stored_hashes=frozenset(stored),
        )
    )
    return _scrub_credentials(lock), journal


def _scrub_credentials(lock: Lock) -> Lock:
    """Credential files are named, never described by content (an older kernel hashed them)."""
    named: list[str] = []

    def scrub(files: Mapping[str, LockedFile]) -> dict[str, LockedFile]:
        result = dict(files)
        for key, entry in files.items():
            if is_credential_file(key):
                stored = None if entry.stored is None else False
                result[key] = replace(entry, size=None, hash=None, stored=stored)
                named.append(f"{key}: {CREDENTIAL_NOTE}")
        return result

    inputs, outputs = scrub(lock.inputs), scrub(lock.outputs)
    if not named:
        return lock
    missing = tuple(sorted({*lock.execution.missing, *named}))
    return replace(
        lock, inputs=inputs, outputs=outputs, execution=replace(lock.execution, missing=missing)
    )


def _existing(notebook: Path) -> Lock | None:
    """The lock on disk. A corrupt or newer one is refused, not silently replaced: it may be
    someone else's work, or this version may not understand what it records."""
    from jupyter_repro.io.locks import read_lock_for

    try:
        return read_lock_for(notebook)
    except BadInputError as exc:
        raise BadInputError(
            f"{exc.message}; not replaced (move it away to write a new lock)"
        ) from None


def _knows_more(old: Lock) -> bool:
    """The previous lock recorded files or imports: emptying them would lose knowledge."""
    return bool(old.inputs or old.outputs or old.environment.imported)


def _keep_what_is_unknown(lock: Lock, old: Lock) -> Lock:
    """With no journal, the previous lock's inputs, outputs and environment are kept."""
    missing = {m for m in lock.execution.missing if m != _NO_JOURNAL_NOTE} | {KEPT_NOTE}
    return replace(
        lock,
        inputs=old.inputs,
        outputs=old.outputs,
        environment=old.environment,
        execution=replace(lock.execution, missing=tuple(sorted(missing))),
    )


def _path_lock(path: Path) -> threading.Lock:
    with _path_locks_guard:
        return _path_locks.setdefault(path, threading.Lock())


def take_snapshot(
    path: Path,
    *,
    kernel_id: str | None = None,
    source: Source = "snapshot",
    config: ReproConfig | None = None,
) -> SnapshotResult:
    """Write the lock of the notebook at `path` (or of its paired script) and record history.

    Raises ReproError subclasses for bad input or an unwritable project; the lock file is
    then left as it was.
    """
    try:
        return _take_snapshot(path, kernel_id=kernel_id, source=source, config=config)
    except OSError as exc:
        where = exc.filename or path
        raise StoreError(f"{where}: cannot write: {exc.strerror or exc}") from None


def _take_snapshot(
    path: Path,
    *,
    kernel_id: str | None = None,
    source: Source = "snapshot",
    config: ReproConfig | None = None,
) -> SnapshotResult:
    notebook = notebook_for(path.absolute())
    root = find_project_root(notebook)
    relpath = relative_to_root(notebook, root)
    config = (config or load_config(root)).for_notebook(relpath)
    store = Store(root)
    target = lock_path(notebook)
    with _path_lock(target):
        old = _existing(notebook)
        cache = stat_cache_for(store.path)
        data = read_cells(notebook)  # bad input stops here, before the store is touched
        store.ensure()
        with store_lock(store.path, exclusive=False):
            lock, journal = _build(
                data,
                notebook,
                root,
                relpath,
                config=config,
                kernel_id=kernel_id,
                store=store,
                cache=cache,
            )
            kept = None
            if journal is None and old is not None and _knows_more(old):
                lock = _keep_what_is_unknown(lock, old)
                kept = KEPT_NOTE
                # A fresh clone's store is empty: what the kept lock names and the working
                # tree still holds goes in, so the store holds what the lock says.
                _store_inputs(root, _locked_inputs(old), cache, store, config.store_max_file_size)
            written = False
            if old is not None and same_but_git(old, lock):
                lock = old
            else:
                written = write_lock(target, lock)
            snapshot_id = store.record(relpath, lock, source)
        cache.save()
    return SnapshotResult(relpath, target, lock, written, snapshot_id, lock.execution.missing, kept)
