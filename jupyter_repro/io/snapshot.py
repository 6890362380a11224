"""One snapshot: notebook + its newest journal + kernel environment + config -> lock.

The lock is written atomically and only when it changed (a change of git commit alone
does not count); a history entry is added when the lock differs from the newest one;
inputs the store lacks are hashed (through the stat cache) and copied in before the lock
says they are stored. The save hook and `jupyter-repro snapshot` both call
`take_snapshot`.
"""

from __future__ import annotations

import fnmatch
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from jupyter_repro.core.config import ReproConfig
from jupyter_repro.core.errors import BadInputError, StoreError
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
from jupyter_repro.core.lockmodel import Lock
from jupyter_repro.io.config import load_config
from jupyter_repro.io.files import require_file
from jupyter_repro.io.git import git_state
from jupyter_repro.io.lockfacts import environment_facts, paired_script
from jupyter_repro.io.locks import write_lock
from jupyter_repro.io.notebooks import read_notebook_json
from jupyter_repro.io.project import find_project_root, lock_path, relative_to_root
from jupyter_repro.io.statcache import Stat, StatCache, stat_cache_for
from jupyter_repro.io.store import Store

Source = Literal["save", "snapshot"]

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


def notebook_for(path: Path) -> Path:
    """A paired script stands for its notebook when one is beside it."""
    if path.suffix != ".ipynb":
        beside = path.with_suffix(".ipynb")
        if beside.is_file():
            return beside
    return path


def _read_cells(path: Path) -> dict[str, Any]:
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


def _absolute(root: Path, key: str) -> Path:
    path = Path(key)
    return path if path.is_absolute() else root / path


def _stat(path: Path) -> Stat | None:
    try:
        return Stat.of(path)
    except OSError:
        return None


def _disk_facts(cache: StatCache, path: Path) -> FileFacts:
    stat = _stat(path)
    if stat is None:
        return FileFacts(size=None, hash=None)
    try:
        stat, digest = cache.hash(path, stat)
    except OSError:
        return FileFacts(size=stat.size, hash=None)
    return FileFacts(size=stat.size, hash=digest)


def _store_inputs(
    root: Path, inputs: Mapping[str, str | None], cache: StatCache, store: Store, max_size: int
) -> tuple[set[str], list[str]]:
    """Make sure the store holds what each input's hash names; the stored hashes and notes."""
    stored: set[str] = set()
    notes: list[str] = []
    for key, digest in inputs.items():
        if digest is None:
            continue
        if store.has(digest):
            stored.add(digest)
            continue
        path = _absolute(root, key)
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
            elif store.put_file(path, digest):
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
) -> tuple[dict[str, FileFacts], dict[str, str | None]]:
    """Disk facts for the files whose journal record has no hash; each input's hash."""
    inputs, outputs = files_sections(journal, cells, {}, ignored)
    facts = {
        key: _disk_facts(cache, _absolute(root, key))
        for key, entry in (*inputs.items(), *outputs.items())
        if entry.hash is None
    }
    digests = {
        key: entry.hash or (facts[key].hash if key in facts else None)
        for key, entry in inputs.items()
    }
    return facts, digests


def _default_kernelspec(notebook: Path) -> dict[str, Any]:
    """A header-less `# %%` script has no kernelspec: it runs in this environment's Python."""
    return {"name": "python3", "language": "python"} if notebook.suffix == ".py" else {}


def _build(
    notebook: Path,
    root: Path,
    relpath: str,
    *,
    config: ReproConfig,
    kernel_id: str | None,
    store: Store,
    cache: StatCache,
) -> Lock:
    data = _read_cells(notebook)
    store.ensure()
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
    script = paired_script(notebook, metadata) if notebook.suffix == ".ipynb" else None
    script_facts = _disk_facts(cache, script) if script else None
    own = [relative_to_root(p, root) for p in (notebook, lock_path(notebook), script) if p]
    return build_lock(
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
        cache = stat_cache_for(store.path)
        lock = _build(
            notebook, root, relpath, config=config, kernel_id=kernel_id, store=store, cache=cache
        )
        old = _existing(notebook)
        written = False
        if old is not None and same_but_git(old, lock):
            lock = old
        else:
            written = write_lock(target, lock)
        snapshot_id = store.record(relpath, lock, source)
        cache.save()
    return SnapshotResult(relpath, target, lock, written, snapshot_id, lock.execution.missing)
