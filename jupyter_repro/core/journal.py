"""The execution journal: what a kernel really ran, in what order, on what files.

A journal is a JSON-lines file written by the kernel extension: one header line, then
one line per cell run, appended and flushed as the cell ends. This module is its data
model and (de)serialization; reading files lives in `jupyter_repro.io`.

Line kinds (the "kind" key):
    header      the kernel: environment summary, notebook path when known, seed
    cell        one cell run (CellRun)
    incomplete  tracking degraded from here on, with the reason
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal

from jupyter_repro.core import shapes
from jupyter_repro.core.shapes import ShapeError

JOURNAL_VERSION = 1

AccessMode = Literal["read", "write", "readwrite"]
RunStatus = Literal["ok", "error", "interrupted"]


@dataclass(frozen=True)
class FileAccess:
    """A file a cell opened. `path` is project-relative (POSIX) inside the project, else absolute.

    `hash` is "blake3:<hex>" of the content the cell saw, or None when it could not be
    taken (too large, vanished, unreadable: `note` says which). `changed_during_read`
    is True when the file changed between the read and the hash.
    """

    path: str
    mode: AccessMode
    size: int | None = None
    mtime: float | None = None
    hash: str | None = None
    via: str = "open"
    changed_during_read: bool = False
    note: str | None = None


@dataclass(frozen=True)
class CellRun:
    seq: int
    execution_count: int | None
    cell_id: str | None
    source_hash: str
    source: str
    started: float
    duration: float
    status: RunStatus
    error: str | None = None
    defines: tuple[str, ...] = ()
    uses: tuple[str, ...] = ()
    reads: tuple[FileAccess, ...] = ()
    writes: tuple[FileAccess, ...] = ()
    unattributed: tuple[str, ...] = ()
    imports: tuple[str, ...] = ()


@dataclass(frozen=True)
class JournalHeader:
    kernel_id: str | None
    notebook: str | None
    project_root: str
    cwd: str
    started: float
    pid: int
    seed: int | None = None
    environment: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Journal:
    header: JournalHeader
    runs: tuple[CellRun, ...]
    incomplete: tuple[str, ...] = ()

    @property
    def tracking_complete(self) -> bool:
        return not self.incomplete

    @property
    def gaps(self) -> tuple[str, ...]:
        return tracking_gaps(self.incomplete, self.runs)


def tracking_gaps(incomplete: Iterable[str], runs: Iterable[CellRun]) -> tuple[str, ...]:
    """Why a journal may not account for every file: tracking degraded, and what cell runs
    could not attribute (child processes, threads after their cell), each reason once.
    Empty when it accounts for everything."""
    found = [*incomplete, *(reason for run in runs for reason in run.unattributed)]
    return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class IncompleteNote:
    """Tracking degraded from here on: why, and a bounded traceback when one was caught."""

    reason: str
    traceback: str | None = None


JournalRecord = JournalHeader | CellRun | IncompleteNote
TRACEBACK_LIMIT = 4000


class JournalFormatError(ValueError):
    """A journal line is not a record of this format (wrong shape, or a newer version)."""


def encode_line(item: JournalRecord | str) -> str:
    """One journal line, without the newline: the one encoder of the format.

    A `str` is an incompleteness reason without a traceback.
    """
    if isinstance(item, str):
        item = IncompleteNote(item)
    if isinstance(item, JournalHeader):
        payload: dict[str, Any] = {"kind": "header", "version": JOURNAL_VERSION, **_fields(item)}
    elif isinstance(item, CellRun):
        payload = {"kind": "cell", **_fields(item)}
    else:
        payload = {"kind": "incomplete", **_fields(item)}
        if item.traceback is None:
            del payload["traceback"]
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=_plain)


def _fields(record: Any) -> dict[str, Any]:
    """A record's fields, not copied: `dataclasses.asdict` deep-copies every value (the
    header's environment too), and this runs in the kernel after every cell."""
    return {f.name: getattr(record, f.name) for f in fields(record)}


def _plain(value: Any) -> Any:
    """What JSON cannot take as it is: file accesses, read-only mappings, sets."""
    if isinstance(value, FileAccess):
        return _fields(value)
    if isinstance(value, Mapping):
        return dict(value)
    return list(value)


def _file_access(value: Any, where: str) -> FileAccess:
    data = shapes.obj(value, where)
    mode = shapes.string(shapes.field(data, "mode", where), f"{where}/mode")
    if mode not in ("read", "write", "readwrite"):
        raise ShapeError(f"{where}/mode", "read, write or readwrite", mode)
    return FileAccess(
        path=shapes.string(shapes.field(data, "path", where), f"{where}/path"),
        mode=mode,  # type: ignore[arg-type]  # checked against the Literal just above
        size=shapes.opt_integer(data.get("size"), f"{where}/size", 0),
        mtime=shapes.opt_number(data.get("mtime"), f"{where}/mtime"),
        hash=shapes.opt_string(data.get("hash"), f"{where}/hash"),
        via=shapes.string(data.get("via", "open"), f"{where}/via"),
        changed_during_read=shapes.boolean(
            data.get("changed_during_read", False), f"{where}/changed_during_read"
        ),
        note=shapes.opt_string(data.get("note"), f"{where}/note"),
    )


def _accesses(value: Any, where: str) -> tuple[FileAccess, ...]:
    items = shapes.array(value, where)
    return tuple(_file_access(item, f"{where}/{i}") for i, item in enumerate(items))


