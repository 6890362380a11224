"""`GET /jupyter-repro/compare?path=&a=&b=`: two runs side by side, as `jupyter-repro compare`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from jupyter_repro.core.runrecord import RunRecord
from jupyter_repro.io.runrecords import write_record
from tests.support.servers import RunningServer

pytestmark = pytest.mark.server

NOTEBOOK = "air-quality/analysis.ipynb"
RUN_A = "20260101T000000000000-aaaaaa"
RUN_B = "20260102T000000000000-bbbbbb"
CLI = str(Path(sys.executable).with_name("jupyter-repro"))


def _record(ident: str, seed: int, executed: str) -> RunRecord:
    return RunRecord(
        id=ident,
        notebook="analysis.ipynb",
        command="run",
        verdict="ok",
        started=f"{ident[:4]}-01-0{ident[7]}T00:00:00+00:00",
        seconds=1.5,
        git_commit=None,
        parameters={},
        seed=seed,
        inputs={"data/measurements.csv": "blake3:00"},
        outputs={},
        environment_hash="blake3:11",
        metrics={"slope": -0.81 if seed == 1 else -0.5},
        executed=executed,
    )


def _two_runs(project: Path) -> None:
    """Run a executed the example as it is; run b printed another slope in cell 8."""
    notebook = json.loads((project / "analysis.ipynb").read_text())
    (project / "results").mkdir(exist_ok=True)
    (project / "results" / "run-a.ipynb").write_text(json.dumps(notebook))
    notebook["cells"][7]["outputs"][0]["text"] = "PM2.5 changes by -0.50 µg/m³ per °C\n"
    (project / "results" / "run-b.ipynb").write_text(json.dumps(notebook))
    write_record(project, _record(RUN_A, 1, "results/run-a.ipynb"))
    write_record(project, _record(RUN_B, 2, "results/run-b.ipynb"))


def test_compare_answers_what_the_compare_command_prints(
    jupyter_server: RunningServer,
) -> None:
    project = jupyter_server.root / "air-quality"
    _two_runs(project)
    status, body = jupyter_server.request(
        "GET", f"jupyter-repro/compare?path={NOTEBOOK}&a={RUN_A}&b=bbbbbb"
    )
    assert status == 200, body
    assert {(d["section"], d["name"]) for d in body["differences"]} == {
        ("run", "seed"),
        ("metrics", "slope"),
    }
    assert [c["cell"] for c in body["cells"] if c["status"] == "differs"] == [7]
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
    _two_runs(jupyter_server.root / "air-quality")
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
