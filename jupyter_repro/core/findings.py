"""Findings and the catalogue of rule slugs (stable public names)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]

# slug -> (default severity, one-line hint on how to fix)
RULES: dict[str, tuple[Severity, str]] = {
    "out-of-order": ("error", "restart the kernel and run all cells top to bottom"),
    "skipped-cell": ("error", "run the skipped cell, or delete it if it is not needed"),
    "count-gap": ("warning", "restart the kernel and run all cells for one clean run"),
    "hidden-state": ("error", "define the name in a cell above, or restart and run all"),
    "edited-after-run": ("warning", "re-run the cell so its outputs match its source"),
    "stale-cell": ("warning", "re-run the cell: a cell it depends on changed after it ran"),
    "absolute-path": ("error", "use a path relative to the notebook or project"),
    "unseeded-random": ("warning", "seed the generator, e.g. np.random.default_rng(0)"),
    "undeclared-dependency": (
        "warning",
        "declare the distribution in pyproject.toml or requirements.txt",
    ),
    "input-changed": (
        "error",
        "re-run the notebook on the new input and save, or restore the input",
    ),
    "input-missing": ("error", "restore the input (jupyter-repro restore) or update the notebook"),
    "env-drift": ("warning", "install the locked versions (jupyter-repro env) or re-run and save"),
    "unpaired": ("warning", "create the paired script with jupyter-repro pair"),
    "pair-out-of-sync": ("error", "bring the pair in line with jupyter-repro sync"),
    "no-lock": ("warning", "save the notebook in JupyterLab or run jupyter-repro snapshot"),
}


CELL_NUMBERING = (
    "cells are numbered from 1 counting all cells, markdown included "
    "(as JupyterLab's status bar: Cell 3/9 is the third)"
)


def cell_label(index: int) -> str:
    """A cell as people name it: counting all cells from 1, as JupyterLab's status bar."""
    return f"cell {index + 1}"


@dataclass(frozen=True)
class Finding:
    """One problem found in a notebook. `cell` counts all cells from 0, None for the notebook;
    people read it as `cell + 1` (JupyterLab's "Cell 3/9", `cell_label`); `cell_id` follows
    the cell when cells are inserted or deleted above it."""

    rule: str
    cell: int | None
    severity: Severity
    message: str
    cell_id: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "cell": self.cell,
            "cell_id": self.cell_id,
            "severity": self.severity,
            "message": self.message,
        }
