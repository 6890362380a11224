"""Cost of kernel tracking: plain ipykernel against ipykernel with jupyter_repro, same run.

    python benchmarks/bench_kernel.py [--repeat N] [--kernel-arg ARG]...

Measures, alternating the two kernels so machine noise hits both alike:
- kernel CPU time (user + system of all its threads, `time.process_time()` inside the
  kernel) of a 20-cell mixed workload run through nbclient: a 10^6-iteration loop, list
  and dict work, a class with thousands of instances, file reads and writes, trivial
  cells;
- the fixed cost per trivial cell (200 `x = 1` cells through nbclient, and 2,000 cells in
  an in-process shell where the hooks are the only difference);
- kernel start-up: wall time until the kernel answers, and its CPU time by then.
Budgets (DESIGN.md): CPU ratio <= 1.05, <= 0.5 ms per cell, start-up ratio <= 1.05.
`--kernel-arg` replaces the extension's kernel arguments (to measure another tracker).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

EXTENSION_ARGS = ["--ext=jupyter_repro"]
# process_time: the CPU of every thread of the kernel, in nanoseconds (os.times() counts
# 10 ms clock ticks, a twentieth of the window measured).
START = "import time as _time\n_t0 = _time.process_time()"
STOP = "_t1 = _time.process_time()\nprint(round(_t1 - _t0, 5), round(_t1, 5))"

MIXED = [
    "import json, math, random\nrandom.seed(0)",
    "total = 0\nfor i in range(1_000_000):\n    total += i",
    "squares = [i * i for i in range(200_000)]",
    "index = {i: str(i) for i in range(100_000)}",
    "class Point:\n    def __init__(self, x, y):\n        self.x, self.y = x, y\n"
    "    def norm(self):\n        return math.hypot(self.x, self.y)",
    "points = [Point(i, -i) for i in range(20_000)]",
    "norms = sum(p.norm() for p in points)",
    "text = open('data.csv').read()",
    "rows = [line.split(',') for line in text.splitlines()]",
    "counts = {}\nfor r in rows:\n    counts[r[0]] = counts.get(r[0], 0) + 1",
    "x = 1",
    "y = x + 1",
    "words = ' '.join(str(i) for i in range(50_000)).split()",
    "ordered = sorted(words, key=len)",
    "blob = json.dumps(index)",
    "with open('out.json', 'w') as f:\n    f.write(blob)",
    "again = open('data.csv').read() == text",
    "z = [p.x for p in points if p.x % 7 == 0]",
]
TRIVIAL = ["x = 1"] * 200


def _notebook(cells: Sequence[str]) -> Any:
    import nbformat

    sources = [START, *cells, STOP]
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])


def _run_notebook(
    cells: Sequence[str], workdir: Path, kernel_args: list[str]
) -> tuple[float, float, float]:
    """(kernel CPU seconds of the cells between START and STOP, the kernel's whole CPU
    seconds including start-up, wall seconds)."""
    from nbclient import NotebookClient

    notebook = _notebook(cells)
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=600,
        extra_arguments=kernel_args,
        resources={"metadata": {"path": str(workdir)}},
    )
    began = time.perf_counter()
    client.execute()
    wall = time.perf_counter() - began
    window, whole = notebook.cells[-1].outputs[0]["text"].split()
    return float(window), float(whole), wall


def _startup(workdir: Path, kernel_args: list[str]) -> tuple[float, float]:
    """(wall seconds until the kernel answers, kernel CPU seconds by then)."""
    from jupyter_client import KernelManager

    runtime = Path(tempfile.mkdtemp(prefix="bench-ipc-"))
    # IPC socket paths are relative to the cwd unless given absolute; the kernel's cwd differs.
    km = KernelManager(
        transport="ipc",
        kernel_name="python3",
        ip=str(runtime / "ipc"),
        connection_file=str(runtime / "kernel-bench.json"),
    )
    began = time.perf_counter()
    km.start_kernel(cwd=str(workdir), extra_arguments=kernel_args)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        wall = time.perf_counter() - began
        out: list[str] = []
        kc.execute_interactive(
            "import time\nprint(time.process_time())",
            output_hook=lambda m: out.append(m["content"].get("text", "")),
        )
        return wall, float("".join(out).strip())
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def _in_process(cells: int) -> tuple[float, float]:
    """(seconds per trivial cell without, with the extension) in one InteractiveShell."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()

    def batch() -> float:
        began = time.process_time()
        for _ in range(cells):
            shell.run_cell("x = 1", store_history=True, cell_id="c")
        return (time.process_time() - began) / cells

    plain = [batch()]
    shell.run_line_magic("load_ext", "jupyter_repro")
    tracked = [batch()]
    shell.run_line_magic("unload_ext", "jupyter_repro")
    plain.append(batch())
    shell.run_line_magic("load_ext", "jupyter_repro")
    tracked.append(batch())
    shell.run_line_magic("unload_ext", "jupyter_repro")
    return min(plain), min(tracked)


