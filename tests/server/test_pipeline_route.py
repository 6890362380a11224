"""`GET /jupyter-repro/lineage?path=`: a notebook's upstream, downstream, files and runs."""

from __future__ import annotations

import pytest

from tests.support.pipeline_projects import Spec, write_locked
from tests.support.servers import RunningServer

pytestmark = pytest.mark.server

NOTEBOOK = "air-quality/analysis.ipynb"


def test_lineage_names_the_downstream_notebook_with_its_api_path(
    jupyter_server: RunningServer,
) -> None:
    project = jupyter_server.root / "air-quality"
    write_locked(
        project,
        Spec(
            "summary.ipynb",
            ["m = open('results/monthly_pm25.csv').read()"],
            reads=["results/monthly_pm25.csv"],
        ),
    )
    status, body = jupyter_server.request("GET", f"jupyter-repro/lineage?path={NOTEBOOK}")
    assert status == 200, body
    assert body["notebook"] == "analysis.ipynb"
    assert body["upstream"] == []
    assert body["downstream"] == [
        {
            "notebook": "summary.ipynb",
            "api_path": "air-quality/summary.ipynb",
            "state": body["downstream"][0]["state"],
            "files": ["results/monthly_pm25.csv"],
        }
    ]
    assert body["inputs"][0]["path"] == "data/measurements.csv"
    assert body["inputs"][0]["producer"] is None
    assert body["outputs"][0]["consumers"] == ["summary.ipynb"]
    assert body["state"] in ("fresh", "stale") and isinstance(body["runs"], list)


def test_lineage_needs_the_token_and_stays_under_the_server_root(
    jupyter_server: RunningServer,
) -> None:
    status, _ = jupyter_server.request("GET", f"jupyter-repro/lineage?path={NOTEBOOK}", token=False)
    assert status == 403
    status, body = jupyter_server.request("GET", "jupyter-repro/lineage?path=../outside.ipynb")
    assert status == 403 and "outside the server root" in body["message"]
