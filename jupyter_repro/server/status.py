"""What the notebook toolbar and the side panel show: one notebook's reproducibility status.

The cells come from the frontend when it sends them (the notebook as it is in the
browser, saved or not), else from the file on disk. Everything else is read from disk:
the running kernel's journal, the lock, the current state of the inputs, the kernel's
environment, the paired script. The answer is plain JSON the labextension renders.
"""

from __future__ import annotations

import fnmatch
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jupyter_repro
from jupyter_repro.core.config import ReproConfig
from jupyter_repro.core.errors import ReproError
from jupyter_repro.core.findings import RULES, Finding
from jupyter_repro.core.journal import Journal
from jupyter_repro.core.lock import FileFacts, files_sections
from jupyter_repro.core.rules import Cell, Evidence, InputState, PairState, run_rules
from jupyter_repro.io.config import load_config
from jupyter_repro.io.environment import (
    canonical_name,
    installed_distributions,
    module_distributions,
)
from jupyter_repro.io.lockfacts import paired_script
from jupyter_repro.io.locks import read_lock_for
from jupyter_repro.io.notebooks import read_notebook_json
from jupyter_repro.io.project import find_project_root, lock_path, relative_to_root, store_dir
from jupyter_repro.io.snapshot import find_journal
from jupyter_repro.io.statcache import Stat, stat_cache_for

# Read through the package so that a checkout without a built `_version.py` still answers.
VERSION = str(getattr(jupyter_repro, "__version__", "0+unknown"))


@dataclass(frozen=True)
class NotebookView:
    """The notebook being asked about: cells as nbformat dicts, plus its metadata."""

    cells: Sequence[Mapping[str, Any]]
    metadata: Mapping[str, Any]
    live: bool  # True when the cells came from the browser rather than the file


def _source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _cell_dict(raw: Any, index: int) -> dict[str, Any]:
    """A browser-sent cell as an nbformat-like dict; unknown shapes become empty raw cells."""
    if not isinstance(raw, Mapping):
        return {"cell_type": "raw", "source": "", "metadata": {}}
    count = raw.get("execution_count")
    tags = raw.get("tags")
    return {
        "cell_type": str(raw.get("cell_type", "code")),
        "source": str(raw.get("source", "")),
        "id": str(raw["id"]) if isinstance(raw.get("id"), str) else None,
        "execution_count": count if isinstance(count, int) and not isinstance(count, bool)
        else None,
        "metadata": {"tags": [str(t) for t in tags] if isinstance(tags, list) else []},
    }


def notebook_view(notebook: Path, posted_cells: Any | None) -> NotebookView:
    """Cells sent by the browser (a list) win over the saved file; metadata is the file's."""
    metadata: Mapping[str, Any] = {}
    saved_cells: Sequence[Mapping[str, Any]] = []
    if notebook.suffix == ".ipynb":
        try:
            data = read_notebook_json(notebook)
        except ReproError:
            if not isinstance(posted_cells, list):
                raise
            data = {}
        metadata = data.get("metadata", {}) or {}
        saved_cells = list(data.get("cells", []) or [])
    if isinstance(posted_cells, list):
        return NotebookView([_cell_dict(c, i) for i, c in enumerate(posted_cells)], metadata, True)
    return NotebookView(saved_cells, metadata, False)


def _rule_cells(view: NotebookView) -> tuple[Cell, ...]:
    cells = []
    for index, cell in enumerate(view.cells):
        count = cell.get("execution_count")
        tags = (cell.get("metadata") or {}).get("tags") or ()
        cells.append(Cell(
            index=index,
            cell_type=str(cell.get("cell_type", "code")),
            source=_source(cell),
            execution_count=count if isinstance(count, int) else None,
            cell_id=cell.get("id") if isinstance(cell.get("id"), str) else None,
            tags=tuple(str(t) for t in tags),
        ))
    return tuple(cells)


def _absolute(root: Path, key: str) -> Path:
    path = Path(key)
    return path if path.is_absolute() else root / path


def _disk(root: Path, key: str) -> FileFacts:
    """Size and hash of a file now, hashing only files whose stat changed (stat cache)."""
    path = _absolute(root, key)
    try:
        stat = Stat.of(path)
    except OSError:
        return FileFacts(size=None, hash=None)
    try:
        _, digest = stat_cache_for(store_dir(root)).hash(path, stat)
    except OSError:
        return FileFacts(size=stat.size, hash=None)
    return FileFacts(size=stat.size, hash=digest)


