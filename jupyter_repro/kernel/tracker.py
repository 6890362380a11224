"""The per-kernel tracker: IPython's cell events in, journal lines out.

`pre_run_cell` and `post_run_cell` do only what must happen at that moment (switch the
audit hook on and off, take times, stat written files, diff `sys.modules`); everything
slow (hashes, names, the header's environment, JSON) is a job for the worker thread.
Every entry point catches its own errors: tracking degrades, the user's cell never fails.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import stat as stat_module
import sys
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from jupyter_repro.core.journal import (
    CellRun,
    IncompleteNote,
    JournalHeader,
    JournalRecord,
    encode_line,
)
from jupyter_repro.io.project import find_project_root, journal_dir, relative_to_root
from jupyter_repro.kernel.audit import (
    DIRECTORY_LIMIT,
    RECORDER,
    CellAccesses,
    PathFilter,
    ReadMark,
    data_files,
)
from jupyter_repro.kernel.identity import kernel_id, notebook_path
from jupyter_repro.kernel.imports import ImportWatcher
from jupyter_repro.kernel.pending import PendingRun, new_top_level_modules
from jupyter_repro.kernel.seeding import apply_seed, seed_from
from jupyter_repro.kernel.worker import HashCache, Worker, hash_mark

if TYPE_CHECKING:
    from jupyter_repro.core.journal import RunStatus
    from jupyter_repro.io.journals import JournalWriter
    from jupyter_repro.kernel.runs import RunFinisher

_perf = time.perf_counter
# Reads up to this size are hashed as the cell ends (tens of microseconds), so their hash
# is the content the cell saw even when the next cell rewrites them; larger ones in the
# background, where a change after the read is detected and flagged.
SMALL_INPUT = 256 * 1024
# Modules whose C-level readers get wrapped when imported (see kernel/readers.py).
READER_MODULES = (
    "pandas",
    "pyarrow",
    "pyarrow.parquet",
    "pyarrow.csv",
    "pyarrow.json",
    "pyarrow.feather",
    "pyarrow.dataset",
    "pyarrow.orc",
    "polars",
    "h5py",
)


class _Current:
    __slots__ = ("accesses", "cell_id", "modules", "source", "started", "t0")

    def __init__(
        self,
        source: str,
        cell_id: str | None,
        *,
        started: float,
        t0: float,
        modules: int,
        accesses: CellAccesses,
    ) -> None:
        self.source = source
        self.cell_id = cell_id
        self.started = started
        self.t0 = t0
        self.modules = modules
        self.accesses = accesses


def _has_config(root: Path) -> bool:
    """Cheap test (no TOML parser) for a project configuration worth loading."""
    if (root / ".jupyter-repro.toml").is_file():
        return True
    try:
        return b"jupyter-repro" in (root / "pyproject.toml").read_bytes()
    except OSError:
        return False


def _install_readers(module: ModuleType) -> None:
    from jupyter_repro.kernel.readers import READERS

    READERS[module.__name__](module)


class Tracker:
    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.started = time.time()
        self.pid = os.getpid()
        self.cwd = Path.cwd()
        self.notebook = notebook_path(os.environ, shell.user_ns, self.cwd)
        self.project_root = find_project_root(self.notebook or self.cwd)
        self.seed, seed_problem = seed_from(os.environ, None)
        self.ignore_inputs: tuple[str, ...] = ()
        self.env_allowlist: tuple[str, ...] = ()
        self.kernel_id = kernel_id(shell)
        self.journal_path = journal_dir(self.project_root) / _file_name(
            self.kernel_id, self.pid, self.started
        )
        self.incomplete: list[str] = []
        self._runs: list[CellRun] = []  # the cell runs journaled so far
        self._environment: dict[str, Any] | None = None
        self._worker = Worker(self.degraded)
        self._watcher = ImportWatcher(self.degraded)
        self._writer: JournalWriter | None = None  # created by the worker
        self._finisher: RunFinisher | None = None
        self._hashes = HashCache(self.project_root)
        self._current: _Current | None = None
        self._seq = 0
        self._header_written = False
        self._collected = False  # the one full collection after start-up (_settle_collector)
        self._reported: set[str] = set()
        self._running = False
        self._configured = threading.Event()
        self._seeded = False
        self._unwritable = False
        self._pending_problems = [p for p in (seed_problem,) if p]
        self.channel: Any = None

    # -- lifecycle ---------------------------------------------------------------
    def start(self) -> None:
        self._worker.start()
        for problem in self._pending_problems:
            self.degraded(problem)
        path_filter = PathFilter(str(self.project_root))
        if self.notebook is not None:
            path_filter.exact.add(str(self.notebook))
        RECORDER.path_filter = path_filter
        RECORDER.on_read = self._queue_hash
        RECORDER.on_error = self.degraded
        RECORDER.between = []
        RECORDER.install()
        env_seed = self.seed
        if _has_config(self.project_root):
            self._worker.submit(lambda: self._configure(env_seed))
        else:
            self._configured.set()
        for module_name in READER_MODULES:
            self._watcher.watch(module_name, _install_readers)
        self._worker.submit(self._warm_up)
        self.shell.events.register("pre_run_cell", self.pre_run_cell)
        self.shell.events.register("post_run_cell", self.post_run_cell)
        self._running = True
        atexit.register(self._at_exit)

    def stop(self) -> None:
        if not self._running:
            return
        self._running = False
        for event, callback in (
            ("pre_run_cell", self.pre_run_cell),
            ("post_run_cell", self.post_run_cell),
        ):
            with contextlib.suppress(ValueError):
                self.shell.events.unregister(event, callback)
        RECORDER.accesses = None
        RECORDER.between = None
        self._current = None
        self._watcher.stop()
        self._worker.drain()
        self._worker.stop()
        if self._writer is not None:
            self._writer.close()
        atexit.unregister(self._at_exit)

    def _configure(self, env_seed: int | None) -> None:
        """Worker job at start: the project configuration (TOML parsing stays off start-up)."""
        from jupyter_repro.core.errors import ReproError
        from jupyter_repro.io.config import load_config

        try:
            config = load_config(self.project_root)
        except ReproError as exc:
            self.degraded(f"configuration ignored: {exc.message}")
        else:
            self.ignore_inputs = config.ignore_inputs
            self.env_allowlist = config.env_allowlist
            if env_seed is None and config.seed is not None:
                self.seed = config.seed
        finally:
            self._configured.set()

    def _warm_up(self) -> None:
        """Worker job at start: pay one-time costs (imports, environment) before any cell."""
        from jupyter_repro.io.environment import capture_environment
        from jupyter_repro.io.hashing import hash_text
        from jupyter_repro.kernel.runs import analyze_names

        hash_text("")
        analyze_names("x = 1")
        self._environment = capture_environment(self.env_allowlist)
        _ = self.finisher

    @property
    def runs(self) -> list[CellRun]:
        """The cell runs journaled so far."""
        return list(self._runs)

    def _at_exit(self) -> None:
        self._worker.drain(5.0)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every finished cell is in the journal."""
        return self._worker.drain(timeout)

    # -- degraded tracking ---------------------------------------------------------
    def degraded(self, reason: str, error: BaseException | None = None) -> None:
        """Record (once) that tracking is incomplete from here on, and why.

        A caught exception's traceback goes into the journal record (bounded), so a bug of
        ours can be reported from the journal without the kernel ever showing it."""
        if reason in self._reported:
            return
        self._reported.add(reason)
        self.incomplete.append(reason)
        note = _incomplete_note(reason, error)
        self._worker.submit(lambda: self._write(note))

    def _queue_hash(self, mark: ReadMark) -> None:
        """Large inputs start hashing at once, in the background; small ones at cell end."""
        if mark.size > SMALL_INPUT:
            self._worker.submit(lambda: hash_mark(self._hashes, mark))

    # -- the two hooks -------------------------------------------------------------
    def pre_run_cell(self, info: Any) -> None:
        try:
            source = info.raw_cell
            if not source or source.isspace():
                self._current = None  # blank probes (user_expressions) are not cells
                return
            if not getattr(info, "store_history", True):
                self._current = None  # hidden code (variable viewers, probes) is not a cell
                return
            if not self._configured.is_set():
                self._configured.wait(10.0)  # the seed must be known before the first cell
            if self._seq == 0 and self._current is None and not self._seeded:
                self._seeded = True
                if self.seed is not None:
                    # Just before the first cell: kernel start-up code may draw from `random`.
                    apply_seed(self.seed, self._watcher)
            self._worker.idle.clear()
            accesses = CellAccesses()
            self._note_between_cells(accesses)
            self._current = _Current(
                source,
                getattr(info, "cell_id", None),
                started=time.time(),
                t0=_perf(),
                modules=len(sys.modules),
                accesses=accesses,
            )
            RECORDER.accesses = accesses
        except Exception as exc:
            self.degraded(f"pre_run_cell failed: {type(exc).__name__}: {exc}", exc)

    def _note_between_cells(self, accesses: CellAccesses) -> None:
        """Files opened since the last cell ended, by a thread a cell left running: what they
        read cannot be attributed to a cell, and is reported, never dropped."""
        between = RECORDER.between
        if not between:
            return
        RECORDER.between = []  # a fresh list: the threads may still be opening files
        root = str(self.project_root) + os.sep
        for path in between:
            shown = path[len(root) :] if path.startswith(root) else path
            accesses.unattributed.append(
                f"{shown} was opened between cells by a thread an earlier cell started"
            )

    def post_run_cell(self, result: Any) -> None:
        current = self._current
        if current is None:
            return  # the cell that loaded the extension, or a blank probe
        RECORDER.accesses = None
        self._current = None
        self._worker.idle.set()
        try:
            self._seq += 1
            pending = self._pending(current, result, _perf() - current.t0)
            self._worker.submit(lambda: self._finish(pending))
        except Exception as exc:
            self.degraded(f"post_run_cell failed: {type(exc).__name__}: {exc}", exc)

    def _pending(self, current: _Current, result: Any, duration: float) -> PendingRun:
        status, error = _status(result)
        for mark in list(current.accesses.reads.values()):
            if not mark.done and mark.size <= SMALL_INPUT:
                hash_mark(self._hashes, mark)
        write_stats = _write_stats(current.accesses)
        imports: tuple[str, ...] = ()
        if len(sys.modules) != current.modules:
            imports = new_top_level_modules(list(sys.modules)[current.modules :])
        return PendingRun(
            seq=self._seq,
            execution_count=getattr(result, "execution_count", None),
            cell_id=current.cell_id,
            source=current.source,
            started=current.started,
            duration=duration,
            status=status,
            error=error,
            accesses=current.accesses,
            write_stats=write_stats,
            imports=imports,
            # Only shell lines need the cwd; getcwd releases the GIL, so skip it when we can.
            cwd=os.getcwd() if "!" in current.source or "%" in current.source else "",
        )

    # -- worker side -----------------------------------------------------------------
    @property
    def finisher(self) -> RunFinisher:
        if self._finisher is None:
            from jupyter_repro.kernel.runs import RunFinisher

            self._finisher = RunFinisher(str(self.project_root), self.ignore_inputs, self._hashes)
        return self._finisher

    def _finish(self, pending: PendingRun) -> None:
        from jupyter_repro.io.hashing import hash_text

        self._write(self.finisher.finish(pending, hash_text(pending.source)))
        channel = self.channel
        if channel is not None:  # after the line is on disk: readers of the journal see it
            channel.cell_finished(pending)
        if self.finisher.names_missing:
            self.degraded("static name analysis unavailable: defines and uses not recorded")
        if not self._collected and self._worker.idle.is_set():
            self._collected = True
            self._settle_collector()

    @staticmethod
    def _settle_collector() -> None:
        """One full collection, between the first cells, while the heap is small. Python
        runs a full collection once the objects that outlived younger collections reach a
        quarter of the old generation; the extension's own (its modules, the environment it
        captured) would otherwise count toward the user's next one, which on a large heap
        costs tens of milliseconds or more. Collected now, they never count again."""
        import gc

        gc.collect()

    def _write(self, item: JournalRecord) -> None:
        if self._unwritable:
            return
        if self._writer is None:
            from jupyter_repro.io.journals import JournalWriter

            self._writer = JournalWriter(self.journal_path)
        try:
            self._write_record(item)
        except OSError as exc:  # a read-only project: say so once, keep the kernel working
            self._unwritable = True
            sys.stderr.write(
                f"jupyter-repro: cannot write the journal {self.journal_path}: "
                f"{exc.strerror or exc}; cell runs are not recorded\n"
            )

    def _write_record(self, item: JournalRecord) -> None:
        if not self._header_written:
            self._emit(self._header())
            self._header_written = True
        self._emit(item)

    def _emit(self, record: JournalRecord) -> None:
        assert self._writer is not None
        self._writer.write_line(encode_line(record))
        if isinstance(record, CellRun):
            self._runs.append(record)

    def _header(self) -> JournalHeader:
        from jupyter_repro.io.environment import capture_environment

        if self.notebook is None:  # VS Code names the notebook after start-up
            self.notebook = notebook_path({}, self.shell.user_ns, self.cwd)
            if self.notebook is not None and RECORDER.path_filter is not None:
                RECORDER.path_filter.exact.add(str(self.notebook))
        environment = self._environment or capture_environment(self.env_allowlist)
        environment["kernel"] = {
            "language": "python",
            "runtime": "ipykernel" if getattr(self.shell, "kernel", None) else "ipython",
        }
        environment["pythonhashseed"] = os.environ.get("PYTHONHASHSEED")
        notebook = (
            relative_to_root(self.notebook, self.project_root)
            if self.notebook is not None
            else None
        )
        return JournalHeader(
            kernel_id=self.kernel_id,
            notebook=notebook,
            project_root=str(self.project_root),
            cwd=str(self.cwd),
            started=self.started,
            pid=self.pid,
            seed=self.seed,
            environment=environment,
        )


