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

from jupyter_repro.core.errors import StoreError, UsageError
from jupyter_repro.io.lockrefs import history_lock, notebook_relpath
from jupyter_repro.io.snapshot import notebook_for
from jupyter_repro.io.store import Store, restore_target

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
    lock = history_lock(entry)
    dest = _destination(root, args.to, entry.id)
    plan: list[tuple[str, str, Path]] = []
    for key, record in sorted(lock["inputs"].items()):
        target = restore_target(dest, key, root)
        digest = record.get("hash")
        if not digest or not store.has(digest):
            why = "object missing" if record.get("stored") else "not stored: above the size cap"
            raise StoreError(
                f"the store lacks {key} of snapshot {entry.id} ({why}); nothing restored"
            )
        plan.append((key, digest, target))
    for key, digest, target in plan:
        try:
            store.export(digest, target)
        except OSError as exc:
            raise StoreError(f"{target}: cannot restore {key}: {exc.strerror or exc}") from None
    if args.format == "json":
        files = [{"path": key, "target": str(target)} for key, _, target in plan]
        payload = {"notebook": relpath, "snapshot": entry.id, "to": str(dest), "files": files}
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
    else:
        sys.stdout.write(f"restored {len(plan)} input(s) of {relpath}@{entry.id} into {dest}\n")
        sys.stdout.write("".join(f"  {key}\n" for key, _, _ in plan))
    return 0
