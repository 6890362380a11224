"""`jupyter-repro sync NB`: bring a notebook and its paired script in line, by content."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HELP = "bring a notebook and its paired script in line, by content"

_DONE = {
    "in-sync": "already in sync",
    "notebook-to-script": "notebook -> script",
    "script-to-notebook": "script -> notebook (outputs kept)",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="NB_OR_SCRIPT", type=Path)
    parser.add_argument(
        "--use",
        choices=("notebook", "script"),
        default=None,
        help="resolve a conflict: keep this side and overwrite the other",
    )


def _conflict_text(result: Any) -> str:
    lines = [
        f"{result.notebook} and {result.script} both changed since the last sync; "
        "conflicting cells:"
    ]
    for cell, in_notebook, in_script in result.conflicts:
        lines.append(f"  cell {cell + 1}:")  # people count cells from 1
        lines += [f"    notebook: {line}" for line in in_notebook.splitlines() or ["(none)"]]
        lines += [f"    script:   {line}" for line in in_script.splitlines() or ["(none)"]]
    lines.append("  keep one side with: jupyter-repro sync --use notebook|script")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from jupyter_repro.integrations.pairing import sync
    from jupyter_repro.io.config import load_config
    from jupyter_repro.io.project import find_project_root

    results = [
        sync(path, load_config(find_project_root(path)).paired_format, use=args.use)
        for path in args.paths
    ]
    if args.format == "json":
        sys.stdout.write(
            json.dumps(
                {
                    "pairs": [
                        {
                            "notebook": str(r.notebook),
                            "script": str(r.script),
                            "action": r.action,
                            "conflicts": [
                                {"cell": c, "notebook": n, "script": s} for c, n, s in r.conflicts
                            ],
                        }
                        for r in results
                    ]
                },
                indent=2,
            )
            + "\n"
        )
    else:
        for r in results:
            if r.action == "conflict":
                sys.stdout.write(_conflict_text(r) + "\n")
            else:
                sys.stdout.write(f"{r.notebook}: {_DONE[r.action]}\n")
    return 1 if any(r.action == "conflict" for r in results) else 0
