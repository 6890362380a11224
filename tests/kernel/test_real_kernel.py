"""A real ipykernel with the extension: the journal on disk, crash safety, the comm channel."""

from __future__ import annotations

import json
import os
import signal
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from jupyter_repro.io.journals import read_journal
from tests.kernel.conftest import journal_files

pytestmark = [pytest.mark.kernel, pytest.mark.slow]


def test_a_kernel_journals_every_cell_with_its_id_and_notebook(
    real_kernel_factory: Any, project: Path
) -> None:
    nb = project / "analysis.ipynb"
    nb.write_text("{}")
    (project / "in.csv").write_text("a\n1\n")
    kernel = real_kernel_factory({"JPY_SESSION_NAME": str(nb)})
    kernel.execute("import pandas as pd\ndf = pd.read_csv('in.csv')")
    kernel.execute("total = df['a'].sum()\ndf.to_csv('out.csv')")
    journal = kernel.runs_after(2)
    assert journal.header.notebook == "analysis.ipynb"
    assert journal.header.kernel_id == kernel.kernel_id
    assert journal.header.environment["kernel"]["runtime"] == "ipykernel"
    first, second = journal.runs
    assert "pandas" in first.imports
    assert [r.path for r in first.reads] == ["in.csv"]
    assert {"pd", "df"} <= set(first.defines) and "df" in second.uses
    assert [w.path for w in second.writes] == ["out.csv"]
    assert [r.execution_count for r in journal.runs] == [1, 2]


def test_killing_the_kernel_mid_notebook_leaves_a_valid_journal(
    real_kernel_factory: Any, project: Path
) -> None:
    kernel = real_kernel_factory()
    kernel.execute("x = 1")
    kernel.execute("y = x + 1")
    kernel.runs_after(2)
    looping = kernel.kc.execute(
        "import time\nprint('looping', flush=True)\nwhile True: time.sleep(0.1)"
    )
    _wait_for_stream(kernel.kc, looping, "looping")  # the third cell is running: kill it now
    process = kernel.km.provisioner.process
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)
    (path,) = journal_files(project)
    journal = read_journal(path)
    assert journal is not None
    assert [r.source for r in journal.runs] == ["x = 1", "y = x + 1"]
    assert journal.tracking_complete
    assert all(json.loads(line) for line in path.read_text().splitlines())


def _wait_for_stream(client: Any, msg_id: str, text: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msg = client.get_iopub_msg(timeout=max(deadline - time.monotonic(), 0.1))
        if (
            msg["parent_header"].get("msg_id") == msg_id
            and msg["msg_type"] == "stream"
            and text in msg["content"]["text"]
        ):
            return
    raise AssertionError(f"no {text!r} from the running cell")


def test_a_restarted_kernel_writes_a_new_journal(real_kernel_factory: Any, project: Path) -> None:
    kernel = real_kernel_factory()
    kernel.execute("x = 1")
    kernel.runs_after(1)
    kernel.km.restart_kernel(now=True)
    kernel.kc.wait_for_ready(timeout=60)
    kernel.execute("x = 2")
    deadline = time.monotonic() + 20
    while len(journal_files(project)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    files = journal_files(project)
    assert len(files) == 2
    headers = [read_journal(f).header for f in files]  # type: ignore[union-attr]
    assert len({h.pid for h in headers}) == 2
    assert {h.kernel_id for h in headers} == {kernel.kernel_id}


def _comm_messages(
    kernel: Any, comm_id: str, want: int, timeout: float = 20
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while len(found) < want and time.monotonic() < deadline:
        try:
            msg = kernel.kc.get_iopub_msg(timeout=0.5)
        except Exception:
            continue
        if msg["msg_type"] == "comm_msg" and msg["content"]["comm_id"] == comm_id:
            found.append(msg["content"]["data"])
    return found


def _send(kernel: Any, msg_type: str, content: dict[str, Any]) -> None:
    kernel.kc.shell_channel.send(kernel.kc.session.msg(msg_type, content))


def test_the_comm_says_hello_answers_state_and_pushes_finished_cells(
    real_kernel_factory: Any,
) -> None:
    kernel = real_kernel_factory()
    kernel.execute("a = 1")
    comm_id = uuid.uuid4().hex
    _send(kernel, "comm_open", {"comm_id": comm_id, "target_name": "jupyter_repro", "data": {}})
    (hello,) = _comm_messages(kernel, comm_id, 1)
    assert hello["event"] == "hello" and hello["journal"].endswith(".jsonl")

    cells = [{"id": "c1", "index": 0, "source": "a = 2"}, {"id": "c2", "index": 1, "source": "b"}]
    _send(
        kernel,
        "comm_msg",
        {"comm_id": comm_id, "data": {"action": "state", "cells": cells, "request_id": 7}},
    )
    (reply,) = _comm_messages(kernel, comm_id, 1)
    assert reply["event"] == "state" and reply["request_id"] == 7
    assert [e["execution_count"] for e in reply["state"]["order"]] == [1]
    assert reply["state"]["never_run"] == [0, 1]

    kernel.kc.execute("b = a + 1")
    (finished,) = _comm_messages(kernel, comm_id, 1)
    assert finished["event"] == "cell-finished"
    assert (finished["seq"], finished["execution_count"], finished["status"]) == (2, 2, "ok")
    (path,) = journal_files(kernel.cwd)
    journal = read_journal(path)  # the push comes once the line is on disk
    assert journal is not None and [r.seq for r in journal.runs] == [1, 2]

    _send(kernel, "comm_msg", {"comm_id": comm_id, "data": {"action": "dance"}})
    (error,) = _comm_messages(kernel, comm_id, 1)
    assert error["event"] == "error" and "dance" in error["message"]


def test_numpy_imported_by_a_cell_is_seeded_in_deterministic_mode(
    real_kernel_factory: Any,
) -> None:
    import numpy as np

    kernel = real_kernel_factory({"JUPYTER_REPRO_SEED": "3"})
    _, out = kernel.execute(
        "import numpy as np, random\nprint(repr(np.random.rand()), repr(random.random()))"
    )
    import random

    np.random.seed(3)
    random.seed(3)
    assert out.split() == [repr(np.random.rand()), repr(random.random())]
    assert kernel.runs_after(1).header.seed == 3


def test_a_papermill_run_journals_its_cells_under_the_notebook_it_names(project: Path) -> None:
    import nbformat
    import papermill

    from tests.kernel.conftest import env_without_repro

    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("alpha = 1", metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell("data = open('in.txt').read()"),
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Py"}
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, project / "run.ipynb")
    (project / "in.txt").write_text("input")
    environ = {**env_without_repro(), "JUPYTER_REPRO_NOTEBOOK": str(project / "run.ipynb")}
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(environ)  # papermill's kernel inherits this process's environment
    try:
        papermill.execute_notebook(
            str(project / "run.ipynb"),
            str(project / "out.ipynb"),
            parameters={"alpha": 2},
            cwd=str(project),
            kernel_name="python3",
            progress_bar=False,
            extra_arguments=["--ext=jupyter_repro"],
        )
    finally:
        os.environ.clear()
        os.environ.update(saved)
    (path,) = journal_files(project)
    journal = read_journal(path)
    assert journal is not None and journal.header.notebook == "run.ipynb"
    sources = [r.source for r in journal.runs]
    assert sources[0] == "alpha = 1" and "alpha = 2" in sources[1]
    assert [r.path for r in journal.runs[-1].reads] == ["in.txt"]
