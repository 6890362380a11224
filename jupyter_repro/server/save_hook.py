"""The contents manager's post-save hook: a snapshot of every saved notebook.

The hook runs synchronously inside the server's save, so it only queues the notebook and
returns (microseconds). One worker thread takes the snapshots: it waits a moment for a
burst of saves to settle, asks the session manager which kernel runs the notebook (its
journal may only know its kernel id), and writes the lock when the inputs it claims are
hashed and copied into the store. Racing saves of one notebook coalesce into one snapshot
of the newest file. A notebook that does not parse is read once more after a moment (a
save still being written reads as invalid JSON), and only the later attempt's outcome
counts. Failures, and locks kept rather than refreshed (no readable journal), are logged
and kept per path (`last_outcome`) for the UI; the save itself never fails and the
notebook file is never touched.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from jupyter_repro.core.errors import BadInputError, ReproError

# "incomplete": the lock was written but keeps what this save could not refresh.
# "skipped": saved while the kernel ran cells; the next save takes the snapshot.
Status = Literal["pending", "written", "unchanged", "incomplete", "failed", "skipped"]
SETTLE_S = 0.05  # autosave and "save all" arrive in bursts: snapshot once per burst
RETRY_S = 0.3  # a notebook that did not parse is read again once, this much later
SESSION_TIMEOUT_S = 2.0
# The kernel journals a cell between cells, within a quarter second of its end: a save in
# that moment waits this long at most for the line, polling every JOURNAL_POLL_S.
JOURNAL_WAIT_S = 1.5
JOURNAL_POLL_S = 0.05
BUSY_MESSAGE = "the kernel was running cells: the next save takes the snapshot"


@dataclass(frozen=True)
class Outcome:
    """What the last snapshot of a notebook did, for the UI and the logs."""

    path: str
    status: Status
    message: str = ""
    snapshot: str | None = None
    missing: tuple[str, ...] = ()
    finished: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "status": self.status,
            "message": self.message,
            "snapshot": self.snapshot,
            "missing": list(self.missing),
            "finished": self.finished,
        }


@dataclass
class _Request:
    os_path: str
    api_path: str
    due: float
    loop: asyncio.AbstractEventLoop | None = field(default=None)


class SnapshotWorker:
    """Queue of notebooks to snapshot, drained by one daemon thread."""

    def __init__(self, session_manager: Any = None, log: Any = None) -> None:
        self.session_manager = session_manager
        self.log = log
        self._pending: dict[str, _Request] = {}
        self._outcomes: dict[str, Outcome] = {}
        self._kernels: dict[str, str] = {}  # api path -> last kernel id seen for it
        self._busy = 0
        # told (api path, outcome) after each snapshot, from the worker thread (events)
        self.listener: Callable[[str, Outcome], None] | None = None
        self._cond = threading.Condition()
        self._thread = threading.Thread(
            target=self._loop, name="jupyter-repro-snapshots", daemon=True
        )
        self._thread.start()

    # called on the server's event loop ----------------------------------------------------

    def post_save(self, model: Any, os_path: str, contents_manager: Any) -> None:
        """The post-save hook. Never raises: a save must not fail because of us."""
        try:
            if not str(os_path).endswith(".ipynb") or ".ipynb_checkpoints" in str(os_path):
                return
            if isinstance(model, dict) and model.get("type") not in (None, "notebook"):
                return
            api_path = str(model.get("path", "")) if isinstance(model, dict) else ""
            try:
                loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
            except RuntimeError:
                loop = None
            with self._cond:
                self._pending[os_path] = _Request(
                    os_path, api_path, time.monotonic() + SETTLE_S, loop
                )
                self._outcomes[os_path] = Outcome(os_path, "pending")
                self._cond.notify()
        except Exception as exc:  # the save goes on whatever happens here
            self._warn(f"could not queue a snapshot of {os_path}: {exc!r}")

    # the worker thread ------------------------------------------------------------------

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._pending:
                    self._cond.wait()
                request = min(self._pending.values(), key=lambda r: r.due)
                delay = request.due - time.monotonic()
                if delay > 0:
                    self._cond.wait(delay)
                    continue
                del self._pending[request.os_path]
                self._busy += 1
            outcome = Outcome(request.os_path, "failed", "the snapshot did not finish")
            try:
                outcome = self._snapshot(request)
            except Exception as exc:  # whatever fails, the worker lives on for the next save
                self._warn(f"snapshot of {request.os_path} failed: {exc!r}", exc_info=True)
                outcome = Outcome(request.os_path, "failed", repr(exc), finished=time.time())
            finally:
                with self._cond:
                    self._busy -= 1
                    if request.os_path not in self._pending:
                        self._outcomes[request.os_path] = outcome
                    self._cond.notify_all()
            if self.listener is not None and request.api_path:
                try:
                    self.listener(request.api_path, outcome)
                except Exception as exc:  # telling the browser must not stop the worker
                    self._warn(f"snapshot event of {request.os_path} failed: {exc!r}")

    def _kernel_id(self, request: _Request) -> str | None:
        """The notebook's kernel from the session manager (async API, on the server loop)."""
        kernel_id: str | None = None
        if self.session_manager is not None and request.loop is not None and request.api_path:
            try:
                future = asyncio.run_coroutine_threadsafe(
                    self.session_manager.get_session(path=request.api_path), request.loop
                )
                session = future.result(SESSION_TIMEOUT_S)
                kernel = session.get("kernel") if isinstance(session, dict) else None
                kernel_id = kernel.get("id") if isinstance(kernel, dict) else None
            except Exception:  # no session (404), a session without kernel, a closing loop
                kernel_id = None
        if kernel_id:
            self._kernels[request.api_path] = kernel_id
            return kernel_id
        return self._kernels.get(request.api_path)  # a session that ended since

    def _kernel(self, kernel_id: str | None) -> Any | None:
        """The server's kernel object for `kernel_id`, None when it has none (or no id)."""
        manager = getattr(self.session_manager, "kernel_manager", None)
        if kernel_id is None or manager is None:
            return None
        try:
            return manager.get_kernel(kernel_id)
        except Exception:  # gone: KeyError, or jupyter_server's HTTP 404 for a deleted kernel
            return None

    def _kernel_busy(self, kernel_id: str | None) -> bool:
        """True while the notebook's kernel runs cells (an autosave during Run All)."""
        return getattr(self._kernel(kernel_id), "execution_state", None) == "busy"

    def _kernel_recently_active(self, kernel_id: str) -> bool:
        """The kernel did something in the last JOURNAL_WAIT_S (or cannot say): a cell may
        have ended a moment ago, its journal line not written yet."""
        from datetime import UTC, datetime

        last = getattr(self._kernel(kernel_id), "last_activity", None)
        if not isinstance(last, datetime):
            return True
        if last.tzinfo is None:
            last = last.replace(tzinfo=UTC)
        return (datetime.now(UTC) - last).total_seconds() < JOURNAL_WAIT_S

    def _snapshot(self, request: _Request) -> Outcome:
        from jupyter_repro.io.snapshot import take_snapshot

        kernel_id = self._kernel_id(request)
        if self._kernel_busy(kernel_id):
            # A file saved mid-run holds half a run: its lock would record it as a state
            # of the notebook. The save that follows the run records the whole.
            return Outcome(request.os_path, "skipped", BUSY_MESSAGE, finished=time.time())
        if kernel_id is not None and self._kernel_recently_active(kernel_id):
            _await_journal(Path(request.os_path), kernel_id)
        try:
            try:
                result = take_snapshot(Path(request.os_path), kernel_id=kernel_id, source="save")
            except BadInputError:
                # The file may still be being written: one more read once it has settled.
                time.sleep(RETRY_S)
                result = take_snapshot(Path(request.os_path), kernel_id=kernel_id, source="save")
        except ReproError as exc:
            self._warn(f"snapshot of {request.os_path} failed: {exc.message}")
            return Outcome(request.os_path, "failed", exc.message, finished=time.time())
        except Exception as exc:  # a bug must not take the worker down with it
            self._warn(f"snapshot of {request.os_path} failed: {exc!r}", exc_info=True)
            return Outcome(request.os_path, "failed", repr(exc), finished=time.time())
        self._remember_pair(Path(request.os_path))
        status: Status = "written" if result.written else "unchanged"
        if result.kept is not None:
            self._warn(f"snapshot of {request.os_path}: {result.kept}")
            return Outcome(
                request.os_path,
                "incomplete",
                result.kept,
                snapshot=result.snapshot_id,
                missing=result.missing,
                finished=time.time(),
            )
        if self.log is not None:
            self.log.info(
                "jupyter-repro: snapshot of %s: lock %s%s",
                request.os_path,
                status,
                f", snapshot {result.snapshot_id}" if result.snapshot_id else "",
            )
        return Outcome(
            request.os_path,
            status,
            snapshot=result.snapshot_id,
            missing=result.missing,
            finished=time.time(),
        )

    def _remember_pair(self, notebook: Path) -> None:
        """jupytext wrote both sides of a pair in this save: record their code for `sync`."""
        from jupyter_repro.integrations.pairing import remember_if_in_sync
        from jupyter_repro.io.config import load_config
        from jupyter_repro.io.project import find_project_root

        try:
            remember_if_in_sync(notebook, load_config(find_project_root(notebook)).paired_format)
        except ReproError as exc:
            self._warn(f"pair record of {notebook} not updated: {exc.message}")

    def _warn(self, message: str, exc_info: bool = False) -> None:
        if self.log is not None:
            self.log.warning("jupyter-repro: %s", message, exc_info=exc_info)

    # queries ----------------------------------------------------------------------------

    def last_outcome(self, os_path: str) -> Outcome | None:
        with self._cond:
            return self._outcomes.get(os_path)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until no snapshot is queued or running; False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._pending or self._busy:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._cond.wait(remaining)
        return True


