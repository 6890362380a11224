"""`jupyter-repro repro [NB...]`: rerun what is stale and everything downstream, in order."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from jupyter_repro.cli.run import add_executor_arguments
from jupyter_repro.core.errors import UsageError

HELP = "rerun what is stale and everything downstream, with the run cache"
EXIT_FAILED = 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "notebooks",
        nargs="*",
        type=Path,
        metavar="NB",
        help="notebooks to bring up to date with their upstream (default: the whole project)",
    )
    parser.add_argument(
        "--project",
        type=Path,
        default=None,
        metavar="DIR",
        help="the project folder (default: the notebooks' project root, else the current folder)",
    )
    parser.add_argument(
        "--jobs", "-j", type=int, default=1, metavar="N", help="rerun N notebooks at a time"
    )
    parser.add_argument("--dry-run", action="store_true", help="say what would run and why")
    parser.add_argument(
        "--no-run-cache", action="store_true", help="do not restore results from the run cache"
    )
    parser.add_argument(
        "--force", action="store_true", help="rerun every notebook in scope, fresh or not"
    )
    add_executor_arguments(parser)


_VERBS = {
    "ran": "ran",
    "cached": "cache hit",
    "up-to-date": "up to date",
    "failed": "FAILED",
    "skipped": "skipped",
    "would-run": "would run",
}


def _line(step: Any) -> str:
    verb = _VERBS[step.outcome]
    head = f"{verb:10}  {step.notebook}"
    if step.outcome in ("ran", "cached"):
        head += f"  ({step.seconds:.1f} s, run {step.run_id})"
    why = [f"{r.kind}: {r.detail}" for r in step.reasons]
    if step.outcome in ("ran", "would-run") and why:
        head += "\n" + "".join(f"            because {w}\n" for w in why).rstrip("\n")
    if step.message and step.outcome in ("failed", "skipped", "cached"):
        head += f"\n            {step.message}"
    if step.cache_note:
        head += f"\n            not cached: {step.cache_note}"
    return head


def run(args: argparse.Namespace) -> int:
    from jupyter_repro.integrations.executors import make_executor
    from jupyter_repro.integrations.repro import ReproOptions, execute
    from jupyter_repro.io.pipeline import Now, discover, project_root_of, select

    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.scheduler is not None and args.executor != "dask":
        raise UsageError("--scheduler needs --executor dask")
    folder = args.project or (project_root_of(args.notebooks) if args.notebooks else Path.cwd())
    project = discover([folder])
    targets = select(project, args.notebooks)
    options = ReproOptions(use_cache=not args.no_run_cache, force=args.force, dry_run=args.dry_run)
    text = args.format == "text"

    def show(step: Any) -> None:
        if text:
            sys.stdout.write(_line(step) + "\n")
            sys.stdout.flush()

    steps = execute(
        project,
        Now.of(project.root),
        targets,
        options,
        executor_factory=lambda: make_executor(args.executor, args.jobs, args.scheduler),
        on_step=show,
    )
    if args.dry_run and text:
        sys.stdout.write("".join(_line(s) + "\n" for s in steps))
    failed = [s.notebook for s in steps if s.outcome == "failed"]
    if args.format == "json":
        payload = {"root": str(project.root), "steps": [s.to_json() for s in steps]}
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
    elif not args.dry_run:
        counts: dict[str, int] = {}
        for step in steps:
            counts[step.outcome] = counts.get(step.outcome, 0) + 1
        summary = ", ".join(f"{n} {_VERBS[k]}" for k, n in counts.items()) or "nothing to do"
        sys.stdout.write(f"{summary}\n")
    if failed:
        skipped = [s.notebook for s in steps if s.outcome == "skipped"]
        message = f"jupyter-repro repro: failed: {', '.join(failed)}"
        if skipped:
            message += f"; not run because of it: {', '.join(skipped)}"
        sys.stderr.write(message + "\n")
        # A notebook that failed says 3; bad input (a missing kernel) 2; a bug of ours 4.
        codes = {s.exit_code for s in steps if s.outcome == "failed"}
        return next((code for code in (4, 3, 2) if code in codes), EXIT_FAILED)
    return 0
