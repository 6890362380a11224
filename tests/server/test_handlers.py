"""The REST API under /jupyter-repro/ of a real Jupyter server, as the labextension uses it."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from jupyter_repro.core.journal import CellRun, FileAccess, JournalHeader, encode_line
from jupyter_repro.io.hashing import hash_file
from tests.support.servers import RunningServer

pytestmark = pytest.mark.server

NOTEBOOK = "air-quality/analysis.ipynb"  # API paths are relative to the server root
PROJECT = "air-quality"  # the example is a project of its own (pyproject.toml, lock, pair)
DATA = "data/measurements.csv"  # lock and journal paths are relative to the project root
ROUTES = [
    ("GET", f"jupyter-repro/status?path={NOTEBOOK}", None),
    ("POST", "jupyter-repro/status", {"path": NOTEBOOK}),
    ("GET", f"jupyter-repro/lock?path={NOTEBOOK}", None),
    ("GET", f"jupyter-repro/history?path={NOTEBOOK}", None),
    ("POST", "jupyter-repro/snapshot", {"path": NOTEBOOK}),
    ("POST", "jupyter-repro/restore", {"path": NOTEBOOK, "snapshot": "abcd"}),
    ("POST", "jupyter-repro/pair", {"path": NOTEBOOK}),
    ("POST", "jupyter-repro/sync", {"path": NOTEBOOK}),
    ("POST", "jupyter-repro/verify", {"path": NOTEBOOK}),
    ("GET", "jupyter-repro/verify/0123abcd", None),
]


def code(source: str, count: int | None, cell_id: str) -> dict[str, Any]:
    return {
        "id": cell_id,
        "cell_type": "code",
        "source": source,
        "execution_count": count,
        "tags": [],
    }


def write_journal(
    root: Path, kernel_id: str, reads: tuple[FileAccess, ...], unattributed: tuple[str, ...] = ()
) -> None:
    """A journal as the kernel extension leaves it: one run of the cell that reads the data."""
    notebook = json.loads((root / NOTEBOOK).read_text())
    source = "".join(notebook["cells"][3]["source"])
    project = root / PROJECT
    header = JournalHeader(
        kernel_id=kernel_id,
        notebook="analysis.ipynb",
        project_root=str(project),
        cwd=str(project),
        started=time.time(),
        pid=1,
    )
    run = CellRun(
        seq=1,
        execution_count=3,
        cell_id=notebook["cells"][3].get("id"),
        source_hash="blake3:0",
        source=source,
        started=time.time(),
        duration=0.1,
        status="ok",
        defines=("raw",),
        uses=("pd",),
        reads=reads,
        unattributed=unattributed,
    )
    folder = project / ".repro" / "journal"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{kernel_id}-1-1.jsonl").write_text(
        encode_line(header) + "\n" + encode_line(run) + "\n"
    )


def data_read(root: Path) -> FileAccess:
    path = root / PROJECT / DATA
    return FileAccess(DATA, "read", path.stat().st_size, path.stat().st_mtime, hash_file(path))


def test_every_route_refuses_requests_without_the_token(jupyter_server: RunningServer) -> None:
    for method, path, body in ROUTES:
        status, _ = jupyter_server.request(method, path, body, token=False)
        assert status == 403, (method, path)


def test_paths_outside_the_server_root_are_refused_as_json(
    jupyter_server: RunningServer,
) -> None:
    for method, path, body in [
        ("GET", "jupyter-repro/history?path=../outside.ipynb", None),
        ("POST", "jupyter-repro/status", {"path": "../../etc/passwd"}),
        (
            "POST",
            "jupyter-repro/restore",
            {"path": "air-quality/../../../etc/passwd", "snapshot": "abcd"},
        ),
        ("POST", "jupyter-repro/verify", {"path": "air-quality/../../x.ipynb"}),
    ]:
        status, answer = jupyter_server.request(method, path, body)
        assert status == 403, (method, path)
        assert "outside the server root" in answer["message"]
    # an absolute-looking API path is still a path under the server root
    status, answer = jupyter_server.request("POST", "jupyter-repro/pair", {"path": "/etc/passwd"})
    assert status == 404
    assert not (jupyter_server.root / "etc").exists()


def test_the_status_of_the_cells_in_the_browser_names_rule_and_cell(
    jupyter_server: RunningServer,
) -> None:
    cells = [
        {"id": "m", "cell_type": "markdown", "source": "# title", "execution_count": None},
        code("print(total)", 2, "a"),
        code("total = 1", 1, "b"),
    ]
    status, body = jupyter_server.request(
        "POST", "jupyter-repro/status", {"path": NOTEBOOK, "cells": cells}
    )
    assert status == 200, body
    assert body["live"] is True
    found = {(f["rule"], f["cell"]) for f in body["findings"]}
    assert ("out-of-order", 2) in found
    assert ("hidden-state", 1) in found
    hidden = next(f for f in body["findings"] if f["rule"] == "hidden-state")
    assert "`total`" in hidden["message"]
    assert hidden["hint"]


def test_the_saved_example_is_locked_paired_and_clean(jupyter_server: RunningServer) -> None:
    status, body = jupyter_server.request("GET", f"jupyter-repro/status?path={NOTEBOOK}")
    assert status == 200, body
    assert body["findings"] == []
    assert body["locked"] is True
    assert body["notebook"] == "analysis.ipynb"
    assert body["pair"]["path"] == "analysis.py"
    assert body["pair"]["in_sync"] is True
    assert body["enforce"] == "warn"
    assert body["journal"] is None
    assert [row["path"] for row in body["inputs"]] == [DATA]
    assert body["inputs"][0]["status"] == "ok"


def test_the_journal_the_kernel_names_is_the_one_read(jupyter_server: RunningServer) -> None:
    root = jupyter_server.root
    write_journal(root, "kernel-1", (data_read(root),))
    journal_folder = root / PROJECT / ".repro" / "journal"
    ask = {"path": NOTEBOOK, "kernel_id": "kernel-1"}
    _, body = jupyter_server.request("POST", "jupyter-repro/status", ask)
    assert body["journal"]["runs"] == 1
    # a restarted kernel names a journal it has not written yet: no runs, not the old ones
    fresh = str(journal_folder / "kernel-1-2-2.jsonl")
    _, body = jupyter_server.request("POST", "jupyter-repro/status", {**ask, "journal": fresh})
    assert body["journal"]["runs"] == 0
    # a named file outside the project's journal folder is never read
    _, body = jupyter_server.request(
        "POST", "jupyter-repro/status", {**ask, "journal": "/etc/passwd"}
    )
    assert body["journal"]["runs"] == 1


def test_a_run_that_could_not_attribute_a_read_makes_tracking_incomplete(
    jupyter_server: RunningServer,
) -> None:
    """The status says what the lock will say: a child process's or a late thread's reads."""
    note = "data/extra.csv was opened between cells by a thread an earlier cell started"
    write_journal(jupyter_server.root, "kernel-1", (data_read(jupyter_server.root),), (note,))
    ask = {"path": NOTEBOOK, "kernel_id": "kernel-1"}
    _, body = jupyter_server.request("POST", "jupyter-repro/status", ask)
    assert body["journal"]["complete"] is False
    assert body["journal"]["incomplete"] == [note]
    assert body["tracking_complete"] is False


def test_bad_requests_get_a_json_message(jupyter_server: RunningServer) -> None:
    status, body = jupyter_server.request(
        "POST", "jupyter-repro/status", {"path": NOTEBOOK, "cells": "nope"}
    )
    assert status == 400
    assert "cells" in body["message"]
    status, body = jupyter_server.request("POST", "jupyter-repro/restore", {"path": NOTEBOOK})
    assert status == 400
    assert "snapshot" in body["message"]
    status, body = jupyter_server.request("GET", "jupyter-repro/verify/0123abcd")
    assert status == 404
    assert "0123abcd" in body["message"]


def test_snapshot_history_changed_input_and_restore(jupyter_server: RunningServer) -> None:
    root = jupyter_server.root
    write_journal(root, "kernel-1", (data_read(root),))
    data = root / PROJECT / DATA
    original = data.read_bytes()

    status, body = jupyter_server.request(
        "POST", "jupyter-repro/snapshot", {"path": NOTEBOOK, "kernel_id": "kernel-1"}
    )
    assert status == 200, body
    snapshot = body["snapshot"]
    assert snapshot
    assert json.loads((root / PROJECT / "analysis.repro.json").read_text())["inputs"][DATA][
        "stored"
    ]

    status, body = jupyter_server.request("GET", f"jupyter-repro/history?path={NOTEBOOK}")
    assert status == 200, body
    assert [row["id"] for row in body["snapshots"]] == [snapshot]
    assert body["snapshots"][0]["inputs"] == 1

    status, body = jupyter_server.request("GET", f"jupyter-repro/lock?path={NOTEBOOK}")
    assert DATA in body["lock"]["inputs"]

    data.write_bytes(original + b"2024-01-01,riverside,1.0,1.0,1.0\n")
    status, body = jupyter_server.request(
        "POST", "jupyter-repro/status", {"path": NOTEBOOK, "kernel_id": "kernel-1"}
    )
    row = next(r for r in body["inputs"] if r["path"] == DATA)
    assert row["status"] == "changed"
    assert row["locked"] is True
    assert row["cells"] == [3]
    assert "input-changed" in {f["rule"] for f in body["findings"]}

    status, body = jupyter_server.request(
        "POST", "jupyter-repro/restore", {"path": NOTEBOOK, "snapshot": snapshot}
    )
    assert status == 200, body
    assert [f["path"] for f in body["files"]] == [DATA]
    assert data.read_bytes() == original
    status, body = jupyter_server.request(
        "POST", "jupyter-repro/status", {"path": NOTEBOOK, "kernel_id": "kernel-1"}
    )
    assert next(r for r in body["inputs"] if r["path"] == DATA)["status"] == "ok"


def test_restoring_an_unknown_snapshot_writes_nothing_and_says_why(
    jupyter_server: RunningServer,
) -> None:
    status, body = jupyter_server.request(
        "POST", "jupyter-repro/restore", {"path": NOTEBOOK, "snapshot": "abcdef"}
    )
    assert status == 409
    assert "no snapshot abcdef" in body["message"]


def test_pair_then_the_status_sees_the_script_in_sync_until_it_is_edited(
    jupyter_server: RunningServer,
) -> None:
    script = jupyter_server.root / PROJECT / "analysis.py"
    script.unlink()
    status, body = jupyter_server.request("GET", f"jupyter-repro/status?path={NOTEBOOK}")
    assert body["pair"]["in_sync"] is None
    status, body = jupyter_server.request("POST", "jupyter-repro/pair", {"path": NOTEBOOK})
    assert status == 200, body
    assert body["script"] == "analysis.py"
    assert script.is_file()
    status, body = jupyter_server.request("GET", f"jupyter-repro/status?path={NOTEBOOK}")
    assert body["pair"]["path"] == "analysis.py"
    assert body["pair"]["in_sync"] is True

    script.write_text(script.read_text().replace("threshold_pm25 = 25.0", "threshold_pm25 = 35.0"))
    status, body = jupyter_server.request("GET", f"jupyter-repro/status?path={NOTEBOOK}")
    assert body["pair"]["in_sync"] is False
    assert "pair-out-of-sync" in {f["rule"] for f in body["findings"]}

    status, body = jupyter_server.request("POST", "jupyter-repro/sync", {"path": NOTEBOOK})
    assert status == 200, body
    assert body["action"] == "script-to-notebook"
    saved = json.loads((jupyter_server.root / NOTEBOOK).read_text())
    assert "threshold_pm25 = 35.0" in "".join(saved["cells"][2]["source"])


@pytest.mark.slow
def test_verify_runs_as_a_background_job_and_ends_with_a_verdict(
    jupyter_server: RunningServer,
) -> None:
    status, job = jupyter_server.request("POST", "jupyter-repro/verify", {"path": NOTEBOOK})
    assert status == 202, job
    assert job["state"] == "running"  # the reply does not wait for the rerun
    # the server stays responsive meanwhile
    status, _ = jupyter_server.request("GET", f"jupyter-repro/status?path={NOTEBOOK}")
    assert status == 200
    status, again = jupyter_server.request("POST", "jupyter-repro/verify", {"path": NOTEBOOK})
    assert again["id"] == job["id"]  # one verify per notebook at a time

    deadline = time.monotonic() + 240
    while job["state"] == "running":
        assert time.monotonic() < deadline, job
        time.sleep(0.5)
        status, job = jupyter_server.request("GET", f"jupyter-repro/verify/{job['id']}")
        assert status == 200
    assert job["state"] == "done", job
    assert job["result"]["verdict"] in ("reproduced", "not-reproduced")
    assert {c["cell"] for c in job["result"]["cells"]} >= {1, 2, 3}
    status, latest = jupyter_server.request("GET", f"jupyter-repro/verify?path={NOTEBOOK}")
    assert latest["id"] == job["id"]