_worker: SnapshotWorker | None = None


def _await_journal(notebook: Path, kernel_id: str) -> None:
    """Wait (at most JOURNAL_WAIT_S) until the kernel has journaled the newest execution
    count the saved notebook shows: a save right after a cell ends would otherwise take
    its snapshot without that cell's reads and writes."""
    from jupyter_repro.io.journals import journaled_count
    from jupyter_repro.io.project import find_project_root

    shown = _newest_execution_count(notebook)
    if shown == 0:
        return
    root = find_project_root(notebook.parent)
    deadline = time.monotonic() + JOURNAL_WAIT_S
    while journaled_count(root, kernel_id) < shown and time.monotonic() < deadline:
        time.sleep(JOURNAL_POLL_S)


def _newest_execution_count(notebook: Path) -> int:
    """The highest execution count among the saved notebook's cells (0: none, or unreadable:
    the snapshot will say why)."""
    from jupyter_repro.io.notebooks import read_notebook_json

    try:
        cells = read_notebook_json(notebook).get("cells", [])
    except ReproError:
        return 0
    counts = [c.get("execution_count") for c in cells if isinstance(c, dict)]
    return max((n for n in counts if isinstance(n, int)), default=0)


def _attach(worker: SnapshotWorker, contents_manager: Any, attached: list[Any]) -> bool:
    register = getattr(contents_manager, "register_post_save_hook", None)
    if register is None or any(cm is contents_manager for cm in attached):
        return register is not None
    register(worker.post_save)
    attached.append(contents_manager)
    return True


