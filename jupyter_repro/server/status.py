"""What the notebook toolbar and the side panel show: one notebook's reproducibility status.

The judging is `io.inspection.Inspector.judge`, the same function `jupyter-repro check`
calls, with an overlay of what only the live session knows: the cells as the browser has
them (saved or not) and the journal of the kernel running the notebook. This module only
turns the judgement into the JSON the labextension renders (panel rows for inputs,
outputs, environment and pair; the save hook's last outcome).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import jupyter_repro
from jupyter_repro.core.errors import BadInputError
from jupyter_repro.core.findings import RULES, Finding
from jupyter_repro.core.journal import kernel_distributions
from jupyter_repro.core.lock import files_sections
from jupyter_repro.core.rules import Cell, PairState
from jupyter_repro.io.inspection import Inspector, NotebookReport, Overlay
from jupyter_repro.io.project import lock_path
from jupyter_repro.server.lineage import (
    disk_facts,
    environment_summary,
    ignored,
    input_rows,
    output_rows,
)

VERSION = jupyter_repro.__version__
MAX_CELLS = 10_000


def browser_cells(raw: Any) -> tuple[Cell, ...]:
    """Cells sent by the browser as rule cells; anything but a list of objects is refused.
    A cell's optional `error` is the `ename: evalue` its outputs show."""
    if not isinstance(raw, list) or len(raw) > MAX_CELLS:
        raise BadInputError(f"cells must be a list of at most {MAX_CELLS} cell objects")
    cells = []
    for index, cell in enumerate(raw):
        if not isinstance(cell, Mapping):
            raise BadInputError(f"cell {index + 1} is not an object")
        count, tags = cell.get("execution_count"), cell.get("tags")
        cells.append(
            Cell(
                index=index,
                cell_type=str(cell.get("cell_type", "code")),
                source=str(cell.get("source", "")),
                execution_count=count if type(count) is int else None,
                cell_id=cell["id"] if isinstance(cell.get("id"), str) else None,
                tags=tuple(str(t) for t in tags) if isinstance(tags, list) else (),
                recorded_error=cell["error"] if isinstance(cell.get("error"), str) else None,
            )
        )
    return tuple(cells)


def _pair_json(pair: PairState | None, findings: Sequence[Finding], fmt: str) -> dict[str, Any]:
    if pair is None:
        return {"path": None, "in_sync": None, "declared": False, "error": None, "format": fmt}
    in_sync: bool | None = None
    if pair.path is not None and pair.cells is not None:
        in_sync = not any(f.rule == "pair-out-of-sync" for f in findings)
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
    """Why the last save's snapshot failed. A lock kept for want of a journal (a notebook
    saved before any cell ran, a fresh clone) is no failure: the lock says what it was."""
    if outcome is None or getattr(outcome, "status", None) != "failed":
        return None
    return str(getattr(outcome, "message", "") or "the snapshot of the last save failed")


_inspector: Inspector | None = None


def _judge(notebook: Path, api_path: str, overlay: Overlay) -> NotebookReport:
    """Judge with one Inspector per server (its cache of installed distributions)."""
    global _inspector  # noqa: PLW0603 - one cache of installed distributions per server
    if _inspector is None:
        _inspector = Inspector()
    return _inspector.judge(notebook, api_path, overlay)


def _finding_json(item: Finding) -> dict[str, Any]:
    return {**item.to_json(), "hint": RULES.get(item.rule, ("", ""))[1]}


def notebook_status(
    api_path: str,
    notebook: Path,
    posted_cells: Any | None = None,
    kernel_id: str | None = None,
    journal_file: str | None = None,
) -> dict[str, Any]:
    """The whole status of one notebook, as the labextension renders it."""
    save = _save_outcome(notebook)
    cells = browser_cells(posted_cells) if posted_cells is not None else None
    report = _judge(notebook, api_path, Overlay(cells, kernel_id, journal_file))
    evidence, root, config = report.evidence, report.project_root, report.config
    if evidence is None or root is None or config is None:
        raise BadInputError(report.error or f"{api_path}: cannot be judged")
    journal, lock = evidence.journal, evidence.lock
    recorded_in, recorded_out = files_sections(journal, [_cell_dict(c) for c in evidence.cells], {})
    locked_in = dict(lock.inputs) if lock is not None else {}
    keys = [k for k in {*locked_in, *recorded_in} if not ignored(k, config.ignore_inputs)]
    installed = kernel_distributions(journal)
    return {
        "version": VERSION,
        "path": api_path,
        "notebook": report.project_relpath,
        "project_root": str(root),
        "locked": lock_path(notebook).is_file(),
        "lock_error": report.lock_error,
        "live": cells is not None,
        "enforce": config.enforce,
        "kernel_id": kernel_id,
        "journal": None
        if journal is None
        else {
            "runs": len(journal.runs),
            "complete": not journal.gaps,
            "incomplete": list(journal.gaps),
            "kernel_id": journal.header.kernel_id,
        },
        "tracking_complete": None if journal is None else not journal.gaps,
        "findings": [_finding_json(f) for f in report.findings],
        "inputs": input_rows(
            {k: v for k, v in recorded_in.items() if k in keys},
            {k: v for k, v in locked_in.items() if k in keys},
            {key: disk_facts(root, key) for key in keys},
        ),
        "outputs": output_rows(recorded_out, lock.outputs if lock is not None else {}),
        "environment": environment_summary(lock, journal, installed),
        "pair": _pair_json(evidence.pair, report.findings, config.paired_format),
        "save_error": _save_error(save),
    }


def _cell_dict(cell: Cell) -> dict[str, Any]:
    """A rule cell as the nbformat-like dict `files_sections` matches runs against."""
    return {"cell_type": cell.cell_type, "source": cell.source, "id": cell.cell_id}
