"""`jupyter-repro log NB`: a notebook's snapshots, oldest first, with what each changed."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from jupyter_repro.io.lockrefs import notebook_relpath
from jupyter_repro.io.snapshot import notebook_for
from jupyter_repro.io.store import Store, history_rows

HELP = "list a notebook's snapshots"
MAX_CHANGES = 8


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("notebook", metavar="NB", help="notebook (.ipynb) or paired script")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every change")


def run(args: argparse.Namespace) -> int:
    root, relpath = notebook_relpath(notebook_for(Path(args.notebook).absolute()))
    rows = history_rows(Store(root), relpath)
    if args.format == "json":
        sys.stdout.write(json.dumps({"notebook": relpath, "snapshots": rows}, indent=2) + "\n")
        return 0
    if not rows:
        sys.stdout.write(f"{relpath}: no snapshots yet (save it, or run jupyter-repro snapshot)\n")
        return 0
    for row in rows:
        source = row["source"] or "?"
        sys.stdout.write(f"{row['id']}  {row['time']}  {source:8}  {row['summary']}\n")
        changes = row["changes"]
        shown = changes if args.verbose else changes[:MAX_CHANGES]
        sys.stdout.write("".join(f"    {line}\n" for line in shown))
        if len(shown) < len(changes):
            sys.stdout.write(f"    ... {len(changes) - len(shown)} more (--verbose)\n")
    return 0
