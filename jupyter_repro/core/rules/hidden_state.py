"""`hidden-state`: a cell reads a name that no code cell above it defines.

Statically, in notebook order, with the analysis of `jupyter_repro.core.names`. After a
cell that may bind names no analysis can see (`%run`, `from m import *`, `exec`) static
findings stop; the journal can still prove a name came from a cell that no longer exists.
"""

from __future__ import annotations

from jupyter_repro.core.config import ReproConfig
from jupyter_repro.core.findings import Finding, cell_label
from jupyter_repro.core.rules.evidence import Cell, Evidence, finding
from jupyter_repro.core.state import HiddenName


def _definers(cells: list[Cell]) -> dict[str, list[int]]:
    where: dict[str, list[int]] = {}
    for cell in cells:
        for name in cell.scan.names.defines:
            where.setdefault(name, []).append(cell.index)
    return where


def _message(name: str, cell: Cell, below: list[int], runtime: HiddenName | None) -> str:
    if name in cell.scan.names.defines:
        return (
            f"uses `{name}` before this cell defines it: only a value left from an "
            "earlier run makes it work"
        )
    if runtime is not None and runtime.definer == "deleted":
        origin = "was defined only by a cell that no longer exists"
    elif runtime is not None and runtime.definer == "edited":
        origin = "was defined by an earlier version of a cell"
    elif below:
        origin = f"is defined only in {cell_label(below[0])} below"
    else:
        origin = "is defined by no cell (a deleted cell, or typed and removed)"
    return f"uses `{name}`, which {origin}: a fresh run top to bottom fails or differs"


def _fails_on_purpose(cell: Cell, name: str) -> bool:
    """The notebook shows this cell failing: a fresh run failing the same way reproduces it."""
    if "raises-exception" in cell.tags:
        return True
    error = cell.recorded_error or ""
    return error.startswith("NameError") and f"'{name}'" in error


def check_hidden_state(
    evidence: Evidence, config: ReproConfig, runtime: dict[tuple[int, str], HiddenName]
) -> list[Finding]:
    """`runtime` holds what the journal knows: (cell, name) -> where the value came from."""
    if not evidence.is_python:
        return []
    cells = list(evidence.code_cells)
    definers = _definers(cells)
    opaque_anywhere = any(c.scan.names.opaque for c in cells)
    defined: set[str] = set()
    opaque_above = False
    findings: list[Finding] = []
    for cell in cells:
        names = cell.scan.names
        if names.parse_ok:
            for name in sorted(names.uses - defined):
                known = runtime.get((cell.index, name))
                if opaque_above and (known is None or known.definer != "deleted"):
                    continue
                if _fails_on_purpose(cell, name):
                    continue
                below = [i for i in definers.get(name, []) if i > cell.index]
                findings.append(
                    finding(config, "hidden-state", cell.index, _message(name, cell, below, known))
                )
            if not opaque_anywhere:
                for name in sorted(names.deferred - definers.keys()):
                    findings.append(
                        finding(
                            config,
                            "hidden-state",
                            cell.index,
                            f"a function here reads `{name}`, which no cell defines: "
                            "calling it after a fresh run fails",
                        )
                    )
        defined = (defined | names.defines) - names.deletes
        opaque_above = opaque_above or names.opaque
    return findings


def blind_spot(evidence: Evidence) -> tuple[int, int] | None:
    """(index of the first cell that may define any name, how many names used below it
    could not be checked), when such a cell hides something from `hidden-state`."""
    if not evidence.is_python:
        return None
    defined: set[str] = set()
    first: int | None = None
    unchecked: set[tuple[int, str]] = set()
    for cell in evidence.code_cells:
        names = cell.scan.names
        if first is not None and names.parse_ok:
            unchecked.update((cell.index, name) for name in names.uses - defined)
        defined = (defined | names.defines) - names.deletes
        if names.opaque and first is None:
            first = cell.index
    return (first, len(unchecked)) if first is not None and unchecked else None
