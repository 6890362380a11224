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
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

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


def encode_line(item: JournalHeader | CellRun | str) -> str:
    """One journal line, without the newline. A `str` is an incompleteness reason."""
    if isinstance(item, JournalHeader):
        payload: dict[str, Any] = {"kind": "header", "version": JOURNAL_VERSION, **asdict(item)}
    elif isinstance(item, CellRun):
        payload = {"kind": "cell", **asdict(item)}
    else:
        payload = {"kind": "incomplete", "reason": item}
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=list)


def _file_access(data: Mapping[str, Any]) -> FileAccess:
    return FileAccess(**{k: v for k, v in data.items() if k in FileAccess.__dataclass_fields__})


def _cell_run(data: Mapping[str, Any]) -> CellRun:
    fields = {k: v for k, v in data.items() if k in CellRun.__dataclass_fields__}
    for name in ("defines", "uses", "unattributed", "imports"):
        fields[name] = tuple(fields.get(name, ()))
    fields["reads"] = tuple(_file_access(a) for a in data.get("reads", ()))
    fields["writes"] = tuple(_file_access(a) for a in data.get("writes", ()))
    return CellRun(**fields)


def decode_lines(lines: Iterable[str]) -> Journal | None:
    """Parse journal lines. A torn last line (a kernel killed mid-write) is ignored.

    Returns None when there is no header.
    """
    header: JournalHeader | None = None
    runs: list[CellRun] = []
    incomplete: list[str] = []
    for line in lines:
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError:
            incomplete.append("journal has a torn line (kernel stopped while writing)")
            continue
        kind = data.get("kind")
        if kind == "header":
            fields = {k: v for k, v in data.items() if k in JournalHeader.__dataclass_fields__}
            header = JournalHeader(**fields)
        elif kind == "cell":
            runs.append(_cell_run(data))
        elif kind == "incomplete":
            incomplete.append(str(data.get("reason", "unknown")))
    if header is None:
        return None
    return Journal(header=header, runs=tuple(runs), incomplete=tuple(incomplete))
