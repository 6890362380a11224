"""Hostile requests to the REST API of a real server: each gets a 4xx with a message, never a
500 or a traceback, and nothing outside the project is read because a lock names it."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest

from jupyter_repro.core.journal import JournalHeader, encode_line
from tests.support.servers import RunningServer, start_server

pytestmark = pytest.mark.server
NOTEBOOK = "proj/nb.ipynb"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    base = tmp_path_factory.mktemp("hostile")
    project = base / "root" / "proj"
    project.mkdir(parents=True)
    (project / "pyproject.toml").write_text('[project]\nname = "p"\nversion = "0"\n')
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("x = 1")]
    notebook.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "P"}
    nbformat.write(notebook, project / "nb.ipynb")
    (base / "root" / "outside-secret.txt").write_text("top secret")
    running = start_server(base / "root", base / "jupyter")
    yield running
    running.stop()


@pytest.fixture
def project(server: RunningServer) -> Iterator[Path]:
    root = server.root / "proj"
    yield root
    for name in ("nb.repro.json", "pipe.csv"):
        (root / name).unlink(missing_ok=True)
    for folder in (root / ".repro" / "journal", root / ".repro" / "history"):
        for path in sorted(folder.rglob("*"), reverse=True) if folder.is_dir() else ():
            path.rmdir() if path.is_dir() else path.unlink()


def assert_client_error(status: int, body: Any, server: RunningServer) -> None:
    assert 400 <= status < 500, (status, body)
    assert isinstance(body, dict) and body.get("message"), body
    assert "Traceback" not in server.log()


@pytest.mark.parametrize(
    ("method", "route", "body"),
    [
        ("GET", "jupyter-repro/status?path=proj/nb%00.ipynb", None),
        ("POST", "jupyter-repro/snapshot", {"path": "proj/nb\x00.ipynb"}),
        ("POST", "jupyter-repro/restore", {"path": "proj/nb\x00.ipynb", "snapshot": "abcd"}),
        ("POST", "jupyter-repro/pair", {"path": "proj/nb\x00.ipynb"}),
        ("POST", "jupyter-repro/sync", {"path": "proj/nb\x00.ipynb"}),
        ("POST", "jupyter-repro/verify", {"path": "proj/nb\x00.ipynb"}),
        ("POST", "jupyter-repro/status", {"path": NOTEBOOK, "journal": "/x\x00y.jsonl"}),
    ],
)
def test_a_nul_byte_in_a_path_is_a_client_error(
    server: RunningServer, method: str, route: str, body: Any
) -> None:
    status, reply = server.request(method, route, body)
    if status == 200:  # a NUL in the kernel's journal name only drops that hint
        assert route == "jupyter-repro/status"
        return
    assert_client_error(status, reply, server)


def test_a_symlink_loop_named_as_a_notebook_is_a_client_error(
    server: RunningServer, project: Path
) -> None:
    loop_a, loop_b = project / "loop-a.ipynb", project / "loop-b.ipynb"
    loop_a.symlink_to(loop_b)
    loop_b.symlink_to(loop_a)
    try:
        for method, route, body in [
            ("GET", "jupyter-repro/status?path=proj/loop-a.ipynb", None),
            ("POST", "jupyter-repro/snapshot", {"path": "proj/loop-a.ipynb"}),
        ]:
            status, reply = server.request(method, route, body)
            assert_client_error(status, reply, server)
    finally:
        loop_a.unlink()
        loop_b.unlink()


def _raw(server: RunningServer, route: str, data: bytes) -> tuple[int, Any]:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(server.url + route, data=data, method="POST")
    request.add_header("Authorization", f"token {server.token}")
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        raw = error.read()
        return error.code, json.loads(raw) if raw.startswith(b"{") else raw


def test_a_deeply_nested_body_is_a_client_error(server: RunningServer) -> None:
    status, reply = _raw(server, "jupyter-repro/snapshot", b"[" * 200_000 + b"]" * 200_000)
    assert_client_error(status, reply, server)
    nested = b'{"path": "proj/nb.ipynb", "cells": ' + b"[" * 500 + b"]" * 500 + b"}"
    status, reply = _raw(server, "jupyter-repro/status", nested)
    assert_client_error(status, reply, server)


def test_an_oversized_body_is_refused_and_the_server_goes_on(server: RunningServer) -> None:
    huge = json.dumps({"path": NOTEBOOK, "pad": "a" * (40 << 20)}).encode()
    try:
        status, reply = _raw(server, "jupyter-repro/status", huge)
    except OSError:  # the server may close the connection once it has said 413
        status, reply = 413, {"message": "closed"}
    assert status == 413, reply
    assert server.request("GET", f"jupyter-repro/status?path={NOTEBOOK}")[0] == 200


def _history_entry(project: Path, lock: Any) -> str:
    folder = project / ".repro" / "history" / "nb.ipynb"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{time.time_ns():020d}-abcdef123456.json").write_text(json.dumps({"lock": lock}))
    return "abcdef123456"


@pytest.mark.parametrize("lock", [{"inputs": [1, 2]}, [1, 2, 3], {"lock_version": 1}, "x"])
def test_a_history_entry_of_the_wrong_shape_is_reported_not_a_500(
    server: RunningServer, project: Path, lock: Any
) -> None:
    ident = _history_entry(project, lock)
    status, reply = server.request("GET", f"jupyter-repro/history?path={NOTEBOOK}")
    assert status == 200 and "unreadable" in reply["snapshots"][0]["summary"]
    status, reply = server.request(
        "POST", "jupyter-repro/restore", {"path": NOTEBOOK, "snapshot": ident}
    )
    assert_client_error(status, reply, server)


def test_a_journal_line_of_the_wrong_shape_is_a_client_error(
    server: RunningServer, project: Path
) -> None:
    header = JournalHeader(
        kernel_id="k-bad", notebook="nb.ipynb", project_root=str(project), cwd="", started=1, pid=1
    )
    journal = project / ".repro" / "journal"
    journal.mkdir(parents=True, exist_ok=True)
    (journal / "k-bad-1-1.jsonl").write_text(encode_line(header) + "\n[1, 2, 3]\n")
    for method, route, body in [
        ("GET", f"jupyter-repro/status?path={NOTEBOOK}", None),
        ("POST", "jupyter-repro/status", {"path": NOTEBOOK, "kernel_id": "k-bad"}),
        ("POST", "jupyter-repro/snapshot", {"path": NOTEBOOK}),
    ]:
        status, reply = server.request(method, route, body)
        assert_client_error(status, reply, server)


def _lock_naming(server: RunningServer, project: Path, inputs: dict[str, int]) -> None:
    status, _ = server.request("POST", "jupyter-repro/snapshot", {"path": NOTEBOOK})
    assert status == 200
    lock = json.loads((project / "nb.repro.json").read_text())
    lock["inputs"] = {
        key: {"size": size, "hash": "blake3:" + "0" * 64, "cells": [0], "stored": False}
        for key, size in inputs.items()
    }
    (project / "nb.repro.json").write_text(json.dumps(lock))


def test_status_never_reads_files_outside_the_project_that_a_lock_names(
    server: RunningServer, project: Path
) -> None:
    outside = ["/etc/hostname", "../outside-secret.txt"]
    _lock_naming(server, project, dict.fromkeys(outside, 10))
    status, reply = server.request("GET", f"jupyter-repro/status?path={NOTEBOOK}")
    assert status == 200, reply
    rows = {row["path"]: row for row in reply["inputs"]}
    for key in outside:
        assert rows[key]["status"] == "outside"
        assert rows[key]["size_now"] is None and rows[key]["hash_now"] is None
        assert any(f["rule"] == "absolute-path" and key in f["message"] for f in reply["findings"])


def test_status_answers_when_a_lock_names_dev_zero_or_a_fifo(
    server: RunningServer, project: Path
) -> None:
    os.mkfifo(project / "pipe.csv")
    _lock_naming(server, project, {"/dev/zero": 0, "pipe.csv": 0})
    status, reply = server.request("GET", f"jupyter-repro/status?path={NOTEBOOK}")
    assert status == 200, reply
    assert {row["path"] for row in reply["inputs"]} == {"/dev/zero", "pipe.csv"}
