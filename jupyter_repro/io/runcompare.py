"""Two run records side by side: what differs, and their executed notebooks cell by cell.

Shared by `jupyter-repro compare` and the server's `compare` route, so both answer the
same JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_repro.core.compare import CellComparison, compare_notebooks
from jupyter_repro.core.normalize import NormalizerSet
from jupyter_repro.core.runrecord import Difference, RunRecord, compare_records


@dataclass(frozen=True)
class RunComparison:
    a: RunRecord
    b: RunRecord
    differences: list[Difference]
    # None when an executed notebook is gone: the outputs were not compared
    cells: list[CellComparison] | None
    left: Any  # the executed notebooks (nbformat nodes), for an HTML report
    right: Any
    normalizers: NormalizerSet

    @property
    def differing_cells(self) -> list[CellComparison]:
        return [c for c in self.cells or [] if c.status in ("differs", "error")]

    @property
    def same(self) -> bool:
        return not self.differences and not self.differing_cells

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a.to_json(),
            "b": self.b.to_json(),
            "differences": [d.to_json() for d in self.differences],
            "cells": None if self.cells is None else [c.to_json() for c in self.cells],
        }


def _executed(root: Path, record: RunRecord) -> Any:
    """The run's executed notebook, or None when it is gone."""
    from jupyter_repro.core.errors import ReproError
    from jupyter_repro.io.notebooks import read_notebook

    if record.executed is None:
        return None
    try:
        return read_notebook(root / record.executed)
    except ReproError:
        return None


def compare_runs(root: Path, ident_a: str, ident_b: str) -> RunComparison:
    """Compare two runs of the project at `root`, named by id (or a unique part of it);
    UsageError for an unknown or ambiguous id."""
    from jupyter_repro.io.config import load_config
    from jupyter_repro.io.runrecords import find_record

    a, b = find_record(root, ident_a), find_record(root, ident_b)
    config = load_config(root)
    normalizers = NormalizerSet.from_config(
        config.float_precision, [(n.pattern, n.replacement) for n in config.normalizers]
    )
    left, right = _executed(root, a), _executed(root, b)
    cells = compare_notebooks(left.cells, right.cells, normalizers) if left and right else None
    return RunComparison(a, b, compare_records(a, b), cells, left, right, normalizers)
