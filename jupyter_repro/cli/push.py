"""`jupyter-repro push [NB...] [--remote NAME]`: send the store's inputs, history and run cache.

Only what the remote lacks moves (objects by content hash, in parallel, with a progress
bar on a terminal); with nothing new, a push is one listing of the remote.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from jupyter_repro.io.project import find_project_root
from jupyter_repro.io.store import Store

HELP = "send the inputs and snapshots of notebooks to a remote store"


def add_transfer_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "notebooks", nargs="*", metavar="NB", help="notebooks (default: all with a lock or history)"
    )
    parser.add_argument("--remote", metavar="NAME", help="remote to use (default: the first)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_transfer_arguments(parser)


def project_and_notebooks(paths: list[str]) -> tuple[Path, list[str]]:
    """The project root and the project-relative notebooks named (none named: [])."""
    if not paths:
        return find_project_root(Path.cwd()), []
    from jupyter_repro.io.lockrefs import notebook_relpath
    from jupyter_repro.io.snapshot import notebook_for

    named = [notebook_relpath(notebook_for(Path(p).absolute())) for p in paths]
    roots = {root for root, _ in named}
    if len(roots) > 1:
        from jupyter_repro.core.errors import UsageError

        raise UsageError("the notebooks belong to different projects: one project at a time")
    return roots.pop(), [relpath for _, relpath in named]


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """A tqdm bar on a terminal; silent otherwise."""
    from jupyter_repro.integrations.terminal import is_tty

    if total == 0 or not is_tty():
        yield lambda _: None
        return
    from tqdm import tqdm

    with tqdm(total=total, desc=label, unit="file", file=sys.stderr, leave=False) as bar:
        yield bar.update


def report_out(fmt: str, verb: str, remote: str, payload: dict[str, Any], lines: list[str]) -> None:
    if fmt == "json":
        sys.stdout.write(json.dumps({"remote": remote, **payload}, indent=2) + "\n")
    else:
        sys.stdout.write("\n".join([f"{verb} {remote}: {lines[0]}", *lines[1:]]) + "\n")


def run(args: argparse.Namespace) -> int:
    from jupyter_repro.io.remote import RemoteStore
    from jupyter_repro.io.remotes import choose_remote
    from jupyter_repro.io.runcache import local_entries
    from jupyter_repro.io.transfer import notebook_locks, notebook_states

    root, relpaths = project_and_notebooks(args.notebooks)
    name, url = choose_remote(root, args.remote)
    store = Store(root)
    states = notebook_states(store, notebook_locks(store, relpaths))
    digests = set().union(*(s.digests(store) for s in states)) if states else set()
    entries = [entry for s in states for entry in s.entries]
    cached = local_entries(store, set(relpaths) if relpaths else None)
    digests |= {digest for _, entry in cached for digest in entry.objects()}
    remote = RemoteStore(name, url)
    plan = remote.plan_push(store, digests, entries)
    missing: dict[str, tuple[str, str]] = {}  # digest -> an input naming it, why
    if plan.unavailable:  # not snapshotted here (a fresh clone): from the working tree
        from jupyter_repro.io.snapshot import store_working_inputs

        locks = [s.lock for s in states if s.lock is not None]
        missing = store_working_inputs(root, locks, set(plan.unavailable))
        plan = remote.plan_push(store, digests, entries)
    with progress_bar(f"push {name}", plan.total) as advance:
        remote.push(store, plan, advance)
    # Entries after their objects: a run-cache entry on the remote never names a missing one.
    cache_sent = remote.push_runcache(store, [path for path, _ in cached], lambda _: None)
    lines = [
        f"{len(plan.objects)} object(s) sent, {plan.present} already there, "
        f"{len(plan.entries)} snapshot(s) sent, {cache_sent} run-cache entr"
        f"{'y' if cache_sent == 1 else 'ies'} sent"
    ]
    not_sent = []
    for digest in plan.unavailable:
        key, why = missing.get(digest, ("an earlier snapshot's input", "removed from the store"))
        not_sent.append({"object": digest, "input": key, "reason": why})
        lines.append(f"  not sent: {key} ({digest}): not in the local store; {why}")
    payload = {**plan.to_json(), "run_cache": cache_sent, "not_sent": not_sent}
    report_out(args.format, "push", name, payload, lines)
    return 0
