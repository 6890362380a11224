"""`jupyter-repro run` against `papermill.execute_notebook`, and `--jobs 2` against sequential.

Budgets (issue 7): `run` at most 1.05x the wall time of papermill's own API on the same
notebook; `--jobs 2` on 8 notebooks at least 1.6x faster than one after the other.
Runs alternate (papermill, run, papermill, run...) so a load spike hits both alike;
medians are reported. `--shutdown` also counts how often a kernel ignores its shutdown
request for the 2.5 s jupyter_client waits before SIGTERM (the "second run is 3 s
slower" effect).

    python benchmarks/bench_run.py [--repeat 7] [--notebooks 8] [--skip-jobs] [--shutdown 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

# A small, realistic notebook: imports, a little CPU work, prints, a result.
CELLS = [
    "import json, math, statistics",
    "values = [math.sin(i) * math.sqrt(i) for i in range(200_000)]",
    "summary = {'mean': statistics.fmean(values), 'n': len(values)}\nprint(json.dumps(summary))",
    "sorted(values)[:3]",
]


def write_notebook(path: Path) -> Path:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(notebook, path)
    return path


def time_papermill(notebook: Path, output: Path) -> float:
    import papermill

    start = time.perf_counter()
    papermill.execute_notebook(
        str(notebook), str(output), progress_bar=False, cwd=str(notebook.parent)
    )
    return time.perf_counter() - start


def time_run(notebook: Path, output: Path) -> float:
    from jupyter_repro.integrations.papermill_run import RunRequest, run_notebook

    start = time.perf_counter()
    result, _ = run_notebook(RunRequest(notebook, output=output))
    elapsed = time.perf_counter() - start
    if result.status != "ok":
        raise SystemExit(f"run failed: {result.message()}")
    return elapsed


def bench_single(folder: Path, repeat: int) -> None:
    notebook = write_notebook(folder / "bench.ipynb")
    time_papermill(notebook, folder / "warm.ipynb")  # imports and disk caches, both sides
    time_run(notebook, folder / "warm.ipynb")
    papermill_times, run_times = [], []
    for _ in range(repeat):
        papermill_times.append(time_papermill(notebook, folder / "pm.ipynb"))
        run_times.append(time_run(notebook, folder / "run.ipynb"))
    base, ours = statistics.median(papermill_times), statistics.median(run_times)
    ratio = ours / base
    print(
        f"papermill.execute_notebook  median {base:6.2f} s  "
        f"(min {min(papermill_times):.2f}, max {max(papermill_times):.2f})"
    )
    print(
        f"jupyter-repro run           median {ours:6.2f} s  "
        f"(min {min(run_times):.2f}, max {max(run_times):.2f})"
    )
    print(f"ratio run/papermill {ratio:5.2f}x   budget 1.05x: {'ok' if ratio <= 1.05 else 'OVER'}")


def bench_jobs(folder: Path, count: int) -> None:
    from jupyter_repro.cli.run import execute_all
    from jupyter_repro.integrations.papermill_run import RunRequest

    batch = [
        RunRequest(write_notebook(folder / f"nb{i}.ipynb"), output=folder / f"out{i}.ipynb")
        for i in range(count)
    ]
    start = time.perf_counter()
    sequential = execute_all(batch, jobs=1)
    one = time.perf_counter() - start
    start = time.perf_counter()
    parallel = execute_all(batch, jobs=2)
    two = time.perf_counter() - start
    if any(r.status != "ok" for r in [*sequential, *parallel]):
        raise SystemExit("a notebook failed")
    speedup = one / two
    print(f"{count} notebooks sequential   {one:6.2f} s")
    print(f"{count} notebooks --jobs 2     {two:6.2f} s")
    print(f"speed-up {speedup:4.2f}x   budget >= 1.6x: {'ok' if speedup >= 1.6 else 'UNDER'}")


def _count_terminations(manager: type, runs: int) -> tuple[int, list[float]]:
    from nbclient import NotebookClient

    terminated: list[int] = []

    class CountingManager(manager):  # type: ignore[misc,valid-type]
        async def _async_send_kernel_sigterm(self, restart: bool = False) -> None:
            terminated.append(1)
            await super()._async_send_kernel_sigterm(restart=restart)

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "p", "language": "python"}
    times = []
    for _ in range(runs):
        client = NotebookClient(
            nbformat.from_dict(notebook),
            kernel_name="python3",
            kernel_manager_class=CountingManager,
        )
        start = time.perf_counter()
        client.execute()
        times.append(time.perf_counter() - start)
    return len(terminated), times


def bench_shutdown(runs: int) -> None:
    """How often a kernel misses its shutdown request and waits 2.5 s for SIGTERM:
    jupyter_client's manager (SIGINT first) against ours (no SIGINT at shutdown)."""
    from jupyter_client.manager import AsyncKernelManager

    from jupyter_repro.integrations.papermill_engine import QuietShutdownKernelManager

    for label, manager in (
        ("jupyter_client", AsyncKernelManager),
        ("jupyter-repro", QuietShutdownKernelManager),
    ):
        count, times = _count_terminations(manager, runs)
        print(
            f"{label:15s} {count} of {runs} kernels missed the shutdown request "
            f"(SIGTERM after 2.5 s); median {statistics.median(times):.2f} s, "
            f"max {max(times):.2f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--notebooks", type=int, default=8)
    parser.add_argument("--skip-jobs", action="store_true")
    parser.add_argument("--shutdown", type=int, default=0, metavar="RUNS")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "pyproject.toml").write_text('[project]\nname = "bench"\nversion = "0"\n')
        bench_single(folder, args.repeat)
        if not args.skip_jobs:
            bench_jobs(folder, args.notebooks)
        if args.shutdown:
            bench_shutdown(args.shutdown)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
