"""Journal files on disk: `<project root>/.repro/journal/<name>.jsonl`.

The kernel appends one line per cell run and flushes it, so a kernel killed at any
moment leaves a file that `read_journal` parses up to the last complete line. Each
kernel process writes its own file; its name starts with the kernel id when the kernel
knows it (the server maps kernel ids to notebooks) and always holds the process id and
start time, so a restarted kernel never appends to its predecessor's journal.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import IO, TYPE_CHECKING

from jupyter_repro.io.project import journal_dir

if TYPE_CHECKING:  # the kernel imports this module at start: the data model loads lazily
    from collections.abc import Callable, Sequence

    from jupyter_repro.core.journal import CellRun, Journal, JournalHeader

JOURNAL_SUFFIX = ".jsonl"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def journal_file_name(kernel_id: str | None, pid: int, started: float) -> str:
    """`<kernel id>-<pid>-<start ms>.jsonl`, or `kernel-<pid>-<start ms>.jsonl` without an id."""
    ident = _UNSAFE.sub("_", kernel_id) if kernel_id else "kernel"
    return f"{ident}-{pid}-{int(started * 1000)}{JOURNAL_SUFFIX}"


class JournalWriter:
    """Appends journal lines to one file; every line is flushed as it is written.

    No fsync per line: a killed kernel loses nothing the OS already has, and the
    per-cell cost stays in microseconds. Not thread-safe: one thread writes.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None

    def _open(self) -> IO[str]:
        if self._handle is None:
            ensure_store(self.path.parent.parent)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("a", encoding="utf-8")
        return self._handle

    def write(self, item: JournalHeader | CellRun | str) -> None:
        """Append one record (a `str` is a tracking-incomplete reason) and flush it."""
        from jupyter_repro.core.journal import encode_line

        handle = self._open()
        handle.write(encode_line(item) + "\n")
        handle.flush()

    def write_line(self, line: str) -> None:
        """Append one already-encoded line (the kernel encodes records itself) and flush it."""
        handle = self._open()
        handle.write(line + "\n")
        handle.flush()

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def ensure_store(store: Path) -> None:
    """Create the store folder, git-ignored by default: a `.gitignore` of `*` inside it."""
    store.mkdir(parents=True, exist_ok=True)
    marker = store / ".gitignore"
    if marker.exists():
        return
    try:
        fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except OSError:
        return
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("*\n")


def read_journal(path: Path) -> Journal | None:
    """Parse a journal file; None when it is missing, unreadable or has no header.

    A journal of a newer format, or with a line of the wrong shape, is a BadInputError
    naming the file and the line: journals come from other people too.
    """
    from jupyter_repro.core.journal import JournalFormatError, decode_lines

    try:
        if not path.is_file():  # never a FIFO or a device named like a journal
            return None
        with path.open(encoding="utf-8", errors="replace") as handle:
            return decode_lines(handle)
    except OSError:
        return None
    except JournalFormatError as exc:
        from jupyter_repro.core.errors import BadInputError

        raise BadInputError.invalid(path, str(exc)) from None


def read_header(path: Path) -> JournalHeader | None:
    """Only the header line: cheap enough to scan every journal of a project."""
    from jupyter_repro.core.journal import JournalFormatError, JournalHeader, decode_record

    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            first = handle.readline(1 << 20)
        record = decode_record(json.loads(first))
    except (OSError, ValueError, RecursionError, JournalFormatError):
        return None  # judged, with a message, when the journal itself is read
    return record if isinstance(record, JournalHeader) else None


def _journal_files(project_root: Path) -> list[Path]:
    folder = journal_dir(project_root)
    try:
        return [p for p in folder.iterdir() if p.name.endswith(JOURNAL_SUFFIX) and p.is_file()]
    except OSError:
        return []


def _journals_where(project_root: Path, wanted: Callable[[JournalHeader], bool]) -> list[Path]:
    """Journals whose header is `wanted`, oldest first (by the kernel's start)."""
    found: list[tuple[JournalHeader, Path]] = []
    for path in _journal_files(project_root):
        header = read_header(path)
        if header is not None and wanted(header):
            found.append((header, path))
    found.sort(key=lambda pair: (pair[0].started, pair[1].name))
    return [path for _, path in found]


