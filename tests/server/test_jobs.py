"""Verify jobs run a child process each and report its outcome as data."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from jupyter_repro.server.jobs import JobRegistry, VerifyJob


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def wait(job: VerifyJob, timeout_s: float = 30.0) -> VerifyJob:
    deadline = time.monotonic() + timeout_s
    while job.state == "running":
        assert time.monotonic() < deadline, job.to_json()
        time.sleep(0.05)
    return job


def notebook(tmp_path: Path) -> Path:
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


def test_a_verdict_on_stdout_makes_a_finished_job_with_its_result(tmp_path: Path) -> None:
    verdict = {"path": "nb.ipynb", "verdict": "not-reproduced", "cells": []}
    registry = JobRegistry(
        lambda nb: python(f"import sys; print({json.dumps(json.dumps(verdict))}); sys.exit(1)")
    )
    job = wait(registry.start("nb.ipynb", notebook(tmp_path)))
    assert job.state == "done"
    assert job.result == verdict
    assert job.exit_code == 1
    assert job.to_json()["result"]["verdict"] == "not-reproduced"


def test_a_child_without_a_verdict_fails_with_its_last_error_line(tmp_path: Path) -> None:
    registry = JobRegistry(
        lambda nb: python(
            "import sys; sys.stderr.write('warming up\\n');"
            " sys.stderr.write('jupyter-repro verify: nb.ipynb: no such file\\n'); sys.exit(2)"
        )
    )
    job = wait(registry.start("nb.ipynb", notebook(tmp_path)))
    assert job.state == "failed"
    assert job.message == "jupyter-repro verify: nb.ipynb: no such file"
    assert job.exit_code == 2


def test_one_running_job_per_notebook_and_it_can_be_cancelled(tmp_path: Path) -> None:
    registry = JobRegistry(lambda nb: python("import time; time.sleep(30)"))
    path = notebook(tmp_path)
    first = registry.start("nb.ipynb", path)
    assert registry.start("nb.ipynb", path) is first
    assert registry.latest(path) is first
    deadline = time.monotonic() + 10
    while first._process is None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    registry.cancel(first.id)
    job = wait(first)
    assert job.state == "cancelled"
    assert registry.get("unknown") is None


def test_a_command_that_cannot_start_is_a_failed_job(tmp_path: Path) -> None:
    registry = JobRegistry(lambda nb: [str(tmp_path / "no-such-program")])
    job = wait(registry.start("nb.ipynb", notebook(tmp_path)))
    assert job.state == "failed"
    assert job.message is not None
    assert "could not start verify" in job.message


def test_an_isolated_job_reruns_with_isolated_and_does_not_join_a_plain_one(
    tmp_path: Path,
) -> None:
    echo_argv = (
        "import json, sys; print(json.dumps({'verdict': 'reproduced', 'argv': sys.argv[1:]}))"
    )
    registry = JobRegistry(lambda nb: python(f"import time; time.sleep(0.5); {echo_argv}"))
    plain = registry.start("nb.ipynb", notebook(tmp_path))
    isolated = registry.start("nb.ipynb", notebook(tmp_path), isolated=True)
    assert isolated.id != plain.id
    assert wait(isolated).result == {"verdict": "reproduced", "argv": ["--isolated"]}
    assert wait(plain).result == {"verdict": "reproduced", "argv": []}
    assert isolated.to_json()["isolated"] is True


def test_progress_says_the_kernel_starts_then_which_cell_runs_now(tmp_path: Path) -> None:
    job = VerifyJob("j", "nb.ipynb", notebook(tmp_path))
    assert job.to_json()["progress"] == {
        "done": None,
        "total": None,
        "phase": "starting",
        "running": None,
    }
    job.cells_total = 7
    job.cells_done = 0
    assert job.to_json()["progress"]["phase"] == "running"
    assert job.to_json()["progress"]["running"] == 1  # 1-based, as people count cells
    job.cells_done = 7
    assert job.to_json()["progress"]["running"] is None


def test_the_listener_hears_the_job_end_after_its_result_is_in(tmp_path: Path) -> None:
    verdict = {"path": "nb.ipynb", "verdict": "reproduced", "cells": []}
    registry = JobRegistry(lambda nb: python(f"print({json.dumps(json.dumps(verdict))})"))
    heard: list[tuple[str, bool]] = []
    registry.listener = lambda job: heard.append((job.state, job.result is not None))
    wait(registry.start("nb.ipynb", notebook(tmp_path)))
    deadline = time.monotonic() + 10
    while not heard and time.monotonic() < deadline:
        time.sleep(0.01)  # the listener runs on the job's thread, just after the state
    assert heard[-1] == ("done", True)


def test_a_failing_listener_does_not_stop_the_job(tmp_path: Path) -> None:
    # progress on stderr calls the listener while the job runs
    progress_then_no_verdict = (
        "import sys; sys.stderr.write('jupyter-repro: running cell 1 of 2\\n'); print('{}')"
    )
    registry = JobRegistry(lambda nb: python(progress_then_no_verdict))

    def broken(job: VerifyJob) -> None:
        raise RuntimeError("no browser")

    registry.listener = broken
    assert wait(registry.start("nb.ipynb", notebook(tmp_path))).state == "failed"


def test_each_cell_start_line_moves_the_progress_and_is_not_the_error_message(
    tmp_path: Path,
) -> None:
    said: list[tuple[int | None, int | None]] = []
    lines = "".join(f"jupyter-repro: running cell {n} of 3\n" for n in (1, 2, 3))
    registry = JobRegistry(
        lambda nb: python(
            f"import sys; sys.stderr.write({lines!r}); "
            "sys.stderr.write('jupyter-repro verify: the kernel died\\n'); sys.exit(3)"
        )
    )
    registry.listener = lambda job: said.append(
        (job.to_json()["progress"]["running"], job.to_json()["progress"]["total"])
    )
    job = wait(registry.start("nb.ipynb", notebook(tmp_path)))
    running = [number for number, _ in said if number is not None]
    assert [n for i, n in enumerate(running) if i == 0 or running[i - 1] != n] == [1, 2, 3]
    assert job.message == "jupyter-repro verify: the kernel died"


def test_before_the_first_cell_starts_the_total_comes_from_the_notebook(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    cells = [
        {"cell_type": "code", "source": "x = 1", "metadata": {}, "outputs": [], "id": "a"},
        {"cell_type": "code", "source": "  ", "metadata": {}, "outputs": [], "id": "b"},
        {"cell_type": "markdown", "source": "# t", "metadata": {}, "id": "c"},
        {"cell_type": "code", "source": "y = 2", "metadata": {}, "outputs": [], "id": "d"},
    ]
    path.write_text(
        json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    registry = JobRegistry(lambda nb: python("import time; time.sleep(30)"))
    job = registry.start("nb.ipynb", path)
    try:
        deadline = time.monotonic() + 10
        while job.cells_total is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert job.to_json()["progress"] == {
            "done": None,
            "total": 2,
            "phase": "starting",
            "running": None,
        }
    finally:
        registry.cancel(job.id)
        wait(job)


def test_a_job_cancelled_before_its_rerun_started_never_runs_it(tmp_path: Path) -> None:
    started = tmp_path / "started"

    def slow_command(nb: Path) -> list[str]:
        time.sleep(0.3)  # the cancel comes while the command is being prepared
        return python(f"open({str(started)!r}, 'w'); import time; time.sleep(30)")

    registry = JobRegistry(slow_command)
    job = registry.start("nb.ipynb", notebook(tmp_path))
    registry.cancel(job.id)
    assert wait(job, 10).state == "cancelled"
    time.sleep(0.5)
    assert not started.exists()
