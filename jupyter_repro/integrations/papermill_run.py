"""Headless reruns from scratch with papermill's Python API, in the notebook's folder.

A paired script is read with jupytext and handed to `papermill.execute_notebook` as a
notebook object. The kernel loads jupyter-repro's extension (through `ReproEngine`), so
the run is journaled. Failures and timeouts are data (`RunResult`), not exceptions.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from jupyter_repro.core.errors import BadInputError, ReproError, UsageError
from jupyter_repro.core.findings import cell_label
from jupyter_repro.integrations.pairing import notebook_for, read_any
from jupyter_repro.integrations.papermill_engine import ENGINE_NAME, NOTEBOOK_VARIABLE, register
from jupyter_repro.io.atomic import write_text_atomic
from jupyter_repro.io.project import find_project_root, store_dir

RunStatus = Literal["ok", "failed", "timeout", "error", "internal-error"]
SEED_VARIABLE = "JUPYTER_REPRO_SEED"
ERROR_MARKER_TAG = "papermill-error-cell-tag"
_CELL_LINE = re.compile(r"Cell In\[\d*\], line (\d+)")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


# The line `verify --cell-lines` writes on stderr as each code cell starts, for the
# server's verify jobs: "<prefix><n> of <total>".
CELL_START_PREFIX = "jupyter-repro: running cell "


@dataclass(frozen=True)
class RunRequest:
    source: Path
    output: Path | None = None
    parameters: Mapping[str, Any] = field(default_factory=dict)
    seed: int | None = None
    timeout: float | None = None
    cell_timeout: float | None = None
    kernel: str | None = None
    inplace: bool = False
    keep_noise: bool = False
    progress: bool = False
    write_output: bool = True
    # An interpreter to run the kernel with (an environment rebuilt from the lock), through
    # a kernel spec private to the run; the caller's PYTHONPATH does not reach it.
    kernel_python: Path | None = None
    # Told (n, total) as the n-th code cell of the notebook's `total` starts running.
    on_cell_start: Callable[[int, int], None] | None = None


@dataclass(frozen=True)
class RunResult:
    source: str
    output: str | None
    status: RunStatus
    seconds: float
    cell: int | None = None
    line: str | None = None
    error: str | None = None

    @property
    def exit_code(self) -> int:
        return {"ok": 0, "error": 2, "internal-error": 4}.get(self.status, 3)

    def message(self) -> str:
        if self.status == "ok":
            return f"{self.source}: ok in {self.seconds:.1f} s"
        where = cell_label(self.cell) if self.cell is not None else "the notebook"
        line = f", line `{self.line}`" if self.line else ""
        return f"{self.source}: {where}{line}: {self.error}"

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.source,
            "output": self.output,
            "status": self.status,
            "seconds": round(self.seconds, 3),
            "cell": self.cell,
            "line": self.line,
            "error": self.error,
        }


def default_output(source: Path) -> Path:
    """`<root>/.repro/runs/<stem>-<UTC time>.ipynb`, never an existing file."""
    runs = store_dir(find_project_root(source)) / "runs"
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    candidate = runs / f"{source.stem}-{stamp}.ipynb"
    counter = 1
    while candidate.exists():
        counter += 1
        candidate = runs / f"{source.stem}-{stamp}-{counter}.ipynb"
    return candidate


def output_path(request: RunRequest) -> Path:
    source = request.source
    if request.inplace:
        if source.suffix != ".ipynb":
            raise UsageError(f"{source}: --inplace needs a notebook (.ipynb), not a script")
        return source
    if request.output is None:
        return default_output(source)
    if request.output.resolve() == source.resolve():
        raise UsageError(f"{request.output}: refusing to overwrite the input; use --inplace")
    return request.output


def current_python_kernel() -> str:
    """The kernel of this environment's Python: ipykernel's built-in `python3` spec."""
    return "python3"


def kernel_for(notebook: Any, requested: str | None) -> str:
    if requested:
        return requested
    name = notebook.metadata.get("kernelspec", {}).get("name")
    return str(name) if name else current_python_kernel()


def prepare(request: RunRequest) -> tuple[Any, str]:
    """The notebook to execute (read from .ipynb or script) and the kernel name."""
    notebook = read_any(request.source)
    kernel = kernel_for(notebook, request.kernel)
    spec = notebook.metadata.setdefault("kernelspec", {})
    if not spec.get("name"):
        # A header-less `# %%` script: papermill would stop with "No kernel name found".
        spec.update({"name": kernel, "display_name": "Python 3", "language": "python"})
    return notebook, kernel


def kernel_environment(request: RunRequest) -> dict[str, str]:
    source = request.source.resolve()
    paired = notebook_for(source)
    target = source if source.suffix == ".ipynb" or not paired.exists() else paired
    env = {NOTEBOOK_VARIABLE: str(target)}
    if request.seed is not None:
        env[SEED_VARIABLE] = str(request.seed)
        env["PYTHONHASHSEED"] = str(request.seed)
    if request.kernel_python is not None:
        env["PYTHONPATH"] = ""
    return env


def strip_noise(notebook: Any) -> Any:
    """Remove what papermill and nbclient add for their own bookkeeping."""
    notebook.metadata.pop("papermill", None)
    notebook.cells = [
        c for c in notebook.cells if ERROR_MARKER_TAG not in c.get("metadata", {}).get("tags", [])
    ]
    for cell in notebook.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if cell.metadata.get("tags") == []:
            del cell.metadata["tags"]
    return notebook


def _failure_line(cell: Any, traceback: list[str]) -> str | None:
    lines = str(cell.get("source", "")).splitlines()
    for frame in traceback:
        match = _CELL_LINE.search(_ANSI.sub("", frame))
        if match and 0 < int(match.group(1)) <= len(lines):
            return lines[int(match.group(1)) - 1].strip()
    return next((line.strip() for line in lines if line.strip()), None)


class _Deadline:
    """Per-cell timeout for nbclient: the cell limit, capped by what the notebook has left.

    The notebook's clock starts with its first cell: kernel start-up has its own timeout.
    """

    def __init__(self, total: float | None, per_cell: float | None) -> None:
        self.total = total
        self.end: float | None = None
        self.per_cell = per_cell
        self.cell: int | None = None
        self.hit: str | None = None
        self.started = 0  # code cells started so far (nbclient skips blank and markdown ones)
        self.code_cells = 0
        self.announce: Callable[[int, int], None] | None = None

    def __call__(self, cell: Any) -> float | None:
        if not self.total:
            return self.per_cell
        if self.end is None:
            self.end = time.monotonic() + self.total
        left = max(self.end - time.monotonic(), 0.01)
        if self.per_cell is None or left < self.per_cell:
            self.hit = "notebook"
            return left
        self.hit = "cell"
        return self.per_cell

    def on_cell_start(self, cell: Any, cell_index: int) -> None:
        self.cell = cell_index
        self.started += 1
        if self.announce is not None:
            self.announce(self.started, max(self.started, self.code_cells))


def _execute(
    request: RunRequest, notebook: Any, kernel: str, deadline: _Deadline, sink: list[Any]
) -> None:
    """Run papermill; `sink` receives the executed notebook, even when papermill raises."""
    if request.kernel_python is None:
        _papermill(request, notebook, kernel, deadline, sink)
        return
    from jupyter_repro.integrations.envbuild import private_kernel

    spec = notebook.metadata.setdefault("kernelspec", {})
    recorded = spec.get("name")
    with private_kernel(request.kernel_python) as name:
        spec["name"] = name
        try:
            _papermill(request, notebook, name, deadline, sink)
        finally:
            spec["name"] = recorded  # the private name is the run's, not the notebook's


def _papermill(
    request: RunRequest, notebook: Any, kernel: str, deadline: _Deadline, sink: list[Any]
) -> None:
    import papermill

    register()
    papermill.execute_notebook(
        notebook,
        None,
        parameters=dict(request.parameters) or None,
        engine_name=ENGINE_NAME,
        request_save_on_cell_execute=False,
        kernel_name=kernel,
        language=notebook.metadata.get("kernelspec", {}).get("language") or "python",
        progress_bar=request.progress,
        repro_kernel_cwd=str(request.source.resolve().parent),
        timeout_func=deadline,
        on_cell_start=deadline.on_cell_start,
        record_timing=request.keep_noise,
        repro_kernel_env=kernel_environment(request),
        repro_notebook_sink=sink.append,
    )


def run_notebook(request: RunRequest) -> tuple[RunResult, Any]:
    """Execute one notebook or script from scratch; write the output notebook."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    target = output_path(request) if request.write_output else None
    notebook, kernel = prepare(request)
    deadline = _Deadline(request.timeout, request.cell_timeout)
    deadline.announce = request.on_cell_start
    deadline.code_cells = sum(
        1 for c in notebook.cells if c.cell_type == "code" and str(c.source).strip()
    )
    started = time.perf_counter()
    sink: list[Any] = []
    result: dict[str, Any] = {"status": "ok"}
    try:
        _execute_guarded(request, notebook, kernel, deadline, sink)
    except PapermillExecutionError as exc:
        result = {
            "status": "failed",
            "error": f"{exc.ename}: {exc.evalue}",
            "traceback": exc.traceback,
            "source": exc.source,
        }
    except CellTimeoutError:
        limit = request.timeout if deadline.hit == "notebook" else request.cell_timeout
        scope = "the notebook's" if deadline.hit == "notebook" else "the cell"
        result = {
            "status": "timeout",
            "cell": deadline.cell,
            "error": f"timed out: {scope} limit of {limit:g} s was reached",
        }
    except DeadKernelError as exc:
        result = {"status": "failed", "cell": deadline.cell, "error": f"the kernel died: {exc}"}
    except RuntimeError as exc:  # e.g. "Kernel didn't respond in 60 seconds"
        result = {"status": "failed", "cell": deadline.cell, "error": f"the kernel failed: {exc}"}
    executed = sink[0] if sink else notebook
    seconds = time.perf_counter() - started
    if not request.keep_noise:
        strip_noise(executed)
    if result["status"] == "failed" and "traceback" in result and _errors_expected(executed):
        result = {"status": "ok"}
    if result["status"] != "ok":
        _locate_failure(result, executed, deadline.cell)
    if target is not None:
        _write(target, executed)
    return RunResult(
        str(request.source), str(target) if target else None, seconds=seconds, **result
    ), executed


