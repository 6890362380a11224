"""`jupyter-repro mv OLD NEW`: rename a notebook with its paired script, lock and history."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HELP = "rename a notebook with its paired script, lock and history"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "old", metavar="OLD", type=Path, help="the notebook (.ipynb), or a folder of notebooks"
    )
    parser.add_argument("new", metavar="NEW", type=Path, help="its new name, or a folder")


def run(args: argparse.Namespace) -> int:
    from jupyter_repro.integrations.renames import move_notebook

    result = move_notebook(args.old, args.new)
    if args.format == "json":
        moved = [{"from": old, "to": new} for old, new in result.moved]
        payload = {"moved": moved, "history": result.history, "kept": result.kept}
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
        return 0
    for old, new in result.moved:
        sys.stdout.write(f"{old} -> {new}\n")
    if result.history:
        sys.stdout.write("history moved with it\n")
    for kept in result.kept:
        sys.stdout.write(f"{kept}: left in place, its new name is taken\n")
    return 0
