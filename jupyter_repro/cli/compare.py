"""`jupyter-repro compare RUN_A RUN_B`: two runs side by side, and what differs."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HELP = "two runs side by side: parameters, inputs, environment, metrics, outputs"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run_a", metavar="RUN_A", help="a run id (or its first characters)")
    parser.add_argument("run_b", metavar="RUN_B", help="another run id")
    parser.add_argument(
        "--project", type=Path, default=None, metavar="DIR", help="default: the current folder"
    )
    parser.add_argument(
        "--report", type=Path, default=None, metavar="HTML", help="write an HTML report (nbconvert)"
    )


def _short(value: Any) -> str:
    text = "-" if value is None else str(value)
    return text.removeprefix("blake3:")[:12] if text.startswith("blake3:") else text


def run(args: argparse.Namespace) -> int:
    from jupyter_repro.core.compare import Verification, verdict_of
    from jupyter_repro.io.pipeline import project_root_of
    from jupyter_repro.io.runcompare import compare_runs

    root = project_root_of([args.project or Path.cwd()])
    comparison = compare_runs(root, args.run_a, args.run_b)
    a, b, differences = comparison.a, comparison.b, comparison.differences
    left, right, cells = comparison.left, comparison.right, comparison.cells or []
    differing = comparison.differing_cells
    if args.report is not None and left is not None and right is not None:
        from jupyter_repro.integrations.report import write_report

        verification = Verification(f"{a.id} vs {b.id}", verdict_of(cells, False), tuple(cells))
        write_report(args.report, verification, left, right, comparison.normalizers)
    if args.format == "json":
        sys.stdout.write(json.dumps(comparison.to_json(), indent=2) + "\n")
        return 0 if comparison.same else 1
    sys.stdout.write(f"a: {a.id}  {a.notebook}  {a.command} {a.verdict}\n")
    sys.stdout.write(f"b: {b.id}  {b.notebook}  {b.command} {b.verdict}\n")
    width = max([len(d.name) for d in differences] + [4])
    section = None
    for d in differences:
        if d.section != section:
            section = d.section
            sys.stdout.write(f"{section}:\n")
        sys.stdout.write(f"  {d.name:{width}}  {_short(d.left):>14}  {_short(d.right):>14}\n")
    if left is None or right is None:
        sys.stdout.write("outputs: not compared (an executed notebook is gone)\n")
    for c in differing:
        sys.stdout.write(f"cell {c.cell + 1}: {c.status}\n")
        if c.diff:  # the shared differ says recorded/rerun: here they are run a and run b
            diff = c.diff.replace("--- recorded", "--- a", 1).replace("+++ rerun", "+++ b", 1)
            sys.stdout.write("".join(f"    {line}\n" for line in diff.splitlines()))
    if not differences and not differing:
        sys.stdout.write("the two runs are the same\n")
    if args.report is not None and left is not None and right is not None:
        sys.stdout.write(f"report: {args.report}\n")
    return 0 if not differences and not differing else 1
