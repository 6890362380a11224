"""Two run records of the example notebook whose executed notebooks differ in one cell."""

from __future__ import annotations

import json
from pathlib import Path

from jupyter_repro.core.runrecord import RunRecord
from jupyter_repro.io.runrecords import write_record

RUN_A = "20260101T000000000000-aaaaaa"
RUN_B = "20260102T000000000000-bbbbbb"
SLOPE_CELL = 7  # counting every cell from 0


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


def two_runs(project: Path) -> None:
    """Run a executed the example as it is; run b printed another slope."""
    notebook = json.loads((project / "analysis.ipynb").read_text())
    (project / "results").mkdir(exist_ok=True)
    (project / "results" / "run-a.ipynb").write_text(json.dumps(notebook))
    notebook["cells"][SLOPE_CELL]["outputs"][0]["text"] = "PM2.5 changes by -0.50 µg/m³ per °C\n"
    (project / "results" / "run-b.ipynb").write_text(json.dumps(notebook))
    write_record(project, _record(RUN_A, 1, "results/run-a.ipynb"))
    write_record(project, _record(RUN_B, 2, "results/run-b.ipynb"))
