"""When a notebook and its paired script are in sync: one definition for `check` and `sync`.

Both sides are compared as jupytext reads them (the script through jupytext, the notebook
as saved), cell by cell, on what a text file can carry and a person reviews:

- the kind of each cell (code, markdown, raw; a cell type nbformat does not know is raw,
  as the script would hold it);
- its text, without trailing whitespace on its lines and without leading or trailing
  blank lines (jupytext writes blank lines between cells and drops them on reading);
- its tags (`parameters`, `raises-exception`, `skip-execution` change how it runs).

Blank cells are left out (a text file has no trace of an empty cell at its end), and so
is all other cell metadata (`scrolled`, `collapsed`, `execution` timings), which a paired
script does not carry. Markdown counts: an edit of the explanation in the script is an
edit that `sync` must move and `check` must report.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

KINDS = ("code", "markdown", "raw")


@dataclass(frozen=True)
class PairCell:
    """One cell as the pair comparison sees it; `index` is its place among the notebook's
    cells (counted from 0), None for a cell read from the script."""

    kind: str
    text: str
    tags: tuple[str, ...] = ()
    index: int | None = None

    @property
    def compared(self) -> tuple[str, str, tuple[str, ...]]:
        return (self.kind, self.text, self.tags)


@dataclass(frozen=True)
class PairDifference:
    """The first place where the two sides differ."""

    cell: int | None  # the notebook cell (index among all cells), None when none stands for it
    message: str


def normal_text(source: str) -> str:
    """A cell's text without trailing whitespace and without blank lines around it."""
    return "\n".join(line.rstrip() for line in source.splitlines()).strip("\n")


def pair_cell(
    kind: str, source: str, tags: Iterable[str] = (), index: int | None = None
) -> PairCell:
    return PairCell(
        kind if kind in KINDS else "raw",
        normal_text(source),
        tuple(sorted({str(t) for t in tags})),
        index,
    )


def pair_view(cells: Iterable[PairCell]) -> tuple[PairCell, ...]:
    """The cells that count: the blank ones are left out."""
    return tuple(cell for cell in cells if cell.text)


def pair_cells_of(cells: Sequence[Mapping[str, Any]]) -> tuple[PairCell, ...]:
    """The comparison view of nbformat v4 cells (dicts or NotebookNodes)."""
    view = []
    for index, cell in enumerate(cells):
        source = cell.get("source", "")
        metadata = cell.get("metadata")
        tags = metadata.get("tags", ()) if isinstance(metadata, Mapping) else ()
        view.append(
            pair_cell(
                str(cell.get("cell_type", "")),
                "".join(source) if isinstance(source, list) else str(source or ""),
                tags if isinstance(tags, list | tuple) else (),
                index,
            )
        )
    return pair_view(view)


def pair_key(cells: Iterable[PairCell]) -> str:
    """A canonical text of the view: two sides are in sync exactly when their keys are equal."""
    return json.dumps([list(cell.compared) for cell in pair_view(cells)], sort_keys=True)


def pair_difference(
    notebook: Iterable[PairCell], script: Iterable[PairCell], script_name: str
) -> PairDifference | None:
    """None when the pair is in sync, else the first difference, worded for a person."""
    mine, theirs = pair_view(notebook), pair_view(script)
    for left, right in zip(mine, theirs, strict=False):
        if left.compared == right.compared:
            continue
        if left.kind != right.kind:
            what = f"this {left.kind} cell is a {right.kind} cell in {script_name}"
        elif left.text != right.text:
            what = f"the {left.kind} differs from {script_name}"
        else:
            what = f"the tags {list(left.tags)} are {list(right.tags)} in {script_name}"
        return PairDifference(left.index, what)
    if len(mine) == len(theirs):
        return None
    extra = mine[len(theirs)] if len(mine) > len(theirs) else None
    return PairDifference(
        extra.index if extra is not None else None,
        f"the notebook has {len(mine)} non-empty cells and {script_name} has {len(theirs)}",
    )


def pair_in_sync(notebook: Iterable[PairCell], script: Iterable[PairCell]) -> bool:
    return pair_key(notebook) == pair_key(script)