def _ignored(key: str, globs: Sequence[str]) -> bool:
    return any(fnmatch.fnmatch(key, glob) for glob in globs)


def _file_rows(
    recorded: Mapping[str, Mapping[str, Any]], locked: Mapping[str, Mapping[str, Any]],
    now: Mapping[str, FileFacts],
) -> list[dict[str, Any]]:
    """One row per input: what the lock (or, before a save, the kernel) saw against disk now."""
    rows = []
    for key in sorted({*recorded, *locked}):
        entry = locked.get(key) or recorded.get(key) or {}
        current = now.get(key, FileFacts(None, None))
        expected = entry.get("hash")
        if current.size is None:
            state, detail = "missing", "gone from disk"
        elif expected and current.hash and expected != current.hash:
            state, detail = "changed", "changed on disk since it was " + (
                "locked" if key in locked else "read")
        elif expected is None and entry.get("size") not in (None, current.size):
            state, detail = "changed", "size changed on disk since it was read"
        else:
            state, detail = "ok", "unchanged"
        cells = (recorded.get(key) or entry).get("cells") or []
        rows.append({
            "path": key, "size": entry.get("size", current.size), "hash": expected,
            "size_now": current.size, "hash_now": current.hash,
            "cells": [c for c in cells if isinstance(c, int)],
            "locked": key in locked, "stored": bool(entry.get("stored", False)),
            "status": state, "detail": detail,
        })
    return rows


def _output_rows(recorded: Mapping[str, Mapping[str, Any]],
                 locked: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for key in sorted({*recorded, *locked}):
        entry = recorded.get(key) or locked.get(key) or {}
        cells = entry.get("cells") or []
        rows.append({"path": key, "size": entry.get("size"), "hash": entry.get("hash"),
                     "cells": [c for c in cells if isinstance(c, int)]})
    return rows


def _kernel_environment(journal: Journal | None) -> Mapping[str, Any]:
    env = journal.header.environment if journal is not None else {}
    return env if isinstance(env, Mapping) else {}


def _installed(journal: Journal | None) -> dict[str, str] | None:
    """The kernel's distributions, from the search path it recorded (None: unknown)."""
    path = _kernel_environment(journal).get("path")
    if not isinstance(path, list) or not path:
        return None
    return installed_distributions([str(p) for p in path])


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


def _environment(lock: Mapping[str, Any] | None, journal: Journal | None,
                 installed: Mapping[str, str] | None) -> dict[str, Any]:
    kernel = _kernel_environment(journal)
    locked_env = (lock or {}).get("environment") or {}
    locked_imported = locked_env.get("imported") or {}
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
        "python": kernel.get("python") or locked_env.get("python"),
        "implementation": kernel.get("implementation") or locked_env.get("implementation"),
        "platform": kernel.get("platform") or locked_env.get("platform"),
        "locked_python": locked_env.get("python"),
        "packages": packages,
        "drift": any(p["status"] in ("changed", "missing") for p in packages),
        "known": installed is not None,
    }


def _pair(notebook: Path, root: Path, view: NotebookView) -> PairState:
    script = paired_script(notebook, view.metadata)
    declared = isinstance((view.metadata.get("jupytext") or {}).get("formats"), str)
    if script is None:
        return PairState(path=None, declared=declared)
    relpath = relative_to_root(script, root)
    try:
        from jupyter_repro.integrations.pairing import read_script

        script_nb = read_script(script)
    except ReproError as exc:
        return PairState(relpath, None, declared, exc.message)
    cells = tuple(_source(c) for c in script_nb.cells if c.get("cell_type") == "code")
    return PairState(relpath, cells, declared)


def _pair_json(pair: PairState, findings: Sequence[Finding], fmt: str) -> dict[str, Any]:
    out_of_sync = any(f.rule == "pair-out-of-sync" for f in findings)
    in_sync: bool | None = None
    if pair.path is not None and pair.code_cells is not None:
        in_sync = not out_of_sync
    return {"path": pair.path, "in_sync": in_sync, "declared": pair.declared,
            "error": pair.error, "format": fmt}


SAVE_WAIT_S = 3.0


