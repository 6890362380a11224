"""Renames in the Lab carry the lock and history along; pairing keeps a notebook's trust."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.servers import RunningServer, start_server

pytestmark = pytest.mark.server

FOLLOW_DEADLINE_S = 30.0


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The server's Jupyter data folder: where its notary keeps the trusted signatures."""
    return tmp_path_factory.mktemp("jupyter-data")


@pytest.fixture(scope="module")
def module_server(
    tmp_path_factory: pytest.TempPathFactory, data_dir: Path
) -> Iterator[RunningServer]:
    """This module's server, with a data folder of its own (not the user's signatures)."""
    saved = os.environ.get("JUPYTER_DATA_DIR")
    os.environ["JUPYTER_DATA_DIR"] = str(data_dir)
    try:
        server = start_server(tmp_path_factory.mktemp("served"), tmp_path_factory.mktemp("jupyter"))
    finally:
        if saved is None:
            del os.environ["JUPYTER_DATA_DIR"]
        else:
            os.environ["JUPYTER_DATA_DIR"] = saved
    yield server
    server.stop()


def _wait_for(path: Path) -> None:
    """The rename is followed by an event listener after the REST answer: wait for it."""
    deadline = time.monotonic() + FOLLOW_DEADLINE_S
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.1)


def test_a_notebook_renamed_through_the_server_keeps_its_lock_and_history(
    jupyter_server: RunningServer,
) -> None:
    from jupyter_repro.io.renamelog import read_renames
    from jupyter_repro.io.store import Store

    folder = jupyter_server.root / "air-quality"
    status, body = jupyter_server.request(
        "POST", "jupyter-repro/snapshot", {"path": "air-quality/analysis.ipynb"}
    )
    assert status == 200, body
    assert Store(folder).entries("analysis.ipynb")
    status, body = jupyter_server.request(
        "PATCH", "api/contents/air-quality/analysis.ipynb", {"path": "air-quality/renamed.ipynb"}
    )
    assert status == 200, body
    _wait_for(folder / "renamed.repro.json")
    lock = json.loads((folder / "renamed.repro.json").read_text())
    assert not (folder / "analysis.repro.json").exists()
    assert lock["notebook"] == "renamed.ipynb"
    assert lock["code"]["script"]["path"] == "renamed.py"
    assert (folder / "renamed.py").is_file() and not (folder / "analysis.py").exists()
    assert Store(folder).entries("renamed.ipynb") and not Store(folder).entries("analysis.ipynb")
    renames = read_renames(folder)  # the running kernel's journals follow the notebook
    assert [(r.old, r.new) for r in renames] == [("analysis.ipynb", "renamed.ipynb")]
    status, body = jupyter_server.request(
        "GET", "jupyter-repro/status?path=air-quality/renamed.ipynb"
    )
    assert status == 200
    assert not {"no-lock", "unpaired"} & {f["rule"] for f in body["findings"]}


def _wait_until(done: Callable[[], bool]) -> None:
    deadline = time.monotonic() + FOLLOW_DEADLINE_S
    while not done() and time.monotonic() < deadline:
        time.sleep(0.1)


def test_a_folder_renamed_through_the_server_keeps_its_notebooks_locks_and_history(
    jupyter_server: RunningServer,
) -> None:
    from jupyter_repro.io.store import Store

    folder = jupyter_server.root / "air-quality"
    (folder / "drafts").mkdir()
    status, body = jupyter_server.request(
        "POST", "jupyter-repro/snapshot", {"path": "air-quality/analysis.ipynb"}
    )
    assert status == 200, body
    status, body = jupyter_server.request(
        "PATCH",
        "api/contents/air-quality/analysis.ipynb",
        {"path": "air-quality/drafts/analysis.ipynb"},
    )
    assert status == 200, body
    _wait_for(folder / "drafts" / "analysis.repro.json")
    status, body = jupyter_server.request(
        "PATCH", "api/contents/air-quality/drafts", {"path": "air-quality/reports"}
    )
    assert status == 200, body
    lock_file = folder / "reports" / "analysis.repro.json"

    def lock_notebook() -> str:
        return str(json.loads(lock_file.read_text())["notebook"])

    _wait_until(lambda: lock_notebook() == "reports/analysis.ipynb")
    assert lock_notebook() == "reports/analysis.ipynb"
    assert json.loads(lock_file.read_text())["code"]["script"]["path"] == "reports/analysis.py"
    assert Store(folder).entries("reports/analysis.ipynb")
    status, body = jupyter_server.request(
        "GET", "jupyter-repro/status?path=air-quality/reports/analysis.ipynb"
    )
    assert status == 200
    assert not {"no-lock", "unpaired"} & {f["rule"] for f in body["findings"]}


def test_pairing_from_the_lab_keeps_the_notebook_trusted(
    jupyter_server: RunningServer, data_dir: Path
) -> None:
    import nbformat
    from nbformat.sign import NotebookNotary

    notary = NotebookNotary(data_dir=str(data_dir))
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("from IPython.display import HTML\nHTML('<b>x</b>')")]
    )
    notebook.cells[0].outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": "<b>x</b>"})
    ]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "P", "language": "python"}
    path = jupyter_server.root / "air-quality" / "trusted.ipynb"
    notary.sign(notebook)
    nbformat.write(notebook, path)
    status, body = jupyter_server.request(
        "POST", "jupyter-repro/pair", {"path": "air-quality/trusted.ipynb"}
    )
    assert status == 200, body
    paired = nbformat.read(path, 4)
    assert paired.metadata["jupytext"]["formats"] == "ipynb,py:percent"  # it was rewritten
    assert notary.check_signature(paired)