def _cell_run(data: Mapping[str, Any]) -> CellRun:
    def get(key: str) -> Any:
        return shapes.field(data, key, "")

    return CellRun(
        seq=shapes.integer(get("seq"), "seq", 0),
        execution_count=shapes.opt_integer(data.get("execution_count"), "execution_count"),
        cell_id=shapes.opt_string(data.get("cell_id"), "cell_id"),
        source_hash=shapes.string(get("source_hash"), "source_hash"),
        source=shapes.string(data.get("source", ""), "source"),
        started=shapes.number(get("started"), "started"),
        duration=shapes.number(get("duration"), "duration"),
        status=_status(get("status")),
        error=shapes.opt_string(data.get("error"), "error"),
        defines=shapes.strings(data.get("defines", []), "defines"),
        uses=shapes.strings(data.get("uses", []), "uses"),
        reads=_accesses(data.get("reads", []), "reads"),
        writes=_accesses(data.get("writes", []), "writes"),
        unattributed=shapes.strings(data.get("unattributed", []), "unattributed"),
        imports=shapes.strings(data.get("imports", []), "imports"),
    )


_STATUSES: dict[object, RunStatus] = {"ok": "ok", "error": "error", "interrupted": "interrupted"}


def _status(value: Any) -> RunStatus:
    if isinstance(value, str) and value in _STATUSES:
        return _STATUSES[value]
    raise ShapeError("status", "ok, error or interrupted", value)


def _header(data: Mapping[str, Any]) -> JournalHeader:
    version = data.get("version", JOURNAL_VERSION)
    if type(version) is not int or version > JOURNAL_VERSION:
        raise JournalFormatError(
            f"journal version {version!r} is newer than this jupyter-repro reads "
            f"({JOURNAL_VERSION}): upgrade jupyter-repro"
        )
    environment = data.get("environment", {})
    return JournalHeader(
        kernel_id=shapes.opt_string(data.get("kernel_id"), "kernel_id"),
        notebook=shapes.opt_string(data.get("notebook"), "notebook"),
        project_root=shapes.string(data.get("project_root", ""), "project_root"),
        cwd=shapes.string(data.get("cwd", ""), "cwd"),
        started=shapes.number(data.get("started", 0.0), "started"),
        pid=shapes.integer(data.get("pid", 0), "pid"),
        seed=shapes.opt_integer(data.get("seed"), "seed"),
        environment=shapes.obj(environment, "environment"),
    )


def decode_record(data: Any) -> JournalRecord | None:
    """One parsed journal line as its record; None for a kind this version does not know.

    Raises JournalFormatError naming the field when the line has the wrong shape.
    """
    try:
        record = shapes.obj(data, "")
        kind = record.get("kind")
        if kind == "header":
            return _header(record)
        if kind == "cell":
            return _cell_run(record)
        if kind == "incomplete":
            return IncompleteNote(
                shapes.string(record.get("reason", "unknown"), "reason"),
                shapes.opt_string(record.get("traceback"), "traceback"),
            )
    except ShapeError as exc:
        raise JournalFormatError(f"not a journal record: {exc}") from None
    return None


def decode_lines(lines: Iterable[str]) -> Journal | None:
    """Parse journal lines. A torn line (a kernel killed mid-write) is noted and skipped.

    Returns None when there is no header. Raises JournalFormatError, with the line number,
    for a line of the wrong shape or a header of a newer version.
    """
    header: JournalHeader | None = None
    runs: list[CellRun] = []
    incomplete: list[str] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            incomplete.append("journal has a torn line (kernel stopped while writing)")
            continue
        try:
            record = decode_record(data)
        except JournalFormatError as exc:
            raise JournalFormatError(f"line {number}: {exc}") from None
        if isinstance(record, JournalHeader):
            header = record
        elif isinstance(record, CellRun):
            runs.append(record)
        elif isinstance(record, IncompleteNote):
            incomplete.append(record.reason)
    if header is None:
        return None
    return Journal(header=header, runs=tuple(runs), incomplete=tuple(incomplete))


def kernel_distributions(journal: Journal | None) -> dict[str, str] | None:
    """The distributions the kernel had (name -> version), from its header; None: unknown.

    Environment facts come from the kernel, never from the interpreter that reads the
    journal: a notebook may run in another environment than the server or the CLI.
    """
    found = journal.header.environment.get("distributions") if journal is not None else None
    if not isinstance(found, Mapping) or not found:
        return None
    return {str(name): str(version) for name, version in found.items()}


@dataclass(frozen=True)
class CurrentCell:
    """A code cell as the notebook holds it now; `index` counts all cells from 0."""

    index: int
    source: str
    id: str | None = None


def match_runs(runs: Iterable[CellRun], cells: Iterable[CurrentCell]) -> dict[int, int]:
    """THE matching of runs to cells: run seq -> index of the current cell it executed.

    By cell id when the run has one. A run whose id no current cell has, in a notebook
    whose cells have ids, belongs to a deleted cell: unmatched, even if another cell has
    the same code. Without ids (old notebooks, plain IPython), the first code cell with the
    same source, trailing whitespace aside.
    """
    code = list(cells)
    by_id = {c.id: c.index for c in code if c.id}
    by_source: dict[str, int] = {}
    for cell in code:
        by_source.setdefault(cell.source.rstrip(), cell.index)
    matched: dict[int, int] = {}
    for run in runs:
        if run.cell_id and run.cell_id in by_id:
            matched[run.seq] = by_id[run.cell_id]
        elif not run.cell_id or not by_id:
            index = by_source.get(run.source.rstrip())
            if index is not None:
                matched[run.seq] = index
    return matched
