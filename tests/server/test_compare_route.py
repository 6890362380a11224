"""`GET /jupyter-repro/compare?path=&a=&b=`: two runs side by side, as `jupyter-repro compare`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.run_records import RUN_A, RUN_B, SLOPE_CELL, two_runs
from tests.support.servers import RunningServer

pytestmark = pytest.mark.server

NOTEBOOK = "air-quality/analysis.ipynb"
CLI = str(Path(sys.executable).with_name("jupyter-repro"))


def test_compare_answers_what_the_compare_command_prints(
    jupyter_server: RunningServer,
) -> None:
    project = jupyter_server.root / "air-quality"
    two_runs(project)
    status, body = jupyter_server.request(
        "GET", f"jupyter-repro/compare?path={NOTEBOOK}&a={RUN_A}&b=bbbbbb"
    )
    assert status == 200, body
    assert {(d["section"], d["name"]) for d in body["differences"]} == {
        ("run", "seed"),
        ("metrics", "slope"),
    }
    assert [c["cell"] for c in body["cells"] if c["status"] == "differs"] == [SLOPE_CELL]
    command = subprocess.run(
        [CLI, "compare", RUN_A, "bbbbbb", "--format", "json"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert command.returncode == 1, command.stderr  # the runs differ
    assert json.loads(command.stdout) == body


def test_compare_refuses_an_unknown_or_missing_run_id(jupyter_server: RunningServer) -> None:
    two_runs(jupyter_server.root / "air-quality")
    status, body = jupyter_server.request(
        "GET", f"jupyter-repro/compare?path={NOTEBOOK}&a={RUN_A}&b=cccccc"
    )
    assert status == 400 and "no run 'cccccc'" in body["message"]
    status, body = jupyter_server.request("GET", f"jupyter-repro/compare?path={NOTEBOOK}&a={RUN_A}")
    assert status == 400 and "two run ids" in body["message"]


def test_compare_needs_the_token_and_stays_under_the_server_root(
    jupyter_server: RunningServer,
) -> None:
    route = f"jupyter-repro/compare?path={NOTEBOOK}&a={RUN_A}&b={RUN_B}"
    status, _ = jupyter_server.request("GET", route, token=False)
    assert status == 403
    status, body = jupyter_server.request(
        "GET", f"jupyter-repro/compare?path=../outside.ipynb&a={RUN_A}&b={RUN_B}"
    )
    assert status == 403 and "outside the server root" in body["message"]
