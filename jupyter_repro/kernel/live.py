"""The live state of this kernel's notebook, computed on request (never per cell).

Glue around the pure `jupyter_repro.core.state`: which cells (sent by the frontend, else
the saved notebook, else the runs themselves), fresh stats of the inputs, the names in
the kernel's namespace, and a text rendering for `%repro status`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from jupyter_repro.core.journal import CurrentCell, tracking_gaps
from jupyter_repro.core.state import (
    FileStat,
    LiveState,
    NameSets,
    cells_from_runs,
    input_paths,
    live_state,
)
from jupyter_repro.kernel.audit import RECORDER
from jupyter_repro.kernel.runs import analyze_names


def parse_cells(raw: Any) -> list[CurrentCell] | None:
    """Cells as the frontend sends them: `[{"id", "index", "source"}]` (source str or lines)."""
    if not isinstance(raw, list):
        return None
    cells: list[CurrentCell] = []
    for position, item in enumerate(raw):
        if not isinstance(item, Mapping):
            continue
        source = item.get("source", "")
        if isinstance(source, list):
            source = "".join(str(s) for s in source)
        index = item.get("index", position)
        cell_id = item.get("id")
        cells.append(
            CurrentCell(
                int(index) if isinstance(index, int) else position,
                str(source),
                str(cell_id) if cell_id else None,
            )
        )
    return cells


def saved_notebook_cells(notebook: Path | None) -> list[CurrentCell] | None:
    if notebook is None or notebook.suffix != ".ipynb":
        return None
    from jupyter_repro.core.errors import ReproError
    from jupyter_repro.io.notebooks import read_notebook_json

    try:
        data = read_notebook_json(notebook)
    except ReproError:
        return None
    cells: list[CurrentCell] = []
    for index, cell in enumerate(data["cells"]):
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else str(source)
            cells.append(CurrentCell(index, text, cell.get("id")))
    return cells


class _Names:
    def __init__(self) -> None:
        self._cache: dict[str, NameSets] = {}

    def __call__(self, source: str) -> NameSets:
        if source not in self._cache:
            found = analyze_names(source) or ((), ())
            self._cache[source] = NameSets(frozenset(found[0]), frozenset(found[1]))
        return self._cache[source]


_NAMES = _Names()


def _fresh_stats(tracker: Any, paths: Sequence[str]) -> dict[str, FileStat | None]:
    cache = tracker._hashes
    latest = {a.path: a for run in tracker.runs for a in run.reads}
    fresh: dict[str, FileStat | None] = {}
    for relative in paths:
        full = relative if os.path.isabs(relative) else str(tracker.project_root / relative)
        try:
            info = os.stat(full)
        except OSError:
            fresh[relative] = None
            continue
        stat = FileStat(info.st_size, info.st_mtime_ns / 1e9)
        seen = latest.get(relative)
        if seen is not None and seen.hash and (seen.size, seen.mtime) != (stat.size, stat.mtime):
            with contextlib.suppress(OSError):  # touched is not changed: compare content
                stat = FileStat(stat.size, stat.mtime, cache.hash(full)[0])
        fresh[relative] = stat
    return fresh


def compute_state(tracker: Any, cells: list[CurrentCell] | None) -> tuple[LiveState, str]:
    """(state, where the cells came from: "frontend" | "notebook" | "runs")."""
    tracker.flush(5.0)
    runs = list(tracker.runs)
    origin = "frontend"
    if cells is None:
        cells, origin = saved_notebook_cells(tracker.notebook), "notebook"
    if cells is None:
        cells, origin = cells_from_runs(runs), "runs"
    with RECORDER.suppressed():
        fresh = _fresh_stats(tracker, input_paths(runs))
    hidden = getattr(tracker.shell, "user_ns_hidden", {})
    namespace = {name for name in tracker.shell.user_ns if name not in hidden}
    return live_state(runs, cells, _NAMES, fresh, namespace), origin


def state_message(tracker: Any, cells: list[CurrentCell] | None) -> dict[str, Any]:
    state, origin = compute_state(tracker, cells)
    gaps = tracking_gaps(tracker.incomplete, tracker.runs)
    return {
        "journal": str(tracker.journal_path),
        "notebook": str(tracker.notebook) if tracker.notebook else None,
        "cells_from": origin,
        "tracking_complete": not gaps,
        "incomplete": list(gaps),
        "seed": tracker.seed,
        **state.to_json(),
    }


def _cell(index: int | None) -> str:
    return f"cell {index}" if index is not None else "a deleted cell"


def format_state(message: Mapping[str, Any]) -> str:
    lines = [f"jupyter-repro: {len(message['order'])} cell runs, journal {message['journal']}"]
    if message["seed"] is not None:
        lines.append(f"deterministic mode: seed {message['seed']}")
    order = ", ".join(
        f"[{e['execution_count']}] {_cell(e['cell'])}" for e in message["order"][-20:]
    )
    lines.append(f"execution order: {order or 'nothing ran yet'}")
    for item in message["edited"]:
        lines.append(f"edited after run: cell {item['cell']}")
    for item in message["stale"]:
        lines.append(
            f"stale: cell {item['cell']} used `{item['name']}` ({item['reason']}"
            + (f" in cell {item['upstream']})" if item["upstream"] is not None else ")")
        )
    for item in message["hidden"]:
        where = (
            "only defined below"
            if item["reason"] == "defined-below"
            else f"defined by {item['definer']} code (run {item['defined_by_seq']})"
            if item["defined_by_seq"]
            else "defined by no cell"
        )
        lines.append(f"hidden state: `{item['name']}` used in cell {item['cell']}, {where}")
    for item in message["inputs_changed"]:
        lines.append(f"input {item['status']} on disk: {item['path']}")
    if message["never_run"]:
        lines.append("never run: " + ", ".join(f"cell {i}" for i in message["never_run"]))
    for reason in message["incomplete"]:
        lines.append(f"tracking incomplete: {reason}")
    if len(lines) == 3 and message["order"]:
        lines.append("state: clean")
    return "\n".join(lines) + "\n"
