"""Saving through a real Jupyter server's contents API after cells ran in a real kernel."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest

from jupyter_repro.io.project import journal_dir
from tests.support.kernel_client import restart_kernel, run_notebook_cells, start_session
from tests.support.servers import RunningServer, start_server
from tests.support.snapshot_projects import write_notebook

pytestmark = [pytest.mark.server, pytest.mark.kernel, pytest.mark.slow]

NOTEBOOK = "analysis.ipynb"
SECRET = "hunter2-do-not-record"
SOURCES = [
    "import yaml\nrows = open('data/input.csv').read().splitlines()",
    "with open('results.txt', 'w') as handle:\n    handle.write('done')",
]
WAIT_S = 30.0


@pytest.fixture
def server(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[RunningServer]:
    (project / "data" / "input.csv").write_text("a,b\n1,2\n")
    write_notebook(project / NOTEBOOK, SOURCES)
    monkeypatch.setenv("REPRO_TEST_SECRET", SECRET)  # the server and its kernels inherit it
    running = start_server(
        project,
        tmp_path / "jupyter",
        extra_args=("--ServerApp.jpserver_extensions={'jupyter_repro': True}",),
    )
    yield running
    running.stop()


def outcomes(server: RunningServer, path: str = NOTEBOOK) -> list[str]:
    return [
        line
        for line in server.log().splitlines()
        if f"jupyter-repro: snapshot of {server.root / path}" in line
    ]


def save(server: RunningServer, path: str = NOTEBOOK) -> dict[str, Any]:
    """GET the notebook and PUT it back, as a save from the frontend; wait for its snapshot."""
    before = len(outcomes(server, path))
    status, model = server.request("GET", f"api/contents/{path}?content=1")
    assert status == 200, model
    status, body = server.request(
        "PUT",
        f"api/contents/{path}",
        {"type": "notebook", "format": "json", "content": model["content"]},
    )
    assert status == 200, body
    deadline = time.monotonic() + WAIT_S
    while len(outcomes(server, path)) == before:
        assert time.monotonic() < deadline, server.log()
        time.sleep(0.05)
    return model["content"]  # type: ignore[no-any-return]


def wait_for_journal(root: Path, cell_lines: int) -> None:
    """The kernel writes each cell's journal line just after the cell ends."""
    deadline = time.monotonic() + WAIT_S
    while True:
        lines = [
            line
            for path in journal_dir(root).glob("*.jsonl")
            for line in path.read_text().splitlines()
            if '"kind":"cell"' in line
        ]
        if len(lines) >= cell_lines:
            return
        assert time.monotonic() < deadline, f"journal has {len(lines)} cell lines"
        time.sleep(0.05)


def run_all(server: RunningServer, kernel_id: str, expected_lines: int) -> None:
    notebook = json.loads((server.root / NOTEBOOK).read_text())
    run_notebook_cells(server, kernel_id, notebook)
    wait_for_journal(server.root, expected_lines)


def test_a_save_writes_the_lock_from_the_kernels_journal(server: RunningServer) -> None:
    kernel_id = start_session(server, NOTEBOOK)
    run_all(server, kernel_id, 2)
    save(server)
    text = (server.root / "analysis.repro.json").read_text()
    lock = json.loads(text)
    assert lock["notebook"] == NOTEBOOK
    assert lock["kernel"] == {"name": "python3", "language": "python"}
    assert lock["inputs"]["data/input.csv"]["cells"] == [1]
    assert lock["inputs"]["data/input.csv"]["stored"] is True
    assert lock["outputs"]["results.txt"]["cells"] == [2]
    assert lock["environment"]["imported"]["pyyaml"]  # `import yaml` is PyYAML
    assert lock["execution"]["clean_run"] and lock["execution"]["in_order"]
    assert "REPRO_TEST_SECRET" not in lock["environment"]["variables"]
    assert SECRET not in text
    assert SECRET not in "".join(p.read_text() for p in (server.root / ".repro").rglob("*.json"))


