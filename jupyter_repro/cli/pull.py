"""`jupyter-repro pull [NB...] [--snapshot ID] [--force]`: fetch the inputs locks name.

History entries come first (each accepted only if its id is its lock's), then the objects
the chosen locks need that the store lacks (each kept only if it hashes to its name), then
missing inputs are put in place. An input that exists with other content is kept and
reported unless `--force`. Nothing is written outside the project, and no input is placed
before every object has arrived intact.
"""

from __future__ import annotations

import argparse

from jupyter_repro.cli.push import add_transfer_arguments, progress_bar, project_and_notebooks
from jupyter_repro.core.lockmodel import Lock
from jupyter_repro.io.store import Store

HELP = "fetch the inputs of notebooks (or of one snapshot) from a remote store"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_transfer_arguments(parser)
    parser.add_argument("--snapshot", metavar="ID", help="the inputs of this snapshot")
    parser.add_argument(
        "--force", action="store_true", help="overwrite inputs whose content changed"
    )


def chosen_locks(store: Store, relpaths: list[str], snapshot: str | None) -> dict[str, Lock]:
    """notebook -> the lock whose inputs to fetch: the snapshot's, else the current one."""
    from jupyter_repro.io.lockrefs import history_lock
    from jupyter_repro.io.transfer import notebook_locks

    if snapshot is not None:
        entry = store.find(snapshot, relpaths[0] if len(relpaths) == 1 else None)
        return {entry.notebook: history_lock(entry)}
    locks: dict[str, Lock] = {}
    for relpath, current in notebook_locks(store, relpaths).items():
        entries = store.entries(relpath)
        lock = history_lock(entries[-1]) if current is None and entries else current
        if lock is not None:
            locks[relpath] = lock
    return locks


def run(args: argparse.Namespace) -> int:
    from jupyter_repro.cli.push import report_out
    from jupyter_repro.io.remote import RemoteStore
    from jupyter_repro.io.remotes import choose_remote
    from jupyter_repro.io.store import notebook_key
    from jupyter_repro.io.transfer import lock_input_hashes, place_inputs

    root, relpaths = project_and_notebooks(args.notebooks)
    name, url = choose_remote(root, args.remote)
    store = Store(root)
    remote = RemoteStore(name, url)
    history = remote.pull_history(store, [notebook_key(r) for r in relpaths] or None)
    locks = chosen_locks(store, relpaths, args.snapshot)
    digests = {d for lock in locks.values() for d in lock_input_hashes(lock).values()}
    # Cached runs come with their objects, so `repro` after a pull restores instead of rerunning.
    cached = remote.pull_runcache(store, set(relpaths) if relpaths else None)
    digests |= {digest for entry in cached for digest in entry.objects()}
    plan = remote.plan_pull(store, digests)
    with progress_bar(f"pull {name}", plan.total) as advance:
        outcome = place_inputs(
            store,
            [lock for _, lock in sorted(locks.items())],
            root,
            args.force,
            arriving=frozenset(plan.objects),
            fetch=lambda then: remote.pull(store, plan, advance, then),
        )
    placed, kept, skipped = outcome.placed, outcome.kept, outcome.skipped
    payload = {
        **plan.to_json(),
        "history": history,
        "run_cache": len(cached),
        "placed": placed,
        "kept": kept,
        "skipped": skipped,
    }
    lines = [
        f"{len(plan.objects)} object(s) fetched, {history} snapshot(s), "
        f"{len(cached)} run-cache entr{'y' if len(cached) == 1 else 'ies'}, "
        f"{len(placed)} input(s) put in place"
    ]
    lines += [f"  changed here, kept (use --force to overwrite): {key}" for key in kept]
    lines += [f"  not placed: {reason}" for reason in skipped]
    report_out(args.format, "pull", name, payload, lines)
    return 1 if kept or skipped else 0