def _errors_expected(executed: Any) -> bool:
    """Every error is in a cell tagged `raises-exception`: nbclient ran on past them, and
    so the notebook succeeded (papermill reports any error output as a failure)."""
    for cell in executed.cells:
        has_error = any(o.get("output_type") == "error" for o in cell.get("outputs", []))
        if has_error and "raises-exception" not in cell.get("metadata", {}).get("tags", []):
            return False
    return True


def _locate_failure(result: dict[str, Any], executed: Any, running: int | None) -> None:
    """Set the failing cell (as an index of the user's notebook) and its source line."""
    traceback: list[str] = result.pop("traceback", [])
    source = result.pop("source", None)
    cells = [c for c in executed.cells if ERROR_MARKER_TAG not in c.metadata.get("tags", [])]
    index = next(
        (
            i
            for i, c in enumerate(cells)
            if c.cell_type == "code"
            and "raises-exception" not in c.metadata.get("tags", [])
            and any(o.get("output_type") == "error" for o in c.get("outputs", []))
        ),
        None,
    )
    if index is None and source is not None:
        index = next((i for i, c in enumerate(cells) if c.source == source), None)
    if index is None:
        index = running
    if index is None or index >= len(cells):
        return
    result["line"] = _failure_line(cells[index], traceback)
    injected = sum("injected-parameters" in c.metadata.get("tags", []) for c in cells[:index])
    result["cell"] = index - injected


