"""What the rules look at: a notebook's cells and whatever else the io layer found for it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jupyter_repro.core.config import ReproConfig
from jupyter_repro.core.findings import RULES, Finding
from jupyter_repro.core.journal import Journal
from jupyter_repro.core.language import is_python
from jupyter_repro.core.lockmodel import Lock
from jupyter_repro.core.names import CellScan, scan_cell
from jupyter_repro.core.pairs import PairCell


@dataclass(frozen=True)
class Cell:
    """One cell as saved; `index` counts all cells from 0."""

    index: int
    cell_type: str
    source: str
    execution_count: int | None = None
    cell_id: str | None = None
    tags: tuple[str, ...] = ()
    # The error the saved outputs show (`NameError: name 'Q' is not defined`), if any.
    recorded_error: str | None = None

    @property
    def is_code(self) -> bool:
        return self.cell_type == "code"

    @property
    def scan(self) -> CellScan:
        return scan_cell(self.source)


@dataclass(frozen=True)
class InputState:
    """A locked input as found now: None size when it is gone; hash only taken when needed."""

    size: int | None
    hash: str | None = None
    outside: bool = False  # outside the project: reported, never read


@dataclass(frozen=True)
class PairState:
    """The paired script: its path, and its cells as jupytext reads them (None: unreadable)."""

    path: str | None
    cells: tuple[PairCell, ...] | None = None
    declared: bool = False  # the notebook's jupytext metadata names a pairing
    error: str | None = None


@dataclass(frozen=True)
class Evidence:
    """Everything known about one notebook. Absent evidence (None) turns its rules off."""

    path: str
    cells: tuple[Cell, ...]
    language: str = "python"
    journal: Journal | None = None
    lock: Lock | None = None
    lock_unreadable: bool = False  # a lock is there but cannot be read: not "no lock"
    inputs_now: Mapping[str, InputState] = field(default_factory=dict)
    installed: Mapping[str, str] | None = None
    declared: frozenset[str] | None = None
    module_distributions: Mapping[str, str] = field(default_factory=dict)
    local_modules: frozenset[str] = frozenset()
    stdlib_modules: frozenset[str] = frozenset()
    pair: PairState | None = None
    # Absolute folders whose reads are the environment's, not data (prefixes, site-packages).
    system_prefixes: tuple[str, ...] = ()
    # Literals that look like absolute paths, are not used as one, and exist on this
    # machine (`paths.literals_to_look_up`, looked up by the caller).
    paths_on_disk: frozenset[str] = frozenset()

    @property
    def code_cells(self) -> Sequence[Cell]:
        return [cell for cell in self.cells if cell.is_code]

    @property
    def is_python(self) -> bool:
        return is_python(self.language)


def recorded_error(cell: Mapping[str, Any]) -> str | None:
    """`ename: evalue` of the first error a saved cell's outputs show, None without one."""
    outputs = cell.get("outputs")
    for output in outputs if isinstance(outputs, list) else ():
        if isinstance(output, Mapping) and output.get("output_type") == "error":
            return f"{output.get('ename', '')}: {output.get('evalue', '')}"
    return None


def finding(config: ReproConfig, rule: str, cell: int | None, message: str) -> Finding:
    return Finding(rule, cell, config.severity_of(rule), message)


def hint(rule: str) -> str:
    return RULES[rule][1]
