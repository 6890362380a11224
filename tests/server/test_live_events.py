"""What a real Jupyter server pushes to the Lab and does for every client's kernels."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import websocket  # websocket-client, a jupyter_server dependency

from jupyter_repro.server.events import SCHEMA_ID
from tests.support.servers import RunningServer, start_server

pytestmark = pytest.mark.server

NOTEBOOK = "air-quality/analysis.ipynb"
EVENT_TIMEOUT_S = 30
LOADED = "'jupyter_repro' in get_ipython().extension_manager.loaded"


@pytest.fixture
def events(jupyter_server: RunningServer) -> Iterator[websocket.WebSocket]:
    url = jupyter_server.url.replace("http://", "ws://") + "api/events/subscribe"
    socket = websocket.create_connection(
        url, header=[f"Authorization: token {jupyter_server.token}"], timeout=EVENT_TIMEOUT_S
    )
    yield socket
    socket.close()


def next_repro_event(socket: websocket.WebSocket, action: str) -> dict[str, Any]:
    """The next jupyter-repro event with this action (others on the bus are skipped)."""
    while True:
        event = json.loads(socket.recv())  # raises on timeout: the event never came
        if event.get("schema_id") == SCHEMA_ID and event.get("action") == action:
            return dict(event)


def test_a_save_pushes_the_snapshot_outcome(
    jupyter_server: RunningServer, events: websocket.WebSocket
) -> None:
    status, model = jupyter_server.request("GET", f"api/contents/{NOTEBOOK}")
    assert status == 200
    status, _ = jupyter_server.request(
        "PUT",
        f"api/contents/{NOTEBOOK}",
        {"type": "notebook", "format": "json", "content": model["content"]},
    )
    assert status == 200
    event = next_repro_event(events, "snapshot")
    assert event["path"] == NOTEBOOK
    assert event["status"] in ("written", "unchanged", "incomplete")  # not failed, not skipped


def test_an_input_changed_on_disk_is_pushed_for_the_notebook_that_read_it(
    jupyter_server: RunningServer, events: websocket.WebSocket
) -> None:
    status, answer = jupyter_server.request("POST", "jupyter-repro/status", {"path": NOTEBOOK})
    assert status == 200
    assert "data/measurements.csv" in [row["path"] for row in answer["inputs"]]
    data = jupyter_server.root / "air-quality" / "data" / "measurements.csv"
    with data.open("a") as stream:
        stream.write("2023-12-31,riverside,99.0,1.0,50.0\n")
    event = next_repro_event(events, "inputs-changed")
    assert event["path"] == NOTEBOOK
    assert event["files"] == ["data/measurements.csv"]


def test_a_verify_job_pushes_its_end(
    jupyter_server: RunningServer, events: websocket.WebSocket
) -> None:
    status, job = jupyter_server.request("POST", "jupyter-repro/verify", {"path": NOTEBOOK})
    assert status == 202
    events.settimeout(240)  # a rerun of the example in a fresh kernel
    while True:
        event = next_repro_event(events, "verify")
        assert (event["path"], event["job"]) == (NOTEBOOK, job["id"])
        if event["state"] != "running":
            break
    assert event["state"] == "done"


def test_cells_sent_once_are_not_needed_again_and_unknown_ones_are_asked_for(
    jupyter_server: RunningServer,
) -> None:
    cells = [{"id": "a", "cell_type": "code", "source": "x = 1", "execution_count": 1}]
    body = {"path": NOTEBOOK, "client": "tab-1", "cells": cells}
    assert jupyter_server.request("POST", "jupyter-repro/status", body)[0] == 200
    without_source = [{"id": "a", "cell_type": "code", "execution_count": 1}]
    status, answer = jupyter_server.request(
        "POST", "jupyter-repro/status", {**body, "cells": without_source}
    )
    assert status == 200 and answer["live"] is True
    status, answer = jupyter_server.request(
        "POST", "jupyter-repro/status", {**body, "client": "tab-2", "cells": without_source}
    )
    assert status == 409
    assert "send the cell sources again" in answer["message"]


def extension_loaded(server: RunningServer, runtime: Path, kernel_id: str) -> bool:
    from jupyter_client.blocking import BlockingKernelClient

    client = BlockingKernelClient()
    client.load_connection_file(str(runtime / f"kernel-{kernel_id}.json"))
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        reply = client.execute_interactive(
            "",
            silent=True,
            store_history=False,
            user_expressions={"loaded": LOADED},
            timeout=60,
            output_hook=lambda msg: None,
        )
    finally:
        client.stop_channels()
    return bool(reply["content"]["user_expressions"]["loaded"]["data"]["text/plain"] == "True")


def runtime_dir(server: RunningServer) -> Path:
    """Where the server writes its kernels' connection files (see tests/support/servers)."""
    return server.log_path.parent / "runtime"


def test_every_python_kernel_the_server_starts_loads_the_extension(
    jupyter_server: RunningServer,
) -> None:
    # a kernel asked for over REST, as Notebook 7, VS Code or any client would
    status, kernel = jupyter_server.request("POST", "api/kernels", {"name": "python3"})
    assert status == 201
    try:
        assert extension_loaded(jupyter_server, runtime_dir(jupyter_server), kernel["id"])
    finally:
        jupyter_server.request("DELETE", f"api/kernels/{kernel['id']}")


def test_the_server_option_leaves_kernels_alone(example_project: Path, tmp_path: Path) -> None:
    server = start_server(
        example_project, tmp_path / "jupyter", extra_args=("--JupyterRepro.track_kernels=False",)
    )
    try:
        status, kernel = server.request("POST", "api/kernels", {"name": "python3"})
        assert status == 201
        assert not extension_loaded(server, runtime_dir(server), kernel["id"])
        server.request("DELETE", f"api/kernels/{kernel['id']}")
    finally:
        server.stop()
