"""`jupyter-repro verify NB`: rerun from scratch and compare outputs, inputs, environment."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from jupyter_repro.cli.run import add_execution_arguments
from jupyter_repro.core.errors import UsageError
from jupyter_repro.core.findings import CELL_NUMBERING, cell_label
from jupyter_repro.io.files import require_file

HELP = "rerun from scratch and compare outputs, inputs and environment"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="NB_OR_SCRIPT", type=Path)
    parser.add_argument(
        "--runs",
        type=int,
        default=1,
        metavar="N",
        help="rerun N times (2 separates nondeterministic cells from changed ones)",
    )
    parser.add_argument(
        "--report",
        type=Path,
        default=None,
        metavar="HTML",
        help="write a self-contained HTML report",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        metavar="OUT",
        help="where to write the rerun notebook (default: .repro/runs/)",
    )
    parser.add_argument(
        "--rev",
        metavar="REV",
        help="verify the notebook as committed at git revision REV, in a temporary worktree",
    )
    parser.add_argument(
        "--isolated",
        action="store_true",
        help="rerun in an environment rebuilt from the lock (uv; cached by its hash)",
    )
    # For the server's verify jobs: a line on stderr as each code cell starts.
    parser.add_argument("--cell-lines", action="store_true", help=argparse.SUPPRESS)
    add_execution_arguments(parser)


def _text(outcome: Any) -> str:
    v = outcome.verification
    lines = [f"{v.path}: {v.verdict}"]
    if v.failure:
        lines.append(f"  execution failed: {v.failure}")
    for cell in v.cells:
        if cell.status in ("differs", "error"):
            label = " (nondeterministic)" if cell.nondeterministic else ""
            lines.append(f"  {cell_label(cell.cell)}: {cell.status}{label}")
            lines += [f"    likely cause: {cause}" for cause in cell.causes]
            lines += [f"    {line}" for line in (cell.diff or "").splitlines()]
    same = sum(c.status == "same" for c in v.cells)
    if v.verdict != "nothing-to-compare":
        lines.append(f"  {same} of {len(v.cells)} code cells reproduced their recorded outputs")
    lines += [f"  input {i['path']}: {i['status']}" for i in v.inputs if i["status"] != "same"]
    lines += [
        f"  package {e['distribution']}: {e['locked']} -> {e['current'] or 'not installed'}"
        for e in v.environment
        if e["status"] != "same"
    ]
    lines += [f"  note: {note}" for note in v.notes]
    if outcome.run.output:
        lines.append(f"  rerun notebook: {outcome.run.output}")
    if any(c.status in ("differs", "error") for c in v.cells) or v.failure:
        lines.append(f"  {CELL_NUMBERING}")
    return "\n".join(lines)


def _ran_in_text(ran_in: dict[str, Any]) -> str:
    if not ran_in.get("rebuilt_from_lock"):
        return f"  ran in: the current environment (kernel {ran_in['interpreter']})"
    return (
        f"  ran in: an environment rebuilt from the lock, {ran_in['interpreter']} "
        f"(cache {ran_in['cache']})"
    )


def run(args: argparse.Namespace) -> int:
    if args.runs < 1:
        raise UsageError("--runs must be at least 1")
    require_file(args.path)
    if args.rev is None:
        return _verify(args, args.path, args.output, {})
    from jupyter_repro.integrations.papermill_run import default_output
    from jupyter_repro.integrations.revision import revision_checkout

    # The rerun notebook goes to the user's store: the worktree is gone when this returns.
    output = args.output or default_output(args.path)
    with revision_checkout(args.path, args.rev) as checked_out:
        found = {"revision": checked_out.commit, "inputs_placed": list(checked_out.placed)}
        return _verify(args, checked_out.notebook, output, found)


def _say_cell_start(number: int, total: int) -> None:
    from jupyter_repro.integrations.papermill_run import CELL_START_PREFIX

    sys.stderr.write(f"{CELL_START_PREFIX}{number} of {total}\n")
    sys.stderr.flush()


def _verify(
    args: argparse.Namespace, path: Path, output: Path | None, revision: dict[str, Any]
) -> int:
    from jupyter_repro.integrations.papermill_run import RunRequest
    from jupyter_repro.integrations.verification import verify
    from jupyter_repro.io.config import load_config
    from jupyter_repro.io.project import find_project_root

    seed = args.seed if args.seed is not None else load_config(find_project_root(path)).seed
    request = RunRequest(
        source=path,
        output=output,
        seed=seed,
        timeout=args.timeout,
        cell_timeout=args.cell_timeout,
        kernel=args.kernel,
        on_cell_start=_say_cell_start if args.cell_lines else None,
    )
    ran_in: dict[str, Any] = {"rebuilt_from_lock": False, "interpreter": args.kernel or "python3"}
    if args.isolated:
        from dataclasses import replace

        from jupyter_repro.integrations.envbuild import rebuild_for_notebook

        if args.kernel:
            raise UsageError("--isolated runs the rebuilt environment's kernel: drop --kernel")
        built, warnings = rebuild_for_notebook(path)
        for warning in warnings:
            sys.stderr.write(f"jupyter-repro verify: warning: {warning}\n")
        request = replace(request, kernel_python=built.python)
        ran_in = built.to_json()
    outcome = verify(request, runs=args.runs)
    from jupyter_repro.io.runrecords import record_runs

    record_runs("verify", [request], [outcome.run], [outcome.verification.verdict])
    if args.report is not None:
        from jupyter_repro.integrations.report import write_report

        write_report(
            args.report, outcome.verification, outcome.reference, outcome.rerun, outcome.normalizers
        )
    if args.format == "json":
        payload = {**outcome.verification.to_json(), "ran_in": ran_in, **revision}
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
    else:
        at = f"  at revision {revision['revision']}\n" if revision else ""
        sys.stdout.write(_text(outcome) + "\n" + at + _ran_in_text(ran_in) + "\n")
    return int(outcome.verification.exit_code)
