"""Run cells in a kernel of a real Jupyter server, through its REST and websocket APIs.

This is what JupyterLab does: create a session for the notebook (the server starts the
kernel), then send `execute_request` messages with the cell's id on the kernel channel.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from tests.support.servers import RunningServer

EXECUTE_TIMEOUT_S = 60.0


def start_session(server: RunningServer, path: str) -> str:
    """A notebook session with a fresh python3 kernel; returns the kernel id."""
    status, body = server.request(
        "POST",
        "api/sessions",
        {"path": path, "name": path, "type": "notebook", "kernel": {"name": "python3"}},
    )
    assert status == 201, body
    return str(body["kernel"]["id"])


def restart_kernel(server: RunningServer, kernel_id: str) -> None:
    status, body = server.request("POST", f"api/kernels/{kernel_id}/restart")
    assert status == 200, body


def _message(session: str, code: str, cell_id: str | None, silent: bool) -> dict[str, Any]:
    return {
        "header": {
            "msg_id": uuid.uuid4().hex,
            "username": "test",
            "session": session,
            "msg_type": "execute_request",
            "version": "5.3",
            "date": datetime.now(UTC).isoformat(),
        },
        "parent_header": {},
        "metadata": {"cellId": cell_id} if cell_id else {},
        "content": {
            "code": code,
            "silent": silent,
            "store_history": not silent,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": True,
        },
        "channel": "shell",
        "buffers": [],
    }


async def _execute(
    server: RunningServer, kernel_id: str, cells: Sequence[tuple[str | None, str]], silent: bool
) -> list[str]:
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    session = uuid.uuid4().hex
    url = server.url.replace("http", "ws", 1) + f"api/kernels/{kernel_id}/channels"
    request = HTTPRequest(
        f"{url}?session_id={session}", headers={"Authorization": f"token {server.token}"}
    )
    connection = await websocket_connect(request)
    statuses = []
    try:
        for cell_id, code in cells:
            message = _message(session, code, cell_id, silent)
            await connection.write_message(json.dumps(message))
            reply_status = None
            idle = False
            while reply_status is None or not idle:
                raw = await asyncio.wait_for(connection.read_message(), EXECUTE_TIMEOUT_S)
                assert raw is not None, "kernel channel closed"
                data = json.loads(raw)
                if data.get("parent_header", {}).get("msg_id") != message["header"]["msg_id"]:
                    continue
                kind = data["header"]["msg_type"]
                if kind == "execute_reply":
                    reply_status = data["content"]["status"]
                    if reply_status == "error":
                        raise AssertionError(f"cell failed: {data['content'].get('evalue')}")
                elif kind == "status" and data["content"]["execution_state"] == "idle":
                    idle = True
            statuses.append(reply_status)
    finally:
        connection.close()
    return statuses


def execute(
    server: RunningServer,
    kernel_id: str,
    cells: Sequence[tuple[str | None, str]],
    silent: bool = False,
) -> list[str]:
    """Run (cell id, code) pairs one after the other; raises if one fails.

    The websocket client gets an event loop of its own in a thread: the session's browser
    tests (Playwright's sync API) leave a loop running in the main thread.
    """
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _execute(server, kernel_id, cells, silent)).result()


def run_notebook_cells(server: RunningServer, kernel_id: str, notebook: dict[str, Any]) -> None:
    """Load the kernel extension as the frontend does, then run every code cell in order."""
    execute(server, kernel_id, [(None, "%load_ext jupyter_repro")], silent=True)
    cells = [
        (c["id"], "".join(c["source"]) if isinstance(c["source"], list) else c["source"])
        for c in notebook["cells"]
        if c["cell_type"] == "code"
    ]
    execute(server, kernel_id, cells)
