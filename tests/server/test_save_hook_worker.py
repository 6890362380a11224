"""The post-save hook's worker, driven in-process as the contents manager calls it."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest

from jupyter_repro.io.store import Store
from jupyter_repro.server import save_hook
from jupyter_repro.server.save_hook import SnapshotWorker
from tests.support.snapshot_projects import write_notebook


def test_a_burst_of_saves_makes_one_snapshot_of_the_newest_file(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A burst is saves closer together than the settling time; on a loaded machine ten
    # writes of a notebook can take longer than the real 50 ms, so the test widens it.
    monkeypatch.setattr(save_hook, "SETTLE_S", 1.0)
    worker = SnapshotWorker(log=logging.getLogger("test"))
    notebook = project / "analysis.ipynb"
    for index in range(10):
        write_notebook(notebook, [f"x = {index}"])
        worker.post_save({"path": "analysis.ipynb", "type": "notebook"}, str(notebook), None)
    assert worker.wait_idle(30)
    outcome = worker.last_outcome(str(notebook))
    assert outcome is not None and outcome.status == "written"
    assert len(Store(project).entries("analysis.ipynb")) == 1
    lock = Store(project).entries("analysis.ipynb")[0].read()
    assert lock.to_json() == json.loads((project / "analysis.repro.json").read_text())


def test_files_that_are_not_notebooks_and_checkpoints_are_left_alone(project: Path) -> None:
    worker = SnapshotWorker()
    (project / "notes.txt").write_text("hi")
    worker.post_save({"path": "notes.txt", "type": "file"}, str(project / "notes.txt"), None)
    checkpoint = project / ".ipynb_checkpoints" / "analysis-checkpoint.ipynb"
    write_notebook(checkpoint, ["x = 1"])
    worker.post_save({"path": "x", "type": "notebook"}, str(checkpoint), None)
    assert worker.wait_idle(5)
    assert worker.last_outcome(str(checkpoint)) is None
    assert not (project / ".repro").exists()


def test_a_failure_is_recorded_for_the_path_and_logged_not_raised(
    project: Path, caplog: pytest.LogCaptureFixture
) -> None:
    worker = SnapshotWorker(log=logging.getLogger("test-hook"))
    broken = project / "broken.ipynb"
    broken.write_text("{")
    worker.post_save({"path": "broken.ipynb", "type": "notebook"}, str(broken), None)
    worker.post_save(None, str(broken), None)  # a malformed call must not raise either
    assert worker.wait_idle(30)
    outcome = worker.last_outcome(str(broken))
    assert outcome is not None and outcome.status == "failed"
    assert "invalid JSON" in outcome.message
    assert any(
        "snapshot of" in r.getMessage() and "failed" in r.getMessage() for r in caplog.records
    )
    assert broken.read_text() == "{"


class Sessions:
    """The session and kernel managers as the worker sees them: one kernel, busy or idle."""

    def __init__(self, state: str) -> None:
        self.kernel_manager = self
        self.execution_state = state
        self.last_activity: object = None  # unknown: a snapshot waits for the journal

    async def get_session(self, path: str) -> dict[str, object]:
        return {"path": path, "kernel": {"id": "k1"}}

    def get_kernel(self, kernel_id: str) -> Sessions:
        assert kernel_id == "k1"
        return self


def save_on_a_loop(worker: SnapshotWorker, notebook: Path) -> None:
    """Save as the server does: the hook is called on the running event loop.

    The loop runs in a thread of its own: the main thread may already run one (the
    browser tests' Playwright keeps its loop for the whole session)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    async def save() -> bool:
        worker.post_save({"path": notebook.name, "type": "notebook"}, str(notebook), None)
        return await asyncio.to_thread(worker.wait_idle, 30)

    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, save()).result()


def test_a_save_while_the_kernel_runs_cells_takes_no_half_run_snapshot(project: Path) -> None:
    sessions = Sessions("busy")
    told: list[tuple[str, str]] = []
    worker = SnapshotWorker(session_manager=sessions)
    worker.listener = lambda path, outcome: told.append((path, outcome.status))
    notebook = project / "analysis.ipynb"
    write_notebook(notebook, ["x = 1"])
    save_on_a_loop(worker, notebook)
    outcome = worker.last_outcome(str(notebook))
    assert outcome is not None and outcome.status == "skipped"
    assert "next save" in outcome.message
    assert not (project / "analysis.repro.json").exists()

    sessions.execution_state = "idle"  # the run ended; the next save records it
    save_on_a_loop(worker, notebook)
    assert (project / "analysis.repro.json").is_file()
    assert told == [("analysis.ipynb", "skipped"), ("analysis.ipynb", "written")]


def test_a_save_right_after_a_cell_waits_for_the_kernel_to_journal_it(project: Path) -> None:
    """The kernel journals a cell between cells, a moment after it ends; a save in that
    moment must still record what the cell read."""
    import dataclasses
    import threading

    from jupyter_repro.io.locks import read_lock
    from tests.support.snapshot_projects import access, append_runs, run_of, write_journal

    (project / "data.csv").write_text("a,b\n1,2\n")
    notebook = project / "analysis.ipynb"
    nb = write_notebook(notebook, ["x = 1", "table = open('data.csv').read()"])
    first = dataclasses.replace(run_of(nb, 1), execution_count=1)
    read = access(project, "data.csv")
    second = dataclasses.replace(run_of(nb, 2, reads=[read]), execution_count=2)
    nb.cells[1].execution_count, nb.cells[2].execution_count = 1, 2
    notebook.write_text(json.dumps(nb))
    journal = write_journal(project, [first], kernel_id="k1")
    late = threading.Timer(0.4, append_runs, (journal, [second]))  # the kernel, a moment later
    late.start()
    try:
        save_on_a_loop(SnapshotWorker(session_manager=Sessions("idle")), notebook)
    finally:
        late.join()
    assert "data.csv" in read_lock(project / "analysis.repro.json").inputs


def test_a_save_long_after_the_kernels_last_activity_does_not_wait(project: Path) -> None:
    """Counts the kernel never journals (cells run by a kernel before a restart) must not
    hold every later snapshot."""
    import datetime

    from jupyter_repro.server import save_hook

    notebook = project / "analysis.ipynb"
    nb = write_notebook(notebook, ["x = 1"])
    nb.cells[1].execution_count = 30  # run by the kernel before a restart
    notebook.write_text(json.dumps(nb))
    sessions = Sessions("idle")
    long_ago = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=30)
    sessions.last_activity = long_ago
    began = time.monotonic()
    save_on_a_loop(SnapshotWorker(session_manager=sessions), notebook)
    assert time.monotonic() - began < save_hook.JOURNAL_WAIT_S
    assert (project / "analysis.repro.json").is_file()
