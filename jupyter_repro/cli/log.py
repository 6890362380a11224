"""`jupyter-repro log NB`: a notebook's snapshots, oldest first, with what each changed."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from jupyter_repro.core.errors import StoreError
from jupyter_repro.core.lockdiff import describe, diff_locks, summary
from jupyter_repro.io.lockrefs import notebook_relpath
from jupyter_repro.io.snapshot import notebook_for
from jupyter_repro.io.store import Store

HELP = "list a notebook's snapshots"
MAX_CHANGES = 8


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("notebook", metavar="NB", help="notebook (.ipynb) or paired script")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every change")


def _rows(store: Store, relpath: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    previous: dict[str, Any] | None = None
    for entry in store.entries(relpath):
        try:
            payload = entry.payload()
        except StoreError as exc:
            rows.append({"id": entry.id, "time": entry.time, "source": None,
                         "summary": f"unreadable: {exc.message}", "changes": []})
            continue
        lock = payload["lock"]
        if previous is None:
            text, changes = "first snapshot", []
        else:
            diff = diff_locks(previous, lock)
            text, changes = summary(diff), describe(diff)
        rows.append({"id": entry.id, "time": entry.time, "source": payload.get("source"),
                     "summary": text, "changes": changes})
        previous = lock
    return rows


def run(args: argparse.Namespace) -> int:
    root, relpath = notebook_relpath(notebook_for(Path(args.notebook).absolute()))
    rows = _rows(Store(root), relpath)
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