def journals_for_notebook(project_root: Path, notebook_relpath: str) -> list[Path]:
    """Journals of this notebook (project-relative POSIX), newest last: those whose header
    names it, following the renames recorded since each kernel started."""
    belongs = _belongs_to(project_root, notebook_relpath)
    return _journals_where(project_root, lambda header: belongs(header.notebook, header.started))


def _belongs_to(project_root: Path, relpath: str) -> Callable[[str | None, float], bool]:
    """Whether a journal naming `notebook` and started at `started` is `relpath`'s now."""
    from jupyter_repro.core.renames import current_name
    from jupyter_repro.io.renamelog import read_renames

    renames = read_renames(project_root)
    if not renames:
        return lambda notebook, started: notebook == relpath
    return lambda notebook, started: (
        notebook is not None and current_name(notebook, started, renames) == relpath
    )


def journals_for_kernel(project_root: Path, kernel_id: str) -> list[Path]:
    """Journals written by kernels with this id (a restarted kernel keeps its id), newest last."""
    return _journals_where(project_root, lambda header: header.kernel_id == kernel_id)


def journaled_count(project_root: Path, kernel_id: str) -> int:
    """The newest execution count the kernel `kernel_id` has journaled (0: none yet)."""
    for path in reversed(journals_for_kernel(project_root, kernel_id)):
        journal = read_journal_cached(path)
        if journal is not None and journal.runs:
            return max(run.execution_count or 0 for run in journal.runs)
    return 0


_journal_cache: dict[Path, tuple[tuple[int, int], Journal]] = {}
_JOURNAL_CACHE_SIZE = 16


def read_journal_cached(path: Path) -> Journal | None:
    """`read_journal`, parsed once per (size, mtime): a long session's journal is large."""
    try:
        stat = path.stat()
    except OSError:
        return None
    key = (stat.st_size, stat.st_mtime_ns)
    cached = _journal_cache.get(path)
    if cached is not None and cached[0] == key:
        return cached[1]
    journal = read_journal(path)
    if journal is not None:
        if len(_journal_cache) >= _JOURNAL_CACHE_SIZE:
            _journal_cache.pop(next(iter(_journal_cache)))
        _journal_cache[path] = (key, journal)
    return journal


def _newest_with_runs(paths: Sequence[Path], project_root: Path, relpath: str) -> Journal | None:
    """The newest journal of the notebook (or of no named notebook) that recorded a run,
    else the newest readable one.

    A kernel restarted and not used yet has run nothing: the notebook's outputs still come
    from the kernel before it.
    """
    belongs = _belongs_to(project_root, relpath)
    fallback: Journal | None = None
    for path in reversed(paths):
        journal = read_journal_cached(path)
        if journal is None:
            continue
        header = journal.header
        if header.notebook is not None and not belongs(header.notebook, header.started):
            continue
        if journal.runs:
            return journal
        fallback = fallback or journal
    return fallback


def choose_journal(
    project_root: Path,
    notebook_relpath: str,
    kernel_id: str | None = None,
    running_journal: str | None = None,
) -> Journal | None:
    """THE journal that judges a notebook: every reader of journals asks this function.

    - `running_journal`, the file a live kernel says it writes (its `hello`), when it lies
      in the project's journal folder: the live view judges the running kernel, and a
      named file not written yet is a fresh kernel that has run nothing;
    - else the newest journal of the kernel `kernel_id` that recorded a run;
    - else the newest journal of the notebook that recorded a run (a restarted kernel that
      ran nothing yet does not hide the runs that made the outputs), else its newest.
    """
    if running_journal:
        folder = journal_dir(project_root)
        named = Path(running_journal)
        if named.is_absolute() and named.parent.resolve() == folder.resolve():
            journal = read_journal_cached(folder / named.name)
            if journal is not None:
                return journal
            if not (folder / named.name).exists():
                return _fresh_kernel(project_root, notebook_relpath, kernel_id)
    if kernel_id:
        journal = _newest_with_runs(
            journals_for_kernel(project_root, kernel_id), project_root, notebook_relpath
        )
        if journal is not None:
            return journal
    return _newest_with_runs(
        journals_for_notebook(project_root, notebook_relpath), project_root, notebook_relpath
    )


def _fresh_kernel(project_root: Path, relpath: str, kernel_id: str | None) -> Journal:
    import time

    from jupyter_repro.core.journal import Journal, JournalHeader

    header = JournalHeader(kernel_id, relpath, str(project_root), "", time.time(), 0)
    return Journal(header=header, runs=())