def _incomplete_note(reason: str, error: BaseException | None) -> IncompleteNote:
    from jupyter_repro.core.journal import TRACEBACK_LIMIT

    if error is None:
        return IncompleteNote(reason)
    import traceback

    text = "".join(traceback.format_exception(error))
    return IncompleteNote(reason, text[-TRACEBACK_LIMIT:])


def _write_stats(accesses: CellAccesses) -> dict[str, tuple[int, int, int] | None]:
    """path -> (size, mtime_ns, inode) of each file the cell wrote, as the cell left it (None:
    gone). A dataset written whole (`write_dataset(table, "out/")`) is the files now in it:
    each is recorded as written, and hashed like any output."""
    stats: dict[str, tuple[int, int, int] | None] = {}
    for path, via in list(accesses.writes.items()):
        info = _stat_or_none(path)
        if info is None or not stat_module.S_ISDIR(info.st_mode):
            stats[path] = _as_written(info)
            continue
        del accesses.writes[path]
        files, more = data_files(path)
        for file in files:
            accesses.writes.setdefault(file, via)
            stats[file] = _as_written(_stat_or_none(file))
        if more:
            accesses.unattributed.append(
                f"{via} wrote a directory with more than {DIRECTORY_LIMIT} files: "
                f"only the first {DIRECTORY_LIMIT} are recorded"
            )
    return stats


def _stat_or_none(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _as_written(info: os.stat_result | None) -> tuple[int, int, int] | None:
    return None if info is None else (info.st_size, info.st_mtime_ns, info.st_ino)


def _status(result: Any) -> tuple[RunStatus, str | None]:
    error = getattr(result, "error_in_exec", None) or getattr(result, "error_before_exec", None)
    if error is None:
        return "ok", None
    if isinstance(error, KeyboardInterrupt):
        return "interrupted", "KeyboardInterrupt"
    return "error", type(error).__name__


def _file_name(kernel: str | None, pid: int, started: float) -> str:
    from jupyter_repro.io.journals import journal_file_name

    return journal_file_name(kernel, pid, started)
