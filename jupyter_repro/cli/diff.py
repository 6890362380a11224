"""`jupyter-repro diff A B`: what changed between two locks or snapshots.

A and B are lock files, notebooks (their current lock), snapshot ids, or `NB@ID`.
Exit code 0 when they lock the same things, 1 when something changed.
"""

from __future__ import annotations

import argparse
import json
import sys

from jupyter_repro.core.lockdiff import describe, diff_locks
from jupyter_repro.io.lockrefs import resolve

HELP = "what changed between two locks or snapshots"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("before", metavar="A", help="lock file, notebook, snapshot id or NB@ID")
    parser.add_argument("after", metavar="B", help="lock file, notebook, snapshot id or NB@ID")


def run(args: argparse.Namespace) -> int:
    before, after = resolve(args.before), resolve(args.after)
    diff = diff_locks(before.lock, after.lock)
    if args.format == "json":
        payload = {"a": before.label, "b": after.label, **diff.to_json()}
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
    else:
        lines = describe(diff) or ["no differences"]
        sys.stdout.write(f"--- {before.label}\n+++ {after.label}\n")
        sys.stdout.write("".join(f"{line}\n" for line in lines))
    return 0 if diff.empty else 1
