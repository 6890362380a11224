"""The post-save hook's worker, driven in-process as the contents manager calls it."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from jupyter_repro.io.store import Store
from jupyter_repro.server.save_hook import SnapshotWorker
from tests.support.snapshot_projects import write_notebook


def test_a_burst_of_saves_makes_one_snapshot_of_the_newest_file(project: Path) -> None:
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
