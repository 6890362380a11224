"""`jupyter-repro snapshot NB...`: write the lock and a history entry, as a save does."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from jupyter_repro.core.errors import BadInputError
from jupyter_repro.io.notebooks import read_notebook_json
from jupyter_repro.io.snapshot import SnapshotResult, notebook_for, take_snapshot

HELP = "write the lock and a history entry, as a save in JupyterLab does"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "notebooks", nargs="+", metavar="NB", help="notebooks (.ipynb) or paired scripts (.py)"
    )


def _record(result: SnapshotResult) -> dict[str, object]:
    return {
        "path": result.notebook,
        "lock": str(result.lock_file),
        "written": result.written,
        "snapshot": result.snapshot_id,
        "missing": list(result.missing),
    }


def _text(result: SnapshotResult) -> str:
    state = "written" if result.written else "unchanged"
    line = f"{result.notebook}: lock {state} ({result.lock_file.name})"
    if result.snapshot_id:
        line += f", snapshot {result.snapshot_id}"
    lines = [line, *(f"  lacks: {item}" for item in result.missing)]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    # Validate every path first so a bad one leaves nothing half-done.
    paths = [Path(p) for p in args.notebooks]
    for path in paths:
        notebook = notebook_for(path)
        if notebook.suffix == ".ipynb":
            read_notebook_json(notebook)
        elif not notebook.is_file():
            raise BadInputError.unreadable(path, "no such file")
    results = [take_snapshot(path, source="snapshot") for path in paths]
    if args.format == "json":
        sys.stdout.write(json.dumps({"notebooks": [_record(r) for r in results]}, indent=2) + "\n")
    else:
        sys.stdout.write("".join(_text(r) for r in results))
    return 0
