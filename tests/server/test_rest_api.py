"""The REST endpoint under /jupyter-repro/ of a real Jupyter server on 127.0.0.1."""

from __future__ import annotations

import pytest

from tests.support.servers import RunningServer

pytestmark = pytest.mark.server

NOTEBOOK = "air-quality/analysis.ipynb"


def test_status_without_the_token_is_refused(jupyter_server: RunningServer) -> None:
    status, _ = jupyter_server.request("GET", f"jupyter-repro/status?path={NOTEBOOK}", token=False)
    assert status == 403


def test_status_with_the_token_answers_for_the_notebook(jupyter_server: RunningServer) -> None:
    status, body = jupyter_server.request("GET", f"jupyter-repro/status?path={NOTEBOOK}")
    assert status == 200, body
    assert body["path"] == NOTEBOOK
    assert body["version"]


def test_status_refuses_paths_outside_the_server_root(jupyter_server: RunningServer) -> None:
    status, body = jupyter_server.request("GET", "jupyter-repro/status?path=../../etc/passwd")
    assert status == 403
    assert "outside" in body["message"]


def test_status_of_a_missing_notebook_is_a_json_404(jupyter_server: RunningServer) -> None:
    status, body = jupyter_server.request("GET", "jupyter-repro/status?path=nope.ipynb")
    assert status == 404
    assert "nope.ipynb" in body["message"]
