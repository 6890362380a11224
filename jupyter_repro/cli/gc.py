"""`jupyter-repro gc [PATH]`: remove store objects no snapshot or current lock refers to."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from pathlib import Path

from jupyter_repro.core.errors import StoreError
from jupyter_repro.io.project import find_project_root, lock_path
from jupyter_repro.io.statcache import stat_cache_for
from jupyter_repro.io.store import Store

HELP = "remove store objects no snapshot refers to"
STALE_TEMP_S = 3600  # a temporary object older than this belongs to a copy that died
# A snapshot copies inputs in before it records the lock that refers to them: objects this
# young may belong to one in progress.
DEFAULT_GRACE_S = 300


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


def referenced(store: Store) -> set[str] | None:
    """Hashes any snapshot or current lock of the project needs; None if a history is unreadable."""
    wanted: set[str] = set()
    for notebook in store.notebooks():
        locks = []
        for entry in store.entries(notebook):
            try:
                locks.append(entry.read())
            except StoreError:
                return None  # never delete what an unreadable entry might need
        current = lock_path(store.root / notebook)
        with contextlib.suppress(OSError, ValueError):
            locks.append(json.loads(current.read_text(encoding="utf-8")))
        for lock in locks:
            inputs = lock.get("inputs", {}) if isinstance(lock, dict) else {}
            for record in inputs.values() if isinstance(inputs, dict) else ():
                if isinstance(record, dict) and isinstance(record.get("hash"), str):
                    wanted.add(record["hash"])
    return wanted


def _forget_vanished_files(store: Store) -> None:
    """The stat cache only grows while files come and go: drop entries of deleted files."""
    cache = stat_cache_for(store.path)
    cache.prune(path for path in cache.paths() if os.path.exists(path))
    cache.save()


def run(args: argparse.Namespace) -> int:
    store = Store(find_project_root(Path(args.path)))
    wanted = referenced(store)
    if wanted is None:
        raise StoreError(f"{store.history}: a history entry is unreadable; nothing removed")
    removed, freed, now = 0, 0, time.time()
    for digest, path in list(store.object_files()):
        stat = path.stat()
        if digest in wanted or now - stat.st_mtime < args.grace:
            continue
        removed += 1
        freed += stat.st_blocks * 512
        if not args.dry_run:
            path.unlink()
    for prefix in store.objects.glob("*/.tmp-*") if store.objects.is_dir() else ():
        if now - prefix.stat().st_mtime > STALE_TEMP_S and not args.dry_run:
            os.unlink(prefix)
    if not args.dry_run:
        _forget_vanished_files(store)
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