def _execute_guarded(
    request: RunRequest, notebook: Any, kernel: str, deadline: _Deadline, sink: list[Any]
) -> None:
    from jupyter_client.kernelspec import NoSuchKernel

    try:
        _execute(request, notebook, kernel, deadline, sink)
    except NoSuchKernel:
        raise UsageError(
            f"{request.source}: no kernel named {kernel!r} is installed; choose one with "
            "--kernel NAME (`jupyter kernelspec list`)"
        ) from None
    except ValueError as exc:
        if "kernel" in str(exc).lower():
            raise UsageError(f"{request.source}: {exc}") from None
        raise


def _write(target: Path, notebook: Any) -> None:
    import nbformat

    try:
        write_text_atomic(target, nbformat.writes(notebook) + "\n")  # type: ignore[no-untyped-call]
    except OSError as exc:
        raise BadInputError.unreadable(target, f"cannot write the output: {exc.strerror}") from None


def run_reported(request: RunRequest) -> RunResult:
    """Run one notebook of a batch: every outcome, bad input included, becomes a result."""
    try:
        return run_notebook(request)[0]
    except ReproError as exc:  # a worker reports, the parent decides the exit code
        return RunResult(str(request.source), None, "error", 0.0, error=exc.message)
    except Exception as exc:
        # A bug of ours, never reported as the notebook's failure (3): exit 4, traceback kept.
        import traceback

        sys.stderr.write("".join(traceback.format_exception(exc)))
        return RunResult(
            str(request.source),
            None,
            "internal-error",
            0.0,
            error=f"internal error in jupyter-repro, please report: {type(exc).__name__}: {exc}",
        )
