"""`jupyter-repro restore NB --snapshot ID [--to DIR]`: a snapshot's inputs, from the store.

Inputs are written under DIR at their project-relative paths (inputs that were outside
the project under `DIR/_outside/`), by default into `.repro/restore/<ID>/`. Nothing is
ever written outside the project root, whatever the lock or history says, and nothing is
written at all when any file is refused or missing from the store.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from jupyter_repro.core.errors import UsageError
from jupyter_repro.io.lockrefs import notebook_relpath
from jupyter_repro.io.snapshot import notebook_for
from jupyter_repro.io.store import Store
from jupyter_repro.io.storeops import restore_inputs

HELP = "restore the inputs of a snapshot from the store"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("notebook", metavar="NB", help="notebook (.ipynb) or paired script")
    parser.add_argument("--snapshot", required=True, metavar="ID", help="snapshot id (see log)")
    parser.add_argument(
        "--to",
        metavar="DIR",
        help="folder to restore into, inside the project "
        "(default .repro/restore/ID; the project root restores in place)",
    )


def _destination(root: Path, requested: str | None, ident: str) -> Path:
    if requested is None:
        return root / ".repro" / "restore" / ident
    dest = Path(requested).absolute()
    resolved = dest.resolve()
    if resolved != root.resolve() and root.resolve() not in resolved.parents:
        raise UsageError(f"--to {requested}: outside the project root {root}")
    return dest


def run(args: argparse.Namespace) -> int:
    root, relpath = notebook_relpath(notebook_for(Path(args.notebook).absolute()))
    store = Store(root)
    entry = store.find(args.snapshot, relpath)
    dest = _destination(root, args.to, entry.id)
    restored = restore_inputs(store, entry, dest)
    if args.format == "json":
        files = [{"path": f.key, "target": str(f.target)} for f in restored]
        payload = {"notebook": relpath, "snapshot": entry.id, "to": str(dest), "files": files}
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
    else:
        sys.stdout.write(f"restored {len(restored)} input(s) of {relpath}@{entry.id} into {dest}\n")
        sys.stdout.write("".join(f"  {f.key}\n" for f in restored))
    return 0
