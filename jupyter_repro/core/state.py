"""Live state of a kernel's notebook: what ran, what is stale, what hides in the namespace.

Pure: given the journal's cell runs, the notebook's current code cells and (optionally)
fresh stats of the files the runs read, answer the questions the frontend and
`%repro status` ask. Cells are matched to runs by cell id when both have one, else by
identical source (papermill and plain IPython send no cell ids).

Vocabulary:
    edited        the cell's source differs from the source of its last run
    stale         the cell's last run used a name whose defining cell was re-run, redefined
                  by another run, or edited after it; or it used a stale cell's result
    hidden name   a current cell uses a name that no current cell defines (it lives only in
                  the kernel's namespace: defined by a deleted cell, by an earlier version of
                  a cell, or typed and removed), or that only a cell below defines
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from jupyter_repro.core.journal import (
    CellRun,
    CurrentCell,
    FileAccess,
    RunStatus,
    match_runs,
)
from jupyter_repro.core.names import IPYTHON_NAMES


@dataclass(frozen=True)
class NameSets:
    defines: frozenset[str] = frozenset()
    uses: frozenset[str] = frozenset()


@dataclass(frozen=True)
class FileStat:
    size: int
    mtime: float
    hash: str | None = None


@dataclass(frozen=True)
class OrderEntry:
    seq: int
    execution_count: int | None
    cell_id: str | None
    cell: int | None  # current index, None when the cell is gone or cannot be matched
    status: RunStatus


@dataclass(frozen=True)
class EditedCell:
    cell: int
    cell_id: str | None
    seq: int


@dataclass(frozen=True)
class StaleCell:
    cell: int
    cell_id: str | None
    seq: int
    name: str
    reason: Literal["re-run", "redefined", "changed", "upstream-stale"]
    upstream: int | None  # current index of the cell the name came from, when it still exists


@dataclass(frozen=True)
class HiddenName:
    name: str
    cell: int
    cell_id: str | None
    reason: Literal["not-defined", "defined-below"]
    defined_by_seq: int | None = None
    defined_by_cell_id: str | None = None
    definer: Literal["deleted", "edited", "present", "unknown"] = "unknown"


@dataclass(frozen=True)
class ChangedInput:
    path: str
    status: Literal["changed", "missing"]
    seqs: tuple[int, ...]
    cells: tuple[int, ...]


@dataclass(frozen=True)
class LiveState:
    order: tuple[OrderEntry, ...] = ()
    edited: tuple[EditedCell, ...] = ()
    stale: tuple[StaleCell, ...] = ()
    hidden: tuple[HiddenName, ...] = ()
    inputs_changed: tuple[ChangedInput, ...] = ()
    never_run: tuple[int, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


NamesOf = Callable[[str], NameSets]


def _same_source(a: str, b: str) -> bool:
    return a.rstrip() == b.rstrip()


def _last_runs(runs: Sequence[CellRun], matched: Mapping[int, int]) -> dict[int, CellRun]:
    last: dict[int, CellRun] = {}
    for run in runs:
        index = matched.get(run.seq)
        if index is not None and (index not in last or last[index].seq < run.seq):
            last[index] = run
    return last


def _stale_cells(
    runs: Sequence[CellRun],
    cells_by_index: Mapping[int, CurrentCell],
    matched: Mapping[int, int],
    last: Mapping[int, CellRun],
) -> list[StaleCell]:
    ordered = sorted(runs, key=lambda r: r.seq)
    stale: dict[int, StaleCell] = {}
    for index, run in sorted(last.items(), key=lambda item: item[1].seq):
        for name in sorted(run.uses):
            definer = _latest_definer(ordered, name, before=run.seq)
            if definer is None:
                continue
            upstream = matched.get(definer.seq)
            reason = _staleness(
                ordered,
                name=name,
                run=run,
                definer=definer,
                upstream=upstream,
                cells_by_index=cells_by_index,
                last=last,
                stale=stale,
            )
            if reason is not None:
                stale[index] = StaleCell(
                    index, cells_by_index[index].id, run.seq, name, reason, upstream
                )
                break
    return [stale[i] for i in sorted(stale)]


def _staleness(
    ordered: Sequence[CellRun],
    *,
    name: str,
    run: CellRun,
    definer: CellRun,
    upstream: int | None,
    cells_by_index: Mapping[int, CurrentCell],
    last: Mapping[int, CellRun],
    stale: Mapping[int, StaleCell],
) -> Literal["re-run", "redefined", "changed", "upstream-stale"] | None:
    later = [r for r in ordered if r.seq > run.seq and name in r.defines]
    if later:
        same_cell = upstream is not None and any(
            last.get(upstream) is not None and r.seq == last[upstream].seq for r in later
        )
        return "re-run" if same_cell else "redefined"
    if upstream is None:
        return None
    if not _same_source(cells_by_index[upstream].source, definer.source):
        return "changed"
    if upstream in stale and last.get(upstream) is definer:
        return "upstream-stale"
    return None


def _latest_definer(ordered: Sequence[CellRun], name: str, before: int) -> CellRun | None:
    found: CellRun | None = None
    for run in ordered:
        if run.seq >= before:
            break
        if name in run.defines:
            found = run
    return found


def _hidden_names(
    runs: Sequence[CellRun],
    cells: Sequence[CurrentCell],
    names: Mapping[int, NameSets],
    matched: Mapping[int, int],
    namespace: Collection[str] | None,
) -> list[HiddenName]:
    ordered = sorted(runs, key=lambda r: r.seq)
    definers: dict[str, list[int]] = {}
    for cell in cells:
        for name in names[cell.index].defines:
            definers.setdefault(name, []).append(cell.index)
    hidden: list[HiddenName] = []
    for cell in cells:
        for name in sorted(names[cell.index].uses - IPYTHON_NAMES):
            if namespace is not None and name not in namespace:
                continue
            where = definers.get(name, [])
            if any(i < cell.index for i in where) or cell.index in where:
                continue
            reason: Literal["not-defined", "defined-below"] = (
                "defined-below" if where else "not-defined"
            )
            run = _latest_definer(ordered, name, before=1 << 62)
            hidden.append(
                _hidden(name, cell=cell, reason=reason, run=run, matched=matched, cells=cells)
            )
    return hidden


def _hidden(
    name: str,
    *,
    cell: CurrentCell,
    reason: Literal["not-defined", "defined-below"],
    run: CellRun | None,
    matched: Mapping[int, int],
    cells: Sequence[CurrentCell],
) -> HiddenName:
    if run is None:
        return HiddenName(name, cell.index, cell.id, reason)
    index = matched.get(run.seq)
    definer: Literal["deleted", "edited", "present"]
    if index is None:
        definer = "deleted"
    else:
        current = next(c for c in cells if c.index == index)
        definer = "present" if _same_source(current.source, run.source) else "edited"
    return HiddenName(name, cell.index, cell.id, reason, run.seq, run.cell_id, definer)


def input_paths(runs: Iterable[CellRun]) -> list[str]:
    """Every path the runs read, in first-read order: what a caller should stat."""
    seen: dict[str, None] = {}
    for run in runs:
        for access in run.reads:
            seen.setdefault(access.path, None)
    return list(seen)


def _changed_inputs(
    runs: Sequence[CellRun], fresh: Mapping[str, FileStat | None], matched: Mapping[int, int]
) -> list[ChangedInput]:
    latest: dict[str, FileAccess] = {}
    readers: dict[str, list[int]] = {}
    for run in sorted(runs, key=lambda r: r.seq):
        for access in run.reads:
            latest[access.path] = access
            readers.setdefault(access.path, []).append(run.seq)
    changed: list[ChangedInput] = []
    for path, access in latest.items():
        if path not in fresh:
            continue
        stat = fresh[path]
        seqs = tuple(readers[path])
        cells = tuple(sorted({matched[s] for s in seqs if s in matched}))
        if stat is None:
            changed.append(ChangedInput(path, "missing", seqs, cells))
        elif _differs(access, stat):
            changed.append(ChangedInput(path, "changed", seqs, cells))
    return changed


def _differs(access: FileAccess, stat: FileStat) -> bool:
    if access.hash and stat.hash:
        return access.hash != stat.hash
    return access.size != stat.size or access.mtime != stat.mtime


def live_state(
    runs: Sequence[CellRun],
    cells: Sequence[CurrentCell],
    names_of: NamesOf,
    fresh: Mapping[str, FileStat | None] | None = None,
    namespace: Collection[str] | None = None,
) -> LiveState:
    """The state of the notebook `cells` after the kernel ran `runs`.

    `names_of(source)` gives a current cell's static defines/uses; `fresh` maps read
    paths to their stat now (None: gone); `namespace`, when given, restricts hidden
    names to those that really exist in the kernel.
    """
    matched = match_runs(runs, cells)
    cells_by_index = {c.index: c for c in cells}
    last = _last_runs(runs, matched)
    order = tuple(
        OrderEntry(r.seq, r.execution_count, r.cell_id, matched.get(r.seq), r.status)
        for r in sorted(runs, key=lambda r: r.seq)
    )
    edited = tuple(
        EditedCell(i, cells_by_index[i].id, run.seq)
        for i, run in sorted(last.items())
        if not _same_source(cells_by_index[i].source, run.source)
    )
    names = {c.index: names_of(c.source) for c in cells}
    return LiveState(
        order=order,
        edited=edited,
        stale=tuple(_stale_cells(runs, cells_by_index, matched, last)),
        hidden=tuple(_hidden_names(runs, cells, names, matched, namespace)),
        inputs_changed=tuple(_changed_inputs(runs, fresh or {}, matched)),
        never_run=tuple(c.index for c in cells if c.index not in last and c.source.strip()),
    )


def cells_from_runs(runs: Sequence[CellRun]) -> list[CurrentCell]:
    """When no notebook is at hand (plain IPython): each distinct cell's latest source.

    Cells keep the order of their first run; `index` is that position.
    """
    latest: dict[str, CellRun] = {}
    for run in sorted(runs, key=lambda r: r.seq):
        key = run.cell_id or run.source.rstrip()
        latest[key] = run
    return [CurrentCell(i, run.source, run.cell_id) for i, run in enumerate(latest.values())]