def register_save_hook(serverapp: Any) -> SnapshotWorker | None:
    """Register the post-save hook on the server's contents manager (several hooks coexist).

    An extension loaded after this one may replace the contents manager (jupytext's does),
    so the hook is attached again, once the server runs, to whatever manager is current.
    """
    global _worker  # noqa: PLW0603 - one worker per server process
    _worker = worker = SnapshotWorker(getattr(serverapp, "session_manager", None), serverapp.log)
    attached: list[Any] = []

    def attach_current() -> None:
        worker.session_manager = getattr(serverapp, "session_manager", None)
        if not _attach(worker, getattr(serverapp, "contents_manager", None), attached):
            serverapp.log.warning(
                "jupyter-repro: this contents manager has no post-save "
                "hooks; locks are written only by `jupyter-repro snapshot`"
            )

    attach_current()
    io_loop = getattr(serverapp, "io_loop", None)
    if io_loop is not None:
        io_loop.add_callback(attach_current)
    return worker


def last_outcome(os_path: str) -> Outcome | None:
    """What the last snapshot of the notebook at `os_path` did (None: never saved here)."""
    return _worker.last_outcome(os_path) if _worker is not None else None


def flush(timeout: float = 10.0) -> bool:
    """Wait for queued snapshots to finish (at server shutdown); False if time ran out."""
    return _worker.wait_idle(timeout) if _worker is not None else True
