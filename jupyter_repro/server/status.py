"""What the notebook toolbar and the side panel show: one notebook's reproducibility status.

The cells come from the frontend when it sends them (the notebook as it is in the
browser, saved or not), else from the file on disk. Everything else is read from disk:
the running kernel's journal, the lock, the current state of the inputs, the kernel's
environment, the paired script. The answer is plain JSON the labextension renders.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jupyter_repro
from jupyter_repro.core.config import ReproConfig
from jupyter_repro.core.errors import ReproError
from jupyter_repro.core.findings import RULES, Finding
from jupyter_repro.core.journal import Journal, JournalHeader
from jupyter_repro.core.lock import files_sections
from jupyter_repro.core.rules import Cell, Evidence, InputState, PairState, run_rules
from jupyter_repro.io.config import load_config
from jupyter_repro.io.journals import read_journal
from jupyter_repro.io.lockfacts import paired_script
from jupyter_repro.io.locks import read_lock_for
from jupyter_repro.io.notebooks import read_notebook_json
from jupyter_repro.io.project import (
    find_project_root,
    journal_dir,
    lock_path,
    relative_to_root,
)
from jupyter_repro.io.snapshot import find_journal
from jupyter_repro.server.lineage import (
    disk_facts,
    environment_summary,
    ignored,
    input_rows,
    kernel_installed,
    output_rows,
)

if TYPE_CHECKING:
    from jupyter_repro.io.inspection import Inspector

VERSION = jupyter_repro.__version__


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
        "execution_count": count
        if isinstance(count, int) and not isinstance(count, bool)
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
        cells.append(
            Cell(
                index=index,
                cell_type=str(cell.get("cell_type", "code")),
                source=_source(cell),
                execution_count=count if isinstance(count, int) else None,
                cell_id=cell.get("id") if isinstance(cell.get("id"), str) else None,
                tags=tuple(str(t) for t in tags),
            )
        )
    return tuple(cells)


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
    return {
        "path": pair.path,
        "in_sync": in_sync,
        "declared": pair.declared,
        "error": pair.error,
        "format": fmt,
    }


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


_inspector: Inspector | None = None


def _check_extras(
    cells: Sequence[Cell], root: Path, notebook: Path, config: ReproConfig
) -> dict[str, Any]:
    """What `check` adds to the evidence (declared dependencies, system prefixes), so the
    live findings match `jupyter-repro check`; nothing when that part is unavailable."""
    global _inspector  # noqa: PLW0603 - one cache of installed distributions per server
    from jupyter_repro.io import inspection

    try:
        if _inspector is None:
            _inspector = inspection.Inspector()
        extras = _inspector.dependency_evidence(
            cells, root, notebook.parent.resolve(), config.enabled_rules()
        )
        extras["system_prefixes"] = inspection.system_prefixes()
    except (ReproError, OSError, ValueError):
        return {}
    return extras


def _finding_json(item: Finding) -> dict[str, Any]:
    return {**item.to_json(), "hint": RULES.get(item.rule, ("", ""))[1]}


def kernel_journal(
    root: Path, relpath: str, kernel_id: str | None, journal_file: str | None
) -> Journal | None:
    """The journal the running kernel named (its `hello`), else the newest that fits.

    A kernel writes its journal at its first cell: a named file that does not exist yet
    is a fresh kernel with no runs, not an older process's journal.
    """
    if journal_file:
        named = Path(journal_file)
        folder = journal_dir(root)
        if named.is_absolute() and named.parent.resolve() == folder.resolve():
            journal = read_journal(folder / named.name)
            if journal is not None:
                return journal
            if not (folder / named.name).exists():
                header = JournalHeader(
                    kernel_id=kernel_id,
                    notebook=relpath,
                    project_root=str(root),
                    cwd="",
                    started=time.time(),
                    pid=0,
                )
                return Journal(header=header, runs=())
    return find_journal(root, relpath, kernel_id)


def notebook_status(
    api_path: str,
    notebook: Path,
    posted_cells: Any | None = None,
    kernel_id: str | None = None,
    journal_file: str | None = None,
) -> dict[str, Any]:
    """The whole status of one notebook, as the labextension renders it."""
    save = _save_outcome(notebook)
    root = find_project_root(notebook)
    relpath = relative_to_root(notebook, root)
    config = load_config(root).for_notebook(relpath)
    view = notebook_view(notebook, posted_cells)
    journal = kernel_journal(root, relpath, kernel_id, journal_file)
    lock_error: str | None = None
    try:
        lock = read_lock_for(notebook)
    except ReproError as exc:
        lock, lock_error = None, exc.message
    locked_inputs = {
        k: v for k, v in ((lock or {}).get("inputs") or {}).items() if isinstance(v, Mapping)
    }
    recorded_in, recorded_out = files_sections(journal, view.cells, {})
    keys = [k for k in {*locked_inputs, *recorded_in} if not ignored(k, config.ignore_inputs)]
    now = {key: disk_facts(root, key) for key in keys}
    installed = kernel_installed(journal)
    pair = _pair(notebook, root, view)
    cells = _rule_cells(view)
    evidence = Evidence(
        path=relpath,
        cells=cells,
        language=str((view.metadata.get("language_info") or {}).get("name") or "python"),
        journal=journal,
        lock=lock,
        inputs_now={k: InputState(v.size, v.hash) for k, v in now.items() if k in locked_inputs},
        installed=installed,
        pair=pair,
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
        "journal": None
        if journal is None
        else {
            "runs": len(journal.runs),
            "complete": journal.tracking_complete,
            "incomplete": list(journal.incomplete),
            "kernel_id": journal.header.kernel_id,
        },
        "tracking_complete": None if journal is None else journal.tracking_complete,
        "findings": [_finding_json(f) for f in findings],
        "inputs": input_rows(
            {k: v for k, v in recorded_in.items() if k in keys},
            {k: v for k, v in locked_inputs.items() if k in keys},
            now,
        ),
        "outputs": output_rows(recorded_out, (lock or {}).get("outputs") or {}),
        "environment": environment_summary(lock, journal, installed),
        "pair": _pair_json(pair, findings, config.paired_format),
        "save_error": _save_error(save),
    }
