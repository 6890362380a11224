"""One rerun process serving a Dask worker: requests in on stdin, results out, in turn.

Starting Python with papermill costs seconds (importing jsonschema alone does), so a worker
keeps one such subprocess and sends it each rerun as a JSON line; the kernels never start
inside the worker process, and one worker launches one kernel at a time.

    python -m jupyter_repro.integrations.rerun_service
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any

from jupyter_repro.integrations.papermill_run import RunRequest, run_reported


def request_json(request: RunRequest) -> dict[str, Any]:
    return {
        "source": str(request.source.resolve()),
        "output": None if request.output is None else str(request.output),
        "parameters": dict(request.parameters),
        "seed": request.seed,
        "timeout": request.timeout,
        "cell_timeout": request.cell_timeout,
        "kernel": request.kernel,
    }


def request_from_json(data: Mapping[str, Any]) -> RunRequest:
    output = data.get("output")
    return RunRequest(
        source=Path(data["source"]),
        output=None if output is None else Path(output),
        parameters=dict(data.get("parameters") or {}),
        seed=data.get("seed"),
        timeout=data.get("timeout"),
        cell_timeout=data.get("cell_timeout"),
        kernel=data.get("kernel"),
    )


def serve(requests: Iterable[str], answers: IO[str]) -> None:
    for line in requests:
        if line.strip():
            result = run_reported(request_from_json(json.loads(line)))
            answers.write(json.dumps(result.to_json()) + "\n")
            answers.flush()


def main() -> None:
    # jsonschema compiles some 35 lark grammars at import when `rfc3987_syntax` is installed,
    # to check URI formats no notebook validation uses (python-jsonschema/jsonschema#1428):
    # 4 s of this process's start on a busy machine. Without it jsonschema skips that check.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    # Answers get a descriptor of their own: whatever else writes to stdout goes to stderr.
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    serve(sys.stdin, answers)


if __name__ == "__main__":
    main()