def _save_outcome(notebook: Path) -> Any:
    """The save hook's last outcome for this file, waiting a moment for a pending snapshot
    so that a status asked right after a save shows the lock that save wrote."""
    try:
        from jupyter_repro.server import save_hook
    except ImportError:
        return None
    last = getattr(save_hook, "last_outcome", None)
    if not callable(last):
        return None
    deadline = time.monotonic() + SAVE_WAIT_S
    try:
        outcome = last(str(notebook))
        while getattr(outcome, "status", None) == "pending" and time.monotonic() < deadline:
            time.sleep(0.02)
            outcome = last(str(notebook))
    except Exception:  # a status must answer even when the hook's bookkeeping misbehaves
        return None
    return outcome


def _save_error(outcome: Any) -> str | None:
    if outcome is None or getattr(outcome, "status", None) != "failed":
        return None
    return str(getattr(outcome, "message", "") or "the snapshot of the last save failed")


_inspector: Any = None


def _check_extras(cells: Sequence[Cell], root: Path, notebook: Path,
                  config: ReproConfig) -> dict[str, Any]:
    """What `check` adds to the evidence (declared dependencies, system prefixes), so the
    live findings match `jupyter-repro check`; nothing when that part is unavailable."""
    global _inspector  # noqa: PLW0603 - one cache of installed distributions per server
    try:
        from jupyter_repro.io import inspection
    except ImportError:
        return {}
    extras: dict[str, Any] = {}
    try:
        if _inspector is None:
            _inspector = inspection.Inspector()
        dependencies = getattr(_inspector, "_dependencies", None)
        if callable(dependencies):
            extras.update(dependencies(cells, root, notebook.parent.resolve(),
                                       config.enabled_rules()))
        prefixes = getattr(inspection, "_system_prefixes", None)
        if callable(prefixes):
            extras["system_prefixes"] = prefixes()
    except (ReproError, OSError, ValueError, TypeError, AttributeError):
        return {}
    return extras


def _finding_json(item: Finding) -> dict[str, Any]:
    return {**item.to_json(), "hint": RULES.get(item.rule, ("", ""))[1]}


def notebook_status(
    api_path: str, notebook: Path, posted_cells: Any | None = None, kernel_id: str | None = None
) -> dict[str, Any]:
    """The whole status of one notebook, as the labextension renders it."""
    save = _save_outcome(notebook)
    root = find_project_root(notebook)
    relpath = relative_to_root(notebook, root)
    config = load_config(root).for_notebook(relpath)
    view = notebook_view(notebook, posted_cells)
    journal = find_journal(root, relpath, kernel_id)
    lock_error: str | None = None
    try:
        lock = read_lock_for(notebook)
    except ReproError as exc:
        lock, lock_error = None, exc.message
    locked_inputs = {k: v for k, v in ((lock or {}).get("inputs") or {}).items()
                     if isinstance(v, Mapping)}
    recorded_in, recorded_out = files_sections(journal, view.cells, {})
    keys = [k for k in {*locked_inputs, *recorded_in} if not _ignored(k, config.ignore_inputs)]
    now = {key: _disk(root, key) for key in keys}
    installed = _installed(journal)
    pair = _pair(notebook, root, view)
    cells = _rule_cells(view)
    evidence = Evidence(
        path=relpath, cells=cells,
        language=str((view.metadata.get("language_info") or {}).get("name") or "python"),
        journal=journal, lock=lock,
        inputs_now={k: InputState(v.size, v.hash) for k, v in now.items() if k in locked_inputs},
        installed=installed, pair=pair,
        **_check_extras(cells, root, notebook, config),
    )
    findings = run_rules(evidence, config)
    return {
        "version": VERSION,
        "path": api_path,
        "notebook": relpath,
        "project_root": str(root),
        "locked": lock_path(notebook).is_file(),
        "lock_error": lock_error,
        "live": view.live,
        "enforce": config.enforce,
        "kernel_id": kernel_id,
        "journal": None if journal is None else {
            "runs": len(journal.runs), "complete": journal.tracking_complete,
            "incomplete": list(journal.incomplete), "kernel_id": journal.header.kernel_id,
        },
        "tracking_complete": None if journal is None else journal.tracking_complete,
        "findings": [_finding_json(f) for f in findings],
        "inputs": _file_rows({k: v for k, v in recorded_in.items() if k in keys},
                             {k: v for k, v in locked_inputs.items() if k in keys}, now),
        "outputs": _output_rows(recorded_out, (lock or {}).get("outputs") or {}),
        "environment": _environment(lock, journal, installed),
        "pair": _pair_json(pair, findings, config.paired_format),
        "save_error": _save_error(save),
    }
