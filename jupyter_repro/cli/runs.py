"""`jupyter-repro runs [NB]`: the run records of a project, or of one notebook, oldest first."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HELP = "list run records"
MAX_METRICS = 4


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "notebook", nargs="?", type=Path, default=None, metavar="NB", help="only this notebook"
    )


def _metrics(metrics: dict[str, float | int]) -> str:
    shown = [f"{k}={v:g}" for k, v in list(metrics.items())[:MAX_METRICS]]
    more = len(metrics) - MAX_METRICS
    return " ".join(shown) + (f" (+{more})" if more > 0 else "")


def run(args: argparse.Namespace) -> int:
    from jupyter_repro.io.pipeline import project_root_of
    from jupyter_repro.io.project import relative_to_root
    from jupyter_repro.io.runrecords import read_records

    root = project_root_of([args.notebook or Path.cwd()])
    relpath = relative_to_root(args.notebook.absolute(), root) if args.notebook else None
    records = read_records(root, relpath)
    if args.format == "json":
        payload = {"root": str(root), "runs": [r.to_json() for r in records]}
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
        return 0
    if not records:
        sys.stdout.write("no runs recorded yet (run, verify or repro write them)\n")
    for r in records:
        line = f"{r.id}  {r.command:6}  {r.verdict:9}  {r.seconds:6.1f} s  {r.notebook}"
        if r.metrics:
            line += "  " + _metrics(dict(r.metrics))
        sys.stdout.write(line + "\n")
    return 0
