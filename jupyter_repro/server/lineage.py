"""The panel's lineage rows: inputs against disk, outputs written, the kernel's environment.

Inputs are compared by content: the hash the lock (or, before a save, the kernel) recorded
against the file now, hashed through the store's stat cache so unchanged files cost a stat.
The environment is the kernel's, read from the search path its journal recorded.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from jupyter_repro.core.journal import Journal
from jupyter_repro.core.lock import FileFacts
from jupyter_repro.core.lockmodel import Lock, LockedEnvironment, LockedFile
from jupyter_repro.io.environment import canonical_name, module_distributions
from jupyter_repro.io.files import project_file
from jupyter_repro.io.project import store_dir
from jupyter_repro.io.statcache import Stat, stat_cache_for


def disk_facts(root: Path, key: str) -> FileFacts | None:
    """Size and hash of a project file now, hashing only files whose stat changed (stat
    cache). None for a file outside the project: whatever a lock names, it is not read."""
    path = project_file(root, key)
    if path is None:
        return None
    try:
        stat = Stat.of(path)
    except OSError:
        return FileFacts(size=None, hash=None)
    try:
        _, digest = stat_cache_for(store_dir(root)).hash(path, stat)
    except OSError:
        return FileFacts(size=stat.size, hash=None)
    return FileFacts(size=stat.size, hash=digest)


def ignored(key: str, globs: Sequence[str]) -> bool:
    return any(fnmatch.fnmatch(key, glob) for glob in globs)


def input_rows(
    recorded: Mapping[str, LockedFile],
    locked: Mapping[str, LockedFile],
    now: Mapping[str, FileFacts | None],
) -> list[dict[str, Any]]:
    """One row per input: what the lock (or, before a save, the kernel) saw against disk now."""
    rows = []
    for key in sorted({*recorded, *locked}):
        entry = locked.get(key) or recorded[key]
        current = now.get(key, FileFacts(None, None))
        expected = entry.hash
        if current is None:
            current = FileFacts(None, None)
            state, detail = "outside", "outside the project: not read"
        elif current.size is None:
            state, detail = "missing", "gone from disk"
        elif expected and current.hash and expected != current.hash:
            state, detail = (
                "changed",
                "changed on disk since it was " + ("locked" if key in locked else "read"),
            )
        elif expected is None and entry.size not in (None, current.size):
            state, detail = "changed", "size changed on disk since it was read"
        else:
            state, detail = "ok", "unchanged"
        rows.append(
            {
                "path": key,
                "size": entry.size,
                "hash": expected,
                "size_now": current.size,
                "hash_now": current.hash,
                "cells": list((recorded.get(key) or entry).cells),
                "locked": key in locked,
                "stored": bool(entry.stored),
                "status": state,
                "detail": detail,
            }
        )
    return rows


def output_rows(
    recorded: Mapping[str, LockedFile], locked: Mapping[str, LockedFile]
) -> list[dict[str, Any]]:
    rows = []
    for key in sorted({*recorded, *locked}):
        entry = recorded.get(key) or locked[key]
        rows.append(
            {"path": key, "size": entry.size, "hash": entry.hash, "cells": list(entry.cells)}
        )
    return rows


def _kernel_environment(journal: Journal | None) -> Mapping[str, Any]:
    env = journal.header.environment if journal is not None else {}
    return env if isinstance(env, Mapping) else {}


_module_cache: dict[tuple[tuple[str, ...], str], str | None] = {}


def _imported_distributions(journal: Journal | None, installed: Mapping[str, str]) -> set[str]:
    """Distributions of the modules the kernel imported (`sklearn` -> `scikit-learn`)."""
    if journal is None:
        return set()
    path = tuple(str(p) for p in _kernel_environment(journal).get("path") or ())
    modules = {m.split(".", 1)[0] for run in journal.runs for m in run.imports}
    found: set[str] = set()
    unknown = []
    for module in sorted(modules):
        if canonical_name(module) in installed:
            found.add(canonical_name(module))
        elif (path, module) in _module_cache:
            name = _module_cache[(path, module)]
            if name is not None:
                found.add(name)
        else:
            unknown.append(module)
    if unknown:
        mapped = module_distributions(unknown, list(path))
        for module in unknown:
            name = mapped.get(module)
            _module_cache[(path, module)] = canonical_name(name) if name else None
            if name:
                found.add(canonical_name(name))
    return found


def environment_summary(
    lock: Lock | None, journal: Journal | None, installed: Mapping[str, str] | None
) -> dict[str, Any]:
    kernel = _kernel_environment(journal)
    locked = lock.environment if lock is not None else LockedEnvironment()
    locked_imported = locked.imported
    imported: dict[str, str | None] = dict(locked_imported)
    if installed is not None:
        for name in _imported_distributions(journal, installed):
            imported.setdefault(name, None)
    packages = []
    for name in sorted(imported):
        locked_version = locked_imported.get(name)
        now = None if installed is None else installed.get(name)
        if installed is None or locked_version is None:
            state = "unknown" if installed is None else "new"
        elif now is None:
            state = "missing"
        else:
            state = "same" if now == locked_version else "changed"
        packages.append({"name": name, "locked": locked_version, "now": now, "status": state})
    return {
        "python": kernel.get("python") or locked.python,
        "implementation": kernel.get("implementation") or locked.implementation,
        "platform": kernel.get("platform") or locked.platform,
        "locked_python": locked.python,
        "packages": packages,
        "drift": any(p["status"] in ("changed", "missing") for p in packages),
        "known": installed is not None,
    }
