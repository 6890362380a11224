"""A notebook as it was at a git revision, ready to rerun: `verify NB --rev REV`.

REV is checked out into a temporary git worktree (the user's working tree and index are
not touched), and the inputs REV's lock names are put in place there from the project's
store, fetching what the store lacks from the default remote. The worktree is removed
when the run ends, whatever happens.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from jupyter_repro.core.errors import BadInputError, ReproError, UsageError
from jupyter_repro.core.lockmodel import Lock
from jupyter_repro.io.store import Store


@dataclass(frozen=True)
class CheckedOut:
    """The notebook inside the temporary worktree, the commit, and what was put in place."""

    notebook: Path
    commit: str
    placed: tuple[str, ...]


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, check=False
    )


def _resolve(folder: Path, rev: str) -> tuple[Path, str]:
    """(repository top folder, full commit id of REV)."""
    top = _git(folder, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise UsageError(f"{folder}: not in a git repository: --rev needs one")
    if rev.startswith("-"):
        raise BadInputError(f"{rev!r} is not a revision")
    commit = _git(folder, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    if commit.returncode != 0:
        raise BadInputError(f"no revision {rev!r} in {top.stdout.strip()}")
    return Path(top.stdout.strip()), commit.stdout.strip()


def _inputs_in_place(lock: Lock, store: Store, checkout_root: Path) -> list[str]:
    """Put REV's inputs in the worktree, fetching from the default remote what the store lacks."""
    from jupyter_repro.io.remote import RemoteStore
    from jupyter_repro.io.remotes import choose_remote, remotes
    from jupyter_repro.io.transfer import lock_input_hashes, place_inputs

    lacking = {d for d in lock_input_hashes(lock).values() if not store.has(d)}
    configured = remotes(store.root)
    if lacking and configured:
        remote = RemoteStore(*choose_remote(store.root, None))
        plan = remote.plan_pull(store, lacking)
        outcome = place_inputs(
            store,
            [lock],
            checkout_root,
            force=True,
            arriving=frozenset(plan.objects),
            fetch=lambda then: remote.pull(store, plan, lambda _: None, then),
        )
    else:
        outcome = place_inputs(store, [lock], checkout_root, force=True)
    unplaceable = [reason for reason in outcome.skipped if "outside the project" not in reason]
    if unplaceable:
        hint = "" if configured else " (no remote configured: `jupyter-repro remote add`)"
        raise BadInputError(f"cannot put the revision's inputs in place: {unplaceable[0]}{hint}")
    return outcome.placed


@contextmanager
def revision_checkout(notebook: Path, rev: str) -> Iterator[CheckedOut]:
    """The notebook at REV in a temporary worktree, with its locked inputs in place."""
    from jupyter_repro.io.locks import read_lock_for
    from jupyter_repro.io.project import find_project_root
    from jupyter_repro.io.snapshot import notebook_for

    notebook = notebook.absolute()
    top, commit = _resolve(notebook.parent, rev)
    relative = notebook.resolve().relative_to(top.resolve())
    project_root = find_project_root(notebook)
    folder = Path(tempfile.mkdtemp(prefix="jupyter-repro-rev-"))
    checkout = folder / "checkout"
    added = _git(top, "worktree", "add", "--detach", "--quiet", str(checkout), commit)
    if added.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise ReproError(f"cannot check out {rev}: {added.stderr.strip().splitlines()[-1]}")
    try:
        target = checkout / relative
        if not target.exists():
            raise BadInputError(f"{relative} does not exist at {rev} ({commit[:12]})")
        lock = read_lock_for(notebook_for(target))
        if lock is None:
            raise BadInputError(f"{relative} has no lock at {rev} ({commit[:12]})")
        checkout_root = find_project_root(target)
        placed = _inputs_in_place(lock, Store(project_root), checkout_root)
        yield CheckedOut(target, commit, tuple(placed))
    finally:
        _git(top, "worktree", "remove", "--force", str(checkout))
        shutil.rmtree(folder, ignore_errors=True)
