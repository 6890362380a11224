"""`jupyter-repro run NB_OR_SCRIPT...`: rerun from scratch in a fresh kernel with papermill."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from jupyter_repro.core.errors import BadInputError, UsageError
from jupyter_repro.io.files import require_file

HELP = "rerun notebooks from scratch in a fresh kernel with papermill"


def add_execution_arguments(parser: argparse.ArgumentParser) -> None:
    """Options shared with `verify`: how the fresh kernel runs."""
    parser.add_argument(
        "--seed",
        type=int,
        default=None,
        metavar="N",
        help="seed for the run (sets JUPYTER_REPRO_SEED and PYTHONHASHSEED)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="S",
        help="stop the whole notebook after S seconds",
    )
    parser.add_argument(
        "--cell-timeout",
        type=float,
        default=None,
        metavar="S",
        help="stop a cell that runs longer than S seconds",
    )
    parser.add_argument(
        "--kernel",
        default=None,
        metavar="NAME",
        help="kernel to use (default: the notebook's, else this Python)",
    )


def add_executor_arguments(parser: argparse.ArgumentParser) -> None:
    """Options shared with `repro`: where reruns execute."""
    parser.add_argument(
        "--executor",
        choices=("local", "dask"),
        default="local",
        help="where reruns execute: local kernels, or a Dask cluster (default: local)",
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        metavar="URL",
        help="Dask scheduler (tcp://HOST:PORT); without it a LocalCluster is started",
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="NB_OR_SCRIPT", type=Path)
    parser.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="set a parameter (papermill's way)",
    )
    parser.add_argument(
        "-f",
        "--parameters-file",
        type=Path,
        default=None,
        metavar="YAML",
        help="parameters from a YAML file (-p wins)",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        metavar="OUT",
        help="output notebook (a folder when several are run); "
        "default: .repro/runs/<stem>-<time>.ipynb",
    )
    parser.add_argument("--inplace", action="store_true", help="write the outputs into the input")
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=1,
        metavar="N",
        help="run N notebooks in parallel, each in its own kernel",
    )
    parser.add_argument(
        "--keep-noise",
        action="store_true",
        help="keep papermill/nbclient metadata (timings, empty tags)",
    )
    add_execution_arguments(parser)
    add_executor_arguments(parser)


def parameter_value(text: str) -> Any:
    """papermill's CLI inference: int, float, bool, None, else the string."""
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    return {"True": True, "true": True, "False": False, "false": False, "None": None}.get(
        text, text
    )


def parameters(args: argparse.Namespace) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if args.parameters_file is not None:
        import yaml

        try:
            loaded = yaml.safe_load(args.parameters_file.read_text(encoding="utf-8"))
        except OSError as exc:
            raise BadInputError.unreadable(args.parameters_file, exc.strerror or str(exc)) from None
        except yaml.YAMLError as exc:
            reason = str(exc).splitlines()[0]
            raise BadInputError.invalid(args.parameters_file, f"invalid YAML: {reason}") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise BadInputError.invalid(args.parameters_file, "expected a mapping of name: value")
        values.update(loaded or {})
    for name, value in args.parameter:
        if not name.isidentifier():
            raise UsageError(f"-p {name}: a parameter name must be a Python identifier")
        values[name] = parameter_value(value)
    return values


def _check_inputs(paths: Sequence[Path]) -> None:
    for path in paths:
        require_file(path)
        if path.suffix not in (".ipynb", ".py", ".R", ".r", ".jl", ".md"):
            raise BadInputError.invalid(path, "expected a notebook (.ipynb) or a script (.py)")


def requests(args: argparse.Namespace) -> list[Any]:
    from jupyter_repro.integrations.papermill_run import RunRequest
    from jupyter_repro.integrations.terminal import is_tty
    from jupyter_repro.io.config import load_config
    from jupyter_repro.io.project import find_project_root

    _check_inputs(args.paths)
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.output is not None and args.inplace:
        raise UsageError("--output and --inplace exclude each other")
    several = len(args.paths) > 1
    values = parameters(args)
    result = []
    for path in args.paths:
        seed = args.seed if args.seed is not None else load_config(find_project_root(path)).seed
        output = args.output
        if output is not None and several:
            output = output / (path.stem + ".ipynb")
        result.append(
            RunRequest(
                source=path,
                output=output,
                parameters=values,
                seed=seed,
                timeout=args.timeout,
                cell_timeout=args.cell_timeout,
                kernel=args.kernel,
                inplace=args.inplace,
                keep_noise=args.keep_noise,
                progress=not several and args.format == "text" and is_tty(),
            )
        )
    return result


def execute_all(batch: Sequence[Any], jobs: int) -> list[Any]:
    from jupyter_repro.integrations.papermill_run import run_notebook, run_reported

    if len(batch) == 1:
        return [run_notebook(batch[0])[0]]
    if jobs == 1:  # one failing notebook must not stop the others: report each
        return [run_reported(request) for request in batch]
    from concurrent.futures import ThreadPoolExecutor

    # Threads, not processes: each notebook runs in its own kernel process already, and the
    # driver mostly waits on the kernel's messages. Worker processes would each pay the
    # imports again (1-2 s) for nothing; the kernel's cwd and environment are per kernel.
    pool = ThreadPoolExecutor(max_workers=min(jobs, len(batch)))
    try:
        return list(pool.map(run_reported, batch))
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)  # the running ones end with their kernels
        raise
    finally:
        pool.shutdown(wait=True)


def _table(results: Sequence[Any]) -> str:
    rows = [("notebook", "status", "seconds", "where")]
    for r in results:
        where = (
            (r.output or "")
            if r.status == "ok"
            else (f"cell {r.cell}: {r.error}" if r.cell is not None else r.error or "")
        )
        rows.append((r.source, r.status, f"{r.seconds:.1f}", where))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(row[i].ljust(widths[i]) for i in range(3)) + "  " + row[3] for row in rows]
    return "\n".join(line.rstrip() for line in lines)


def report(results: Sequence[Any], fmt: str) -> None:
    if fmt == "json":
        sys.stdout.write(json.dumps({"runs": [r.to_json() for r in results]}, indent=2) + "\n")
        return
    if len(results) > 1:
        sys.stdout.write(_table(results) + "\n")
    for r in results:
        if r.status == "ok" and len(results) == 1:
            sys.stdout.write(f"{r.source}: ok in {r.seconds:.1f} s -> {r.output}\n")
        elif r.status != "ok":
            sys.stderr.write(f"jupyter-repro run: {r.message()}\n")


def exit_code(results: Sequence[Any]) -> int:
    codes = {r.exit_code for r in results}
    return next((code for code in (4, 3, 2) if code in codes), 0)


def _execute(batch: Sequence[Any], args: argparse.Namespace) -> list[Any]:
    if args.executor == "local" and args.scheduler is None:
        return execute_all(batch, args.jobs)
    from jupyter_repro.integrations.executors import make_executor
    from jupyter_repro.integrations.papermill_run import output_path

    if args.inplace:
        raise UsageError("--inplace runs locally only: drop --executor dask")
    executor = make_executor(args.executor, args.jobs, args.scheduler)
    try:  # a worker writes where the driver says: the default output is named here
        futures = [executor.submit(replace(r, output=output_path(r))) for r in batch]
        return [future.result() for future in futures]
    finally:
        executor.close()


def run(args: argparse.Namespace) -> int:
    from jupyter_repro.io.runrecords import record_runs

    batch = requests(args)
    results = _execute(batch, args)
    record_runs("run", batch, results)
    report(results, args.format)
    return exit_code(results)