def test_resaving_unchanged_leaves_the_lock_byte_identical_and_the_notebook_untouched(
    server: RunningServer,
) -> None:
    kernel_id = start_session(server, NOTEBOOK)
    run_all(server, kernel_id, 2)
    save(server)
    lock_file = server.root / "analysis.repro.json"
    lock_bytes, lock_mtime = lock_file.read_bytes(), lock_file.stat().st_mtime_ns
    notebook_bytes = (server.root / NOTEBOOK).read_bytes()
    save(server)
    assert "lock unchanged" in outcomes(server)[-1]
    assert lock_file.read_bytes() == lock_bytes and lock_file.stat().st_mtime_ns == lock_mtime
    assert (server.root / NOTEBOOK).read_bytes() == notebook_bytes


def test_a_changed_input_rerun_in_a_fresh_kernel_changes_only_its_entry(
    server: RunningServer,
) -> None:
    kernel_id = start_session(server, NOTEBOOK)
    run_all(server, kernel_id, 2)
    save(server)
    before = json.loads((server.root / "analysis.repro.json").read_text())
    (server.root / "data" / "input.csv").write_text("a,b\n1,2\n3,4\n")
    restart_kernel(server, kernel_id)
    run_all(server, kernel_id, 4)
    save(server)
    after = json.loads((server.root / "analysis.repro.json").read_text())
    for lock in (before, after):  # this checkout may get new commits while the test runs
        lock["environment"]["editable"].pop("jupyter-repro", None)
    assert {k for k in before if before[k] != after[k]} == {"inputs"}, [
        (k, before[k], after[k]) for k in before if k != "inputs" and before[k] != after[k]
    ]
    assert after["inputs"]["data/input.csv"]["size"] == 12
    assert after["inputs"]["data/input.csv"]["hash"] != before["inputs"]["data/input.csv"]["hash"]


def test_a_failing_snapshot_does_not_fail_the_save_or_touch_the_notebook(
    server: RunningServer,
) -> None:
    (server.root / ".jupyter-repro.toml").write_text("no-such-setting = true\n")
    content = save(server)
    assert "failed" in outcomes(server)[-1] and "no-such-setting" in outcomes(server)[-1]
    assert not (server.root / "analysis.repro.json").exists()
    on_disk = nbformat.reads((server.root / NOTEBOOK).read_text(), as_version=4)
    assert on_disk == nbformat.reads(json.dumps(content), as_version=4)


def test_a_notebook_saved_without_a_kernel_gets_a_partial_lock_that_says_so(
    server: RunningServer,
) -> None:
    save(server)
    lock = json.loads((server.root / "analysis.repro.json").read_text())
    assert lock["inputs"] == {}
    assert any("no journal" in item for item in lock["execution"]["missing"])


def test_a_notebook_saved_after_its_kernel_was_shut_down_keeps_that_kernels_inputs(
    server: RunningServer,
) -> None:
    kernel_id = start_session(server, NOTEBOOK)
    run_all(server, kernel_id, 2)
    status, _ = server.request("DELETE", f"api/kernels/{kernel_id}")
    assert status == 204
    save(server)
    lock = json.loads((server.root / "analysis.repro.json").read_text())
    assert list(lock["inputs"]) == ["data/input.csv"]
    assert lock["execution"]["cells_run"] == 2


def test_a_save_that_keeps_the_lock_for_want_of_a_journal_is_no_failure(
    server: RunningServer,
) -> None:
    """A fresh clone, or a notebook saved before any cell ran: the lock is kept as it was,
    which is what it should be, not a failed save."""
    kernel_id = start_session(server, NOTEBOOK)
    run_all(server, kernel_id, 2)
    save(server)
    status, _ = server.request("DELETE", f"api/kernels/{kernel_id}")
    assert status == 204
    for journal in journal_dir(server.root).glob("*.jsonl"):
        journal.unlink()
    before = json.loads((server.root / "analysis.repro.json").read_text())
    save(server)
    assert "kept from the previous lock" in outcomes(server)[-1]
    after = json.loads((server.root / "analysis.repro.json").read_text())
    assert (after["inputs"], after["outputs"]) == (before["inputs"], before["outputs"])
    status, body = server.request("GET", f"jupyter-repro/status?path={NOTEBOOK}")
    assert status == 200 and body["save_error"] is None
