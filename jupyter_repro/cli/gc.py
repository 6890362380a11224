"""`jupyter-repro gc [PATH]`: remove store objects no snapshot or current lock refers to."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from jupyter_repro.io.project import find_project_root
from jupyter_repro.io.store import Store
from jupyter_repro.io.storeops import DEFAULT_GRACE_S, collect_garbage

HELP = "remove store objects no snapshot refers to"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", help="a folder or notebook of the project")
    parser.add_argument("--dry-run", action="store_true", help="only report what would go")
    parser.add_argument(
        "--grace",
        type=float,
        default=DEFAULT_GRACE_S,
        metavar="SECONDS",
        help="keep objects younger than this (default %(default)s)",
    )


def run(args: argparse.Namespace) -> int:
    store = Store(find_project_root(Path(args.path)))
    report = collect_garbage(store, args.grace, args.dry_run)
    removed, freed = report.removed, report.freed_bytes
    verb = "would remove" if args.dry_run else "removed"
    if args.format == "json":
        sys.stdout.write(
            json.dumps(
                {
                    "store": str(store.path),
                    "dry_run": args.dry_run,
                    "removed": removed,
                    "freed_bytes": freed,
                }
            )
            + "\n"
        )
    else:
        sys.stdout.write(
            f"{verb} {removed} object(s), {freed / 1024**2:.1f} MiB, from {store.path}\n"
        )
    return 0