def _compile_package() -> None:
    """An installed wheel ships bytecode; a source checkout under PYTHONDONTWRITEBYTECODE=1
    would make every kernel compile the package again, which is not what users pay."""
    import compileall

    import jupyter_repro

    compileall.compile_dir(str(Path(jupyter_repro.__file__).parent), quiet=1)


def _workdir() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="bench-kernel-"))
    (folder / "pyproject.toml").write_text('[project]\nname = "bench"\nversion = "0"\n')
    lines = [f"{i % 97},{i},{i * 0.5}" for i in range(60_000)]
    (folder / "data.csv").write_text("\n".join(lines) + "\n")
    return folder


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--kernel-arg", action="append", dest="kernel_args")
    parser.add_argument("--json", action="store_true", help="print the samples as JSON")
    args = parser.parse_args(argv)
    tracked_args: list[str] = args.kernel_args or EXTENSION_ARGS
    if not args.kernel_args:
        _compile_package()
    workdir = _workdir()
    samples: dict[str, list[float]] = {}

    def add(key: str, value: float) -> None:
        samples.setdefault(key, []).append(value)

    for _ in range(args.repeat):
        for label, kernel_args in (("plain", []), ("tracked", tracked_args)):
            cpu, whole, wall = _run_notebook(MIXED, workdir, kernel_args)
            add(f"mixed_cpu_{label}", cpu)
            add(f"mixed_whole_{label}", whole)
            add(f"mixed_wall_{label}", wall)
            cpu, _, _ = _run_notebook(TRIVIAL, workdir, kernel_args)
            add(f"trivial_cpu_{label}", cpu / len(TRIVIAL))
            wall, cpu = _startup(workdir, kernel_args)
            add(f"start_wall_{label}", wall)
            add(f"start_cpu_{label}", cpu)
    if not args.kernel_args:
        plain_cell, tracked_cell = _in_process(2000)
        add("inprocess_cell_plain", plain_cell)
        add("inprocess_cell_tracked", tracked_cell)
    _report(samples, args.repeat)
    if args.json:
        sys.stdout.write(json.dumps(samples, indent=2, sort_keys=True) + "\n")
    return 0


ROWS = [
    ("mixed_cpu", "mixed workload, kernel CPU (s)", 1.0, "ratio <= 1.05"),
    ("mixed_whole", "mixed, whole-kernel CPU (s)", 1.0, "incl. start-up"),
    ("mixed_wall", "mixed workload, wall (s)", 1.0, ""),
    ("trivial_cpu", "trivial cell, kernel CPU (ms)", 1e3, "delta <= 0.5 ms"),
    ("inprocess_cell", "trivial cell, in-process (ms)", 1e3, "delta <= 0.5 ms"),
    ("start_wall", "start-up, wall to ready (s)", 1.0, "ratio <= 1.05"),
    ("start_cpu", "start-up, kernel CPU (s)", 1.0, ""),
]


def _report(samples: dict[str, list[float]], repeat: int) -> None:
    print(f"{repeat} alternating runs; median (min) of each")
    print(f"{'measure':32} {'plain':>16} {'tracked':>16} {'ratio':>13} {'delta':>9}  budget")
    for key, name, scale, budget in ROWS:
        plain, tracked = samples.get(f"{key}_plain"), samples.get(f"{key}_tracked")
        if not plain or not tracked:
            continue
        p_med, t_med = statistics.median(plain) * scale, statistics.median(tracked) * scale
        p_min, t_min = min(plain) * scale, min(tracked) * scale
        ratio = f"{t_med / p_med:.3f} ({t_min / p_min:.3f})" if p_min else "n/a"
        print(
            f"{name:32} {p_med:8.3f} ({p_min:6.3f}) {t_med:8.3f} ({t_min:6.3f}) {ratio:>13} "
            f"{t_med - p_med:+9.3f}  {budget}"
        )


if __name__ == "__main__":
    sys.exit(main())
